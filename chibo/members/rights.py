"""Rights that follow the registry (DOMAIN §3): registered with orgs.rights in MembersConfig.ready.

A membership (official, or temporary in a host cell) valid on a day gives its holder the member right on
that cell; a position (secretary, deputy, committee member) valid on a day the cell-leader right. A
transfer, a term's end or leaving the party closes the rows, so the rights end that day by themselves.
"""

import datetime as dt

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast

from chibo.members.models import Membership, Position
from chibo.orgs.models import Organisation, RoleKind
from chibo.orgs.rights import FROM_MEMBERSHIP, FROM_POSITION, Held, RightSource


def _kind(kind: str) -> Cast:
    # Typed, so the UNION with Role.role needs no guess from PostgreSQL.
    return Cast(Value(str(kind)), output_field=CharField(max_length=20))


def user_rights(user_id: int, day: dt.date) -> list:
    memberships = (
        Membership.objects.on(day)
        .filter(member__user_id=user_id)
        .annotate(_right=_kind(RoleKind.MEMBER))
        .values_list("_right", "cell__path", "cell__kind")
        .order_by()
    )
    positions = (
        Position.objects.on(day)
        .filter(member__user_id=user_id)
        .annotate(_right=_kind(RoleKind.CELL_LEADER))
        .values_list("_right", "cell__path", "cell__kind")
        .order_by()
    )
    return [memberships, positions]


def holders(kinds, paths: list[str], day: dt.date) -> list:
    found = []
    if RoleKind.MEMBER in kinds:
        found.append(
            Membership.objects.on(day)
            .filter(cell__path__in=paths, member__user__isnull=False)
            .values("member__user_id")
        )
    if RoleKind.CELL_LEADER in kinds:
        found.append(
            Position.objects.on(day)
            .filter(cell__path__in=paths, member__user__isnull=False)
            .values("member__user_id")
        )
    return found


def _period(qs, day: dt.date, current: bool):
    if current:
        return qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))
    return qs.filter(valid_until__lte=day)


def held_in(org: Organisation, day: dt.date, current: bool) -> list[Held]:
    in_subtree = {
        "cell__path__gte": org.path,
        "cell__path__lt": org.path_upper,
        "member__user__isnull": False,
    }
    rows = []
    memberships = _period(Membership.objects.filter(**in_subtree), day, current).select_related(
        "cell", "member__user"
    )
    for m in memberships:
        rows.append(
            Held(
                user_id=m.member.user_id,
                name=m.member.full_name,
                username=m.member.user.get_username(),
                role=RoleKind.MEMBER,
                role_label=RoleKind.MEMBER.label,
                organisation=m.cell,
                valid_from=m.valid_from,
                valid_until=m.valid_until,
                source=FROM_MEMBERSHIP,
                source_label=f"sinh hoạt đảng ({m.get_kind_display().lower()})",
            )
        )
    positions = _period(Position.objects.filter(**in_subtree), day, current).select_related(
        "cell", "member__user"
    )
    for p in positions:
        rows.append(
            Held(
                user_id=p.member.user_id,
                name=p.member.full_name,
                username=p.member.user.get_username(),
                role=RoleKind.CELL_LEADER,
                role_label=RoleKind.CELL_LEADER.label,
                organisation=p.cell,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                source=FROM_POSITION,
                source_label=f"chức vụ: {p.get_kind_display()}",
                reason=p.decision_ref,
            )
        )
    return rows


SOURCE = RightSource(name="members", for_user=user_rights, holders=holders, held_in=held_in)
