"""Where rights come from: grant rows (`Role`) and sources registered by upper apps (the registry).

orgs is the bottom layer and never imports members. The members app registers a `RightSource` in its
AppConfig.ready (chibo/members/rights.py): a membership valid on a day gives the member right on its
cell, a position (secretary, deputy, committee) the cell-leader right. orgs.access reads grant rows and
every source in one query per request; the rights list (`rights_held_in`) is one UNION of narrow rows
ordered and sliced by the database, and only the rows of a page are loaded in full.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import CharField, DateField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim

from chibo.common.collation import NameKey
from chibo.common.dated import ended_by_q, ends_after_q, valid_on_q
from chibo.common.people import person_name
from chibo.common.text import fold
from chibo.orgs.models import GRANTABLE_ROLES, Organisation, Role, in_subtree_q

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
    listing(org, period): querysets of the narrow rows (`listing_rows`) of the subtree of `org` in the
        period (`Period`), without ordering: UNIONed with the grant rows, ordered and sliced by the
        database, so a page of the rights list reads only its own rows.
    hydrate(tag, pks): for a tag of `tags` (the kinds of the source's listing rows), the Held rows of
        these primary keys, by primary key; one query per tag and page.
    """

    name: str
    for_user: Callable[[int, dt.date], list[QuerySet]]
    holders: Callable[[Sequence[str], list[str], dt.date], list[QuerySet]]
    listing: Callable[[Organisation, "Period"], list[QuerySet]]
    hydrate: Callable[[str, list[int]], dict[int, Held]]
    tags: tuple[str, ...] = ()  # the tags of its listing rows


_sources: dict[str, RightSource] = {}


def register_right_source(source: RightSource) -> None:
    """Add (or replace, by name: AppConfig.ready may run twice in tests) a source of derived rights."""
    _sources[source.name] = source


def right_sources() -> list[RightSource]:
    return list(_sources.values())


# --- the rights list: ordered and sliced by the database ---------------------------------------------


@dataclass(frozen=True)
class Period:
    """Which rows of the rights list: valid on `day` (current; with `future`, also those that start
    later), or ended on or before `day` (not current: the history)."""

    day: dt.date
    current: bool = True
    future: bool = True

    def q(self, prefix: str = "") -> Q:
        via = prefix.removesuffix("__")
        if not self.current:
            return ended_by_q(self.day, via=via)
        if not self.future:
            return valid_on_q(self.day, via=via, open_start=True)
        return ends_after_q(self.day, via=via)


# The columns of a listing row, in this order in every branch of the UNION; the list is ordered by all
# of them: organisation, given name first without accents, user, right, start (none = since ever),
# then the source and the row as tie-breakers.
LISTING_COLUMNS = ("r_path", "r_name", "r_user", "r_role", "r_from", "r_tag", "r_pk")


def _typed(value, field) -> Cast:
    # Literals are typed, so PostgreSQL need not guess the type of a UNION column.
    return Cast(Value(value), output_field=field)


def role_kind(kind: str) -> Cast:
    """A fixed right kind as a listing column (`listing_rows(role=...)`)."""
    return _typed(str(kind), CharField(max_length=20))


def listing_rows(qs: QuerySet, *, path: str, name, user: str, role, valid_from: str, tag: str) -> QuerySet:
    """The narrow rows of `qs` for the rights list: `path`, `user`, `valid_from` are lookups on the
    model of `qs`; `name` a lookup or an expression of the holder's name (as shown); `role` a lookup or
    `role_kind(...)`; `tag` names the kind of row (its source hydrates it back)."""
    role_expr = F(role) if isinstance(role, str) else role
    name_expr = F(name) if isinstance(name, str) else name
    return (
        qs.annotate(
            r_path=F(path),
            r_name=NameKey(name_expr),
            r_user=F(user),
            r_role=role_expr,
            r_from=Coalesce(F(valid_from), Value(dt.date.min, output_field=DateField())),
            r_tag=_typed(tag, CharField(max_length=20)),
            r_pk=F("pk"),
        )
        .values(*LISTING_COLUMNS)
        .order_by()
    )


def _grant_listing(org: Organisation, period: Period) -> QuerySet:
    qs = Role.objects.filter(period.q(), in_subtree_q(org, via="organisation"))
    # person_name(user) in SQL: the member's full name, else "family+middle given", else the login.
    account_name = Trim(Concat(F("user__last_name"), Value(" "), F("user__first_name")))
    name = Coalesce(
        NullIf(F("user__member__full_name"), Value("")),
        NullIf(account_name, Value("")),
        F("user__username"),
        output_field=CharField(),
    )
    return listing_rows(
        qs,
        path="organisation__path",
        name=name,
        user="user_id",
        role="role",
        valid_from="valid_from",
        tag=FROM_GRANT,
    )


def _grant_rows(pks: list[int]) -> dict[int, Held]:
    qs = Role.objects.filter(pk__in=pks).select_related(
        "organisation", "user__member", "granted_by__member", "revoked_by__member"
    )
    return {
        r.pk: Held(
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
    }


class RightsList:
    """The rights of a subtree as a lazy sequence for a Paginator (or a slice of the API): count() and
    a slice each run one UNION query of narrow rows (grants and every source), ordered and sliced by
    the database; only the rows of the slice become Held objects, with one query per kind of row."""

    def __init__(self, org: Organisation, period: Period):
        self.org = org
        self.period = period
        self._count: int | None = None

    def _union(self, *columns: str) -> QuerySet:
        branches = [_grant_listing(self.org, self.period)]
        branches += [qs for source in right_sources() for qs in source.listing(self.org, self.period)]
        if columns:  # fewer columns (for the count): the name keys are not computed
            branches = [qs.values(*columns) for qs in branches]
        first, *others = branches
        return first.union(*others, all=True) if others else first

    def count(self) -> int:
        if self._count is None:
            self._count = self._union("r_pk").count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def all(self) -> "RightsList":  # django-ninja's paginators count `queryset.all()`
        return self

    def __getitem__(self, index):
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else self[len(self) + index :][:1]
            if not found:
                raise IndexError(index)
            return found[0]
        if index.step not in (None, 1):
            raise ValueError("RightsList slices have no step")
        start, stop = index.start or 0, index.stop
        if start < 0 or (stop is not None and stop < 0):
            start, stop, _ = index.indices(len(self))
        if stop is not None and stop <= start:
            return []
        rows = list(self._union().order_by(*LISTING_COLUMNS)[start:stop])
        return self._hydrate(rows)

    def __iter__(self):
        return iter(self[:])

    def _hydrate(self, rows: list[dict]) -> list[Held]:
        by_tag: dict[str, list[int]] = {}
        for row in rows:
            by_tag.setdefault(row["r_tag"], []).append(row["r_pk"])
        owners = {tag: source for source in right_sources() for tag in source.tags}
        held = {
            tag: _grant_rows(pks) if tag == FROM_GRANT else owners[tag].hydrate(tag, pks)
            for tag, pks in by_tag.items()
        }
        return [held[row["r_tag"]][row["r_pk"]] for row in rows]


def rights_held_in(
    org: Organisation, *, day: dt.date, current: bool = True, future: bool = True
) -> RightsList:
    """Who holds which right in the subtree of `org`: valid on `day` (current; future grants included
    unless `future` is false), or ended by `day` (the history), from grants and every registered source.
    Sorted by organisation, then given name (Vietnamese order, accent-free), user, right and start.
    A lazy sequence: count it, slice it (a page); nothing is read before."""
    return RightsList(org, Period(day=day, current=current, future=future))


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
    in_subtree = Q(in_subtree_q(org, via="member__memberships__cell")) | Q(
        in_subtree_q(org, via="chibo_roles__organisation")
    )
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
