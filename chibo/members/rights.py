"""Rights that follow the registry (DOMAIN §3): registered with orgs.rights in MembersConfig.ready.

A membership (official, or temporary in a host cell) valid on a day gives its holder the member right on
that cell; a position (secretary, deputy, committee member) valid on a day the cell-leader right. A
transfer, a term's end or leaving the party closes the rows, so the rights end that day by themselves.
"""

import datetime as dt

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast

from chibo.members.models import Membership, Position
from chibo.orgs.models import Organisation, RoleKind, in_subtree_q
from chibo.orgs.rights import (
    FROM_MEMBERSHIP,
    FROM_POSITION,
    Held,
    Period,
    RightSource,
    listing_rows,
    role_kind,
)


def _kind(kind: str) -> Cast:
    # Typed, so the UNION with Role.role needs no guess from PostgreSQL.
    return Cast(Value(str(kind)), output_field=CharField(max_length=20))


def user_rights(user_id: int, day: dt.date) -> list:
    memberships = (
        Membership.objects.valid_on(day)
        .filter(member__user_id=user_id)
        .annotate(_right=_kind(RoleKind.MEMBER))
        .values_list("_right", "cell__path", "cell__kind")
        .order_by()
    )
    positions = (
        Position.objects.valid_on(day)
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
            Membership.objects.valid_on(day)
            .filter(cell__path__in=paths, member__user__isnull=False)
            .values("member__user_id")
        )
    if RoleKind.CELL_LEADER in kinds:
        found.append(
            Position.objects.valid_on(day)
            .filter(cell__path__in=paths, member__user__isnull=False)
            .values("member__user_id")
        )
    return found


def _in_subtree(org: Organisation) -> Q:
    return in_subtree_q(org, via="cell") & Q(member__user__isnull=False)


def listing(org: Organisation, period: Period) -> list:
    """The narrow rows of the rights list (orgs.rights.listing_rows) of the subtree of `org`."""
    rows = []
    for model, kind, tag in (
        (Membership, RoleKind.MEMBER, FROM_MEMBERSHIP),
        (Position, RoleKind.CELL_LEADER, FROM_POSITION),
    ):
        qs = model.objects.filter(period.q(), _in_subtree(org))
        rows.append(
            listing_rows(
                qs,
                path="cell__path",
                name="member__full_name",
                user="member__user_id",
                role=role_kind(kind),
                valid_from="valid_from",
                tag=tag,
            )
        )
    return rows


def _membership_held(m: Membership) -> Held:
    return Held(
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


def _position_held(p: Position) -> Held:
    return Held(
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


def hydrate(tag: str, pks: list[int]) -> dict[int, Held]:
    """The Held rows of these memberships or positions (one query)."""
    model, make = {
        FROM_MEMBERSHIP: (Membership, _membership_held),
        FROM_POSITION: (Position, _position_held),
    }[tag]
    qs = model.objects.filter(pk__in=pks).select_related("cell", "member__user").order_by()
    return {row.pk: make(row) for row in qs}


SOURCE = RightSource(
    name="members",
    for_user=user_rights,
    holders=holders,
    listing=listing,
    hydrate=hydrate,
    tags=(FROM_MEMBERSHIP, FROM_POSITION),
)
