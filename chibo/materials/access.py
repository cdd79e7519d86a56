"""Who sees and changes materials, through the one access path (orgs.access) and the meetings' one
(meetings.access), with the verbs of chibo/common/access.py: `material` (MaterialPolicy) for one
material, `can_publish_for` / `require_publish_for` for publishing at a committee, `can_attach` /
`require_attach` for putting a material on a meeting. Not visible -> 404; visible, not allowed -> 403.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chibo.common.access import Policy, deny, is_system
from chibo.common.dates import today
from chibo.materials.models import Audience, Material, MaterialAttachment, MaterialUnit
from chibo.meetings.access import meetings_visible_to
from chibo.meetings.models import Meeting
from chibo.members.models import Membership
from chibo.orgs.access import can_read_members_of, can_write_org, role_paths, users_holding
from chibo.orgs.models import WRITE_ROLES, Organisation, OrgKind, ancestor_paths_of, in_subtrees_q, top_paths

PUBLISH_DENIED = "Chỉ cán bộ cấp ủy mới ban hành tài liệu của tổ chức này."
FILES_DENIED = "Chỉ cán bộ cấp ủy ban hành mới thêm tệp được."
OPENS_DENIED = "Chỉ cấp ủy ban hành tài liệu mới xem được ai đã mở."
# The same words as the meeting's own write check (meetings.access): attaching changes the meeting.
ATTACH_DENIED = "Bạn không có quyền sửa buổi sinh hoạt của chi bộ này."


def _above(paths) -> list[str]:
    """Every unit at or above one of `paths`."""
    return sorted({a for p in paths for a in ancestor_paths_of(p)})


def scope_paths(user) -> list[str]:
    """Top-most paths of the user's roles, plus their own cell as a member (a member without a role row
    still receives their cell's materials)."""
    paths = set(role_paths(user))
    member = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
    if member is not None:
        paths.update(
            Membership.objects.valid_on(today()).filter(member=member).values_list("cell__path", flat=True)
        )
    return top_paths(paths)


def reaches_q(paths: list[str]) -> Q:
    """Materials sent to a unit at or above, or inside, one of `paths` (publication time aside)."""
    above = _above(paths)
    by_subtree = Q(audience=Audience.SUBTREE) & (
        Q(publisher__path__in=above) | in_subtrees_q(paths, via="publisher")
    )
    units = MaterialUnit.objects.filter(material=OuterRef("pk")).filter(
        Q(organisation__path__in=above) | in_subtrees_q(paths, via="organisation")
    )
    return by_subtree | (Q(audience=Audience.UNITS) & Q(Exists(units)))


def materials_received_by(org: Organisation, *, now=None):
    """Materials that reached `org` from a committee (its own ones aside), once published."""
    now = now or timezone.now()
    above = ancestor_paths_of(org.path)
    units = MaterialUnit.objects.filter(material=OuterRef("pk"), organisation__path__in=above)
    return (
        Material.objects.filter(publish_at__lte=now)
        .filter(
            Q(audience=Audience.SUBTREE, publisher__path__in=above)
            | Q(audience=Audience.UNITS) & Exists(units)
        )
        .exclude(publisher=org)
    )


def material_reaches(material: Material, org: Organisation) -> bool:
    """Whether `org` is among the material's recipients (publication time aside)."""
    if material.audience == Audience.SUBTREE:
        return material.publisher.contains(org)
    return material.unit_rows.filter(organisation__path__in=ancestor_paths_of(org.path)).exists()


def recipients_q(material: Material, *, via: str = "") -> Q:
    """Organisations (reached through `via`) that the material reaches."""
    if material.audience == Audience.SUBTREE:
        return in_subtrees_q([material.publisher], via=via)
    paths = Organisation.objects.filter(pk__in=material.unit_rows.values("organisation")).values_list(
        "path", flat=True
    )
    return in_subtrees_q(list(paths), via=via)


class MaterialPolicy(Policy[Material]):
    """A user sees a material when
    - their scope covers the publisher (the committee itself and those above it: also before publication), or
    - it is published (publish_at passed) and it reaches a unit of their scope: a role on a unit inside a
      recipient subtree (a cell, the ward above it), or a recipient unit inside their scope (a ward's staff
      see what the city sent to one of the ward's cells), or
    - it is published and attached to a meeting they see (a member on temporary activity in the host cell).
    The publisher's staff (and those above) change it: add files; they and the supervisors above read who
    opened it."""

    model = Material
    not_found_message = "Không tìm thấy tài liệu."
    denied_message = FILES_DENIED

    def fetch_qs(self):
        return Material.objects.select_related("publisher")

    def visible_qs(self, user, *, now=None):
        if is_system(user) or getattr(user, "is_superuser", False):
            return Material.objects.all()
        now = now or timezone.now()
        paths = scope_paths(user)
        if not paths:
            return Material.objects.none()
        published = Q(publish_at__lte=now)
        return Material.objects.filter(in_subtrees_q(paths, via="publisher") | (published & reaches_q(paths)))

    def can_view(self, user, obj: Material) -> bool:
        if self.visible_qs(user).filter(pk=obj.pk).exists():
            return True
        if obj.publish_at > timezone.now():
            return False
        meetings = meetings_visible_to(user).values("pk")
        return MaterialAttachment.objects.filter(material=obj, meeting__in=meetings).exists()

    def can_edit(self, user, obj: Material) -> bool:
        return can_publish_for(user, obj.publisher)

    def editors_qs(self, obj: Material):
        """Users who change it (the same rule as can_edit, as a queryset): its publisher's staff and
        those above, administrators, and whoever created it. Their openings are work, not reading."""
        writers = users_holding(obj.publisher, WRITE_ROLES)
        return get_user_model().objects.filter(
            Q(pk__in=writers.values("pk")) | Q(is_superuser=True) | Q(pk=obj.created_by_id)
        )

    def can_see_opens(self, user, obj: Material) -> bool:
        """Names of members who opened it: the publisher's staff and supervisors above it."""
        return is_system(user) or can_read_members_of(user, obj.publisher)

    def check_opens(self, user, obj: Material) -> None:
        if not self.can_see_opens(user, obj):
            deny(OPENS_DENIED)


material = MaterialPolicy()


# --- rules not about one material ------------------------------------------------------------------------


def can_publish_for(user, org: Organisation) -> bool:
    """Committees publish (not cells): their staff and administrators, and those above them."""
    return org.kind != OrgKind.CELL and (is_system(user) or can_write_org(user, org))


def require_publish_for(user, org: Organisation) -> None:
    if not can_publish_for(user, org):
        deny(PUBLISH_DENIED)


def can_attach(user, meeting: Meeting) -> bool:
    """Attaching a material to a meeting (or taking it off) is the meeting's cell leaders' business."""
    return is_system(user) or can_write_org(user, meeting.cell)


def require_attach(user, meeting: Meeting) -> None:
    if not can_attach(user, meeting):
        deny(ATTACH_DENIED)
