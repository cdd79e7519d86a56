import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from chibo.common.dated import Dated

# Path segments are fixed-width decimal ids: a subtree is a range of one indexed column, and digit
# strings compare the same under every collation (C, ICU, SQLite's BINARY).
SEGMENT = 9


class OrgKind(models.TextChoices):
    CITY = "city", "Thành ủy / Tỉnh ủy"
    DIRECT = "direct", "Đảng bộ trực thuộc"
    GRASSROOTS = "grassroots", "Đảng bộ cơ sở"
    PARTIAL = "partial", "Đảng bộ bộ phận"
    CELL = "cell", "Chi bộ"


# Top to bottom; a unit never sits under a unit of a lower kind (a ward committee under one of its cells).
KIND_RANK: dict[str, int] = {
    OrgKind.CITY: 0,
    OrgKind.DIRECT: 1,
    OrgKind.GRASSROOTS: 2,
    OrgKind.PARTIAL: 3,
    OrgKind.CELL: 4,
}


def parent_kind_problem(kind: str, parent_kind: str | None) -> str | None:
    """Why a unit of `kind` cannot sit under a parent of `parent_kind`, or None. Depth itself is free."""
    if parent_kind is None:
        return "Chi bộ phải trực thuộc một đảng bộ." if kind == OrgKind.CELL else None
    if parent_kind == OrgKind.CELL:
        return "Chi bộ không thể có tổ chức trực thuộc."
    if KIND_RANK[kind] < KIND_RANK[parent_kind]:
        return f"{OrgKind(kind).label} không thể trực thuộc {OrgKind(parent_kind).label.lower()}."
    return None


class CellKind(models.TextChoices):
    RESIDENTIAL = "residential", "Khu dân cư (thôn, tổ dân phố)"
    AGENCY = "agency", "Cơ quan hành chính"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp công lập"
    STATE_ENTERPRISE = "state_enterprise", "Doanh nghiệp nhà nước"
    PRIVATE_ENTERPRISE = "private_enterprise", "Doanh nghiệp ngoài nhà nước"
    SCHOOL = "school", "Trường học, sinh viên"
    ARMED_FORCES = "armed_forces", "Lực lượng vũ trang"


def path_upper(path: str) -> str:
    """The next sibling's path: it bounds the subtree of `path` from above (digits only, so no
    collation surprises)."""
    head, last = path[:-SEGMENT], path[-SEGMENT:]
    return head + str(int(last) + 1).zfill(SEGMENT)


def ancestor_paths_of(path: str) -> list[str]:
    """The paths of the unit at `path` and all its ancestors, from the root down."""
    return [path[: i * SEGMENT] for i in range(1, len(path) // SEGMENT + 1)]


def _path(org_or_path) -> str:
    return org_or_path if isinstance(org_or_path, str) else org_or_path.path


def _f(via: str) -> str:
    # `via` is a relation ("cell", "meeting__cell") or, ending in "path", a path column of its own
    # (an audit entry's org_path, a fact's copied path).
    if not via:
        return "path"
    return via if via.endswith("path") else f"{via}__path"


def top_paths(paths) -> list[str]:
    """Only the top-most of `paths`: a path inside another's subtree adds nothing to a union."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(r) for r in roots):
            roots.append(path)
    return roots


def in_subtree_q(org_or_path, *, via: str = "") -> Q:
    """Rows whose organisation (reached through `via`, e.g. "cell" or "meeting__cell") lies in the
    subtree of `org_or_path`, itself included: one range on the indexed path."""
    path = _path(org_or_path)
    return Q(**{f"{_f(via)}__gte": path, f"{_f(via)}__lt": path_upper(path)})


def in_subtrees_q(orgs_or_paths, *, via: str = "") -> Q:
    """Rows in any of these subtrees (no subtree: nothing)."""
    q = Q(pk__in=[]) if not via else Q(**{f"{via}__pk__in": []})
    for path in top_paths(_path(o) for o in orgs_or_paths):
        q |= in_subtree_q(path, via=via)
    return q


def top_path() -> str:
    """The path of the top of the tree: where entries about the whole system are filed (the default
    rule set, an import or export from the command line), so the top committee's staff read them."""
    return (
        Organisation.objects.filter(parent__isnull=True).order_by("path").values_list("path", flat=True).first()
        or ""
    )


def in_ancestors_q(org_or_path, *, via: str = "", include_self: bool = True) -> Q:
    """Rows whose organisation is `org_or_path` or one of its ancestors (strict ones only without
    `include_self`)."""
    paths = ancestor_paths_of(_path(org_or_path))
    return Q(**{f"{_f(via)}__in": paths if include_self else paths[:-1]})


def is_in_subtree(path: str, root: str) -> bool:
    """The same rule as `in_subtree_q`, on values in memory."""
    return root <= path < path_upper(root)


class OrganisationQuerySet(models.QuerySet):
    def subtree_of(self, org, *, include_self: bool = True):
        qs = self.filter(in_subtree_q(org))
        return qs if include_self else qs.exclude(path=_path(org))

    def subtrees_of(self, orgs_or_paths):
        """The union of these subtrees."""
        return self.filter(in_subtrees_q(orgs_or_paths))

    def ancestors_of(self, org, *, include_self: bool = True):
        """`org`'s ancestors from the root down (and `org` itself with `include_self`)."""
        return self.filter(in_ancestors_q(org, include_self=include_self)).order_by("depth")

    def cells(self):
        return self.filter(kind=OrgKind.CELL)

    def active_on(self, day: dt.date):
        return self.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=day)).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
        )


class Organisation(models.Model):
    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=255)
    kind = models.CharField("loại tổ chức", max_length=20, choices=OrgKind.choices)
    cell_kind = models.CharField("loại hình chi bộ", max_length=30, choices=CellKind.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ancestor ids, kept by services (org_create, org_move), never edited by hand.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=1)
    founded_on = models.DateField("ngày thành lập", null=True, blank=True)
    dissolved_on = models.DateField("ngày giải thể", null=True, blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="org_dissolved_after_founded",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:detail", args=[self.pk])

    @property
    def is_cell(self) -> bool:
        return self.kind == OrgKind.CELL

    @property
    def path_upper(self) -> str:
        return path_upper(self.path)

    def ancestor_paths(self) -> list[str]:
        return ancestor_paths_of(self.path)

    def ancestors(self, *, include_self: bool = True):
        return Organisation.objects.ancestors_of(self, include_self=include_self)

    def contains(self, other: "Organisation") -> bool:
        """Whether `other` lies in this unit's subtree (itself included)."""
        return is_in_subtree(other.path, self.path)

    def is_active_on(self, day: dt.date) -> bool:
        return (self.founded_on is None or self.founded_on <= day) and (
            self.dissolved_on is None or self.dissolved_on > day
        )


class OrgParentPeriod(Dated):
    """Who the unit's parent was, and when: a move closes one row and opens the next."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parent_periods")
    parent = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    # An empty start: the first parent, since ever (Dated is typed for a required start).
    valid_from = models.DateField("từ ngày", null=True)  # type: ignore[assignment]
    valid_until = models.DateField("đến ngày", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "lịch sử trực thuộc"
        ordering = ["organisation", "valid_from"]

    def __str__(self):
        return f"{self.organisation} → {self.parent or '—'} từ {self.valid_from}"


class RoleKind(models.TextChoices):
    MEMBER = "member", "Đảng viên"
    CELL_LEADER = "cell_leader", "Cấp ủy chi bộ"
    STAFF = "staff", "Cán bộ cấp ủy"
    SUPERVISOR = "supervisor", "Cấp ủy viên phụ trách"
    ADMIN = "admin", "Quản trị"


# Rights given on the grant page (and the API): the member and cell-leader rights come from the registry
# (memberships and positions); legacy rows of those kinds still count but are no longer granted.
GRANTABLE_ROLES = (RoleKind.SUPERVISOR, RoleKind.STAFF, RoleKind.ADMIN)
# Who may give what: a granter gives rights up to their own rank (supervisor < staff < admin).
ROLE_RANK: dict[str, int] = {
    RoleKind.MEMBER: 0,
    RoleKind.CELL_LEADER: 0,
    RoleKind.SUPERVISOR: 1,
    RoleKind.STAFF: 2,
    RoleKind.ADMIN: 3,
}

# Roles that may change data in the subtree they are granted on.
WRITE_ROLES = (RoleKind.CELL_LEADER, RoleKind.STAFF, RoleKind.ADMIN)
# Roles that may read every member record of their subtree.
READ_ALL_ROLES = (*WRITE_ROLES, RoleKind.SUPERVISOR)


class Role(Dated):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chibo_roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("vai trò", max_length=20, choices=RoleKind.choices)
    # An empty start: rights granted before grants had dates (Dated is typed for a required start).
    valid_from = models.DateField("từ ngày", null=True, blank=True)  # type: ignore[assignment]
    valid_until = models.DateField("đến ngày", null=True, blank=True)
    # Who granted it, when and why (empty on rows made before grants had a page). A revocation only sets
    # valid_until: rows are never deleted, so the history of rights stays readable.
    reason = models.CharField("lý do", max_length=255, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField("lý do thu hồi", max_length=255, blank=True)

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        # No unique (user, organisation, role): a right may be granted again after it ended; the grant
        # service refuses overlapping periods instead.
        indexes = [models.Index(fields=["organisation", "role"], name="role_org_kind")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
