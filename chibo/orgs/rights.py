"""Where rights come from: grant rows (`Role`) and sources registered by upper apps (the registry).

orgs is the bottom layer and never imports members. The members app registers a `RightSource` in its
AppConfig.ready (chibo/members/rights.py): a membership valid on a day gives the member right on its
cell, a position (secretary, deputy, committee) the cell-leader right. orgs.access reads grant rows and
every source in one query per request.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from chibo.common.people import person_name
from chibo.common.text import fold, sort_name
from chibo.orgs.models import GRANTABLE_ROLES, Organisation, Role

# Where a right comes from, as shown on the rights page.
FROM_GRANT = "grant"
FROM_MEMBERSHIP = "membership"
FROM_POSITION = "position"


@dataclass(frozen=True)
class Held:
    """One right of one person over one period, with where it comes from (for the rights page and API)."""

    user_id: int
    name: str
    username: str
    role: str
    role_label: str
    organisation: Organisation
    valid_from: dt.date | None
    valid_until: dt.date | None
    source: str  # FROM_GRANT / FROM_MEMBERSHIP / FROM_POSITION
    source_label: str  # "được trao", "sinh hoạt đảng", "chức vụ: Bí thư"
    role_id: int | None = None  # the grant row, for a revocation
    granted_by_name: str = ""
    granted_at: dt.datetime | None = None
    reason: str = ""
    revoked_by_name: str = ""
    revoke_reason: str = ""

    def is_current(self, day: dt.date) -> bool:
        return self.valid_until is None or self.valid_until > day


@dataclass(frozen=True)
class RightSource:
    """A provider of derived rights.

    for_user(user_id, day): values_list querysets of (role kind, org path, org kind), without ordering,
        of the rights the source gives the user on `day`; they are UNIONed with the grant rows (one query).
    holders(kinds, paths, day): querysets of user ids holding one of `kinds` on an organisation whose
        path is in `paths` on `day` (reverse lookups: "who leads this cell today").
    held_in(org, day, current): Held rows of the subtree of `org`: valid on `day` (current) or ended
        on or before `day` (not current).
    """

    name: str
    for_user: Callable[[int, dt.date], list[QuerySet]]
    holders: Callable[[Sequence[str], list[str], dt.date], list[QuerySet]]
    held_in: Callable[[Organisation, dt.date, bool], list[Held]]


_sources: dict[str, RightSource] = {}


def register_right_source(source: RightSource) -> None:
    """Add (or replace, by name: AppConfig.ready may run twice in tests) a source of derived rights."""
    _sources[source.name] = source


def right_sources() -> list[RightSource]:
    return list(_sources.values())


def active_q(day: dt.date, prefix: str = "") -> Q:
    """Rows valid on `day`: an empty start means "since ever", an empty end "still valid"."""
    return Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day}), Q(
        **{f"{prefix}valid_until__isnull": True}
    ) | Q(**{f"{prefix}valid_until__gt": day})


def _grants_held_in(org: Organisation, day: dt.date, current: bool) -> list[Held]:
    qs = Role.objects.filter(
        organisation__path__gte=org.path, organisation__path__lt=org.path_upper
    ).select_related("organisation", "user__member", "granted_by__member", "revoked_by__member")
    if current:
        qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))
    else:
        qs = qs.filter(valid_until__lte=day)
    return [
        Held(
            user_id=r.user_id,
            name=person_name(r.user),
            username=r.user.get_username(),
            role=r.role,
            role_label=r.get_role_display(),
            organisation=r.organisation,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
            source=FROM_GRANT,
            # Member and cell-leader rows made by hand before rights followed the registry.
            source_label="được trao" if r.role in GRANTABLE_ROLES else "được trao (vai trò cũ, ghi tay)",
            role_id=r.pk,
            granted_by_name=person_name(r.granted_by),
            granted_at=r.granted_at,
            reason=r.reason,
            revoked_by_name=person_name(r.revoked_by),
            revoke_reason=r.revoke_reason,
        )
        for r in qs
    ]


def rights_held_in(org: Organisation, *, day: dt.date, current: bool = True) -> list[Held]:
    """Who holds which right in the subtree of `org`: valid on `day` (current; future grants included),
    or ended by `day` (the history), from grants and every registered source. Sorted by organisation,
    then given name."""
    rows = _grants_held_in(org, day, current)
    for source in right_sources():
        rows.extend(source.held_in(org, day, current))
    # Vietnamese list order: by given name first (DOMAIN §12), accent-free as a tie-free key.
    rows.sort(
        key=lambda h: (
            h.organisation.path,
            fold(sort_name(h.name)),
            h.user_id,
            h.role,
            h.valid_from or dt.date.min,
        )
    )
    return rows


def find_account(text: str):
    """The account for a login or a party card number (exact), or None."""
    from django.contrib.auth import get_user_model

    text = (text or "").strip()
    if not text:
        return None
    User = get_user_model()
    return (
        User.objects.filter(username=text).first()
        # The members app's reverse one-to-one, by name only: orgs does not import members.
        or User.objects.filter(member__card_number=text).first()
    )


def accounts_matching(org: Organisation, text: str, *, limit: int = 20) -> list:
    """Accounts whose name matches `text` (accent-free) among the people of the subtree of `org`:
    members with a membership there, or holders of a grant there. Nobody outside the scope is listed."""
    from django.contrib.auth import get_user_model

    key = fold((text or "").strip())
    if not key:
        return []
    in_subtree = Q(
        member__memberships__cell__path__gte=org.path, member__memberships__cell__path__lt=org.path_upper
    ) | Q(chibo_roles__organisation__path__gte=org.path, chibo_roles__organisation__path__lt=org.path_upper)
    named = Q(member__search_name__contains=key) | Q(username__icontains=key)
    for word in (text or "").split():
        named |= Q(last_name__icontains=word) | Q(first_name__icontains=word)
    users = (
        get_user_model()
        .objects.filter(in_subtree)
        .filter(named, is_active=True)
        .select_related("member")
        .distinct()
        .order_by("username")[:limit]
    )
    return list(users)
