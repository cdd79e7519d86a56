"""Who sees which material, through the one access path (orgs.access) and the meetings' one (meetings.access).

A user sees a material when
- their scope covers the publisher (the committee itself and those above it: also before publication), or
- it is published (publish_at passed) and it reaches a unit of their scope: a role on a unit inside a
  recipient subtree (a cell, the ward above it), or a recipient unit inside their scope (a ward's staff
  see what the city sent to one of the ward's cells), or
- it is published and attached to a meeting they see (a member on temporary activity in the host cell).
Not visible -> 404.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from chibo.common.dates import today
from chibo.materials.models import Audience, Material, MaterialAttachment, MaterialUnit
from chibo.meetings.access import meetings_visible_to
from chibo.members.models import Membership
from chibo.orgs.access import can_read_members_of, can_write_org, role_paths
from chibo.orgs.models import SEGMENT, Organisation, OrgKind


def _upper(path: str) -> str:
    return Organisation(path=path).path_upper


def _ancestors(path: str) -> list[str]:
    return [path[:i] for i in range(SEGMENT, len(path) + 1, SEGMENT)]


def scope_paths(user) -> list[str]:
    """Top-most paths of the user's roles, plus their own cell as a member (a member without a role row
    still receives their cell's materials)."""
    paths = set(role_paths(user))
    member = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
    if member is not None:
        day = today()
        paths.update(
            Membership.objects.filter(member=member, valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))
            .values_list("cell__path", flat=True)
        )
    roots: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(r) for r in roots):
            roots.append(path)
    return roots


def _inside(field: str, paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__gte": path, f"{field}__lt": _upper(path)})
    return q


def reaches_q(paths: list[str]) -> Q:
    """Materials sent to a unit at or above, or inside, one of `paths` (publication time aside)."""
    above = sorted({a for p in paths for a in _ancestors(p)})
    by_subtree = Q(audience=Audience.SUBTREE) & (
        Q(publisher__path__in=above) | _inside("publisher__path", paths)
    )
    units = MaterialUnit.objects.filter(material=OuterRef("pk")).filter(
        Q(organisation__path__in=above) | _inside("organisation__path", paths)
    )
    return by_subtree | (Q(audience=Audience.UNITS) & Exists(units))


def materials_visible_to(user, *, now=None):
    if getattr(user, "is_superuser", False):
        return Material.objects.all()
    now = now or timezone.now()
    paths = scope_paths(user)
    if not paths:
        return Material.objects.none()
    published = Q(publish_at__lte=now)
    return Material.objects.filter(_inside("publisher__path", paths) | (published & reaches_q(paths)))


def materials_received_by(org: Organisation, *, now=None):
    """Materials that reached `org` from a committee (its own ones aside), once published."""
    now = now or timezone.now()
    above = _ancestors(org.path)
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
    above = _ancestors(org.path)
    if material.audience == Audience.SUBTREE:
        return material.publisher.path in above
    return material.unit_rows.filter(organisation__path__in=above).exists()


def get_material_for_user(user, pk) -> Material:
    material = Material.objects.select_related("publisher").filter(pk=pk).first()
    if material is None:
        raise Http404("Không tìm thấy tài liệu.")
    if materials_visible_to(user).filter(pk=pk).exists():
        return material
    if material.publish_at <= timezone.now():
        meetings = meetings_visible_to(user).values("pk")
        if MaterialAttachment.objects.filter(material=material, meeting__in=meetings).exists():
            return material
    raise Http404("Không tìm thấy tài liệu.")


def can_publish_for(user, org: Organisation) -> bool:
    """Committees publish (not cells): their staff and administrators, and those above them."""
    return org.kind != OrgKind.CELL and can_write_org(user, org)


def can_see_opens(user, material: Material) -> bool:
    """The publisher's staff (and supervisors above it) see who opened it: names of members."""
    return can_read_members_of(user, material.publisher)


def get_publisher_for_user(user, org: Organisation) -> Organisation:
    if not can_publish_for(user, org):
        raise PermissionDenied("Chỉ cán bộ cấp ủy mới ban hành tài liệu của tổ chức này.")
    return org


def recipients_q(material: Material, field: str = "path") -> Q:
    """Organisations (by `field`, a path) that the material reaches."""
    if material.audience == Audience.SUBTREE:
        return _inside(field, [material.publisher.path])
    paths = list(
        Organisation.objects.filter(pk__in=material.unit_rows.values("organisation")).values_list(
            "path", flat=True
        )
    )
    return _inside(field, paths)
