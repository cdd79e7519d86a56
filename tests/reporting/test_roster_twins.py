"""The roster exists twice: members.selectors.roster_on (one cell, the roll call's rule) and
reporting.facts.roster_at (set-based, for the facts of thousands of cells). On a varied dataset, for
every cell and every day of a month, both say the same members, and the same ones are exempt."""

import datetime as dt
import random

import pytest

from chibo.common.access import SYSTEM
from chibo.common.dated import is_valid_on
from chibo.members.models import Exemption, LeaveReason, Membership, MembershipKind
from chibo.members.selectors import roster_on
from chibo.members.services import member_leave, member_transfer
from chibo.reporting import facts
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db
D = dt.date
OFFICIAL, TEMPORARY = MembershipKind.OFFICIAL, MembershipKind.TEMPORARY
MONTH = [D(2025, 3, 1) + dt.timedelta(days=i) for i in range(31)]


def _membership(member, cell, kind, start, end=None):
    # Straight rows: the shapes the services build, edge dates included.
    return Membership.objects.create(member=member, cell=cell, kind=kind, valid_from=start, valid_until=end)


@pytest.fixture
def town():
    ward = make_org("Phường", kind="grassroots")
    a, b, c = (make_org(f"Chi bộ {x}", parent=ward) for x in "ABC")
    cells = [a, b, c]
    plain = [make_member(cell, joined_on=D(2020, 1, 1)) for cell in cells for _ in range(3)]
    # Transfers mid-month: the old row ends the day the new one starts.
    for i, day in enumerate((D(2025, 3, 15), D(2025, 3, 1), D(2025, 3, 31))):
        moving = make_member(a, joined_on=D(2020, 1, 1))
        moving.memberships.update(valid_until=day)
        _membership(moving, [b, c, b][i], OFFICIAL, day)
    # Left on a day of the month (the membership ends that day, no new one).
    for day in (D(2025, 3, 10), D(2025, 3, 1)):
        make_member(b, joined_on=D(2020, 1, 1)).memberships.update(valid_until=day)
    # Joined on a day of the month, and one who joins and leaves within it.
    for day in (D(2025, 3, 20), D(2025, 3, 31)):
        make_member(c, joined_on=day)
    short = make_member(a, joined_on=D(2025, 3, 5))
    short.memberships.update(valid_until=D(2025, 3, 12))
    # Temporary activity elsewhere: away from home while it lasts, a guest at the host.
    for home, host, start, end in (
        (a, b, D(2025, 3, 8), D(2025, 6, 8)),
        (c, a, D(2025, 2, 1), D(2025, 3, 17)),
    ):
        guest = make_member(home, joined_on=D(2020, 1, 1))
        _membership(guest, host, TEMPORARY, start, end)
    # A guest whose home membership ends mid-stay, and a temporary row only (no official cell here).
    drifting = make_member(b, joined_on=D(2020, 1, 1))
    drifting.memberships.update(valid_until=D(2025, 3, 22))
    _membership(drifting, c, TEMPORARY, D(2025, 3, 3), D(2025, 7, 1))
    lone = make_member(None)
    _membership(lone, a, TEMPORARY, D(2025, 3, 9), D(2025, 9, 9))
    # Exemptions starting and ending inside the month, or open.
    rng = random.Random(12)
    for member in rng.sample(plain, 4):
        start = rng.choice(MONTH)
        end = rng.choice([None, start + dt.timedelta(days=rng.randint(1, 20))])
        Exemption.objects.create(member=member, valid_from=start, valid_until=end, reason="Sức khỏe")
    # Through the services: a transfer on a day of the month, a member leaving the party mid-month
    # (memberships and exemptions end that day), and a guest who leaves while away.
    member_transfer(member=plain[1], to_cell=c, on=D(2025, 3, 18), by=SYSTEM)
    member_leave(member=plain[4], on=D(2025, 3, 25), reason=LeaveReason.DEATH, by=SYSTEM)
    away = make_member(c, joined_on=D(2020, 1, 1))
    _membership(away, b, TEMPORARY, D(2025, 3, 2))
    member_leave(member=away, on=D(2025, 3, 27), reason=LeaveReason.VOLUNTARY, by=SYSTEM)
    return cells


def _plain_roster(cell, day, memberships, exemptions) -> tuple[set[int], set[int], set[int]]:
    """DOMAIN §3 read straight from the rows in memory: (roster, its guests, its exempt members)."""
    on = [m for m in memberships if is_valid_on(m.valid_from, m.valid_until, day)]
    official_here = {m.member_id for m in on if m.cell_id == cell.pk and m.kind == OFFICIAL}
    guests = {m.member_id for m in on if m.cell_id == cell.pk and m.kind == TEMPORARY}
    away = {m.member_id for m in on if m.cell_id != cell.pk and m.kind == TEMPORARY}
    roster = (official_here - away) | guests
    exempt = {e.member_id for e in exemptions if is_valid_on(e.valid_from, e.valid_until, day)}
    return roster, guests, roster & exempt


def test_roster_on_equals_the_plain_reading_of_the_rows(town):
    memberships, exemptions = list(Membership.objects.all()), list(Exemption.objects.all())
    seen = set()
    for day in [D(2025, 2, 28), *MONTH, D(2025, 4, 1)]:
        for cell in town:
            roster, guests, exempt = _plain_roster(cell, day, memberships, exemptions)
            rows = list(roster_on(cell, day))
            assert len(rows) == len({m.pk for m in rows}), (cell.name, day)  # nobody twice
            assert {m.pk for m in rows} == roster, (cell.name, day)
            assert {m.pk for m in rows if m.is_temporary} == guests, (cell.name, day)
            assert {m.pk for m in rows if m.is_exempt} == exempt, (cell.name, day)
            seen.add((bool(guests), bool(exempt)))
    # The dataset has rosters with and without guests and exempt members.
    assert {g for g, _e in seen} == {e for _g, e in seen} == {False, True}


def test_roster_on_and_facts_roster_at_agree_every_day(town):
    exempt_ids = lambda day: set(Exemption.objects.valid_on(day).values_list("member_id", flat=True))  # noqa: E731
    pairs = 0
    for day in MONTH:
        everyone = facts.roster_at(day)  # the whole city, as the full rebuild reads it
        few = facts.roster_at(day, [c.pk for c in town])  # the stale cells, as the refresh reads it
        exempt = exempt_ids(day)
        for cell in town:
            one = list(roster_on(cell, day))
            ids = {m.pk for m in one}
            assert ids == everyone.get(cell.pk, set()) == few.get(cell.pk, set()), (cell.name, day)
            assert {m.pk for m in one if m.is_exempt} == ids & exempt, (cell.name, day)
            pairs += 1
    assert pairs == 93
    # The dataset moves: rosters differ across the month.
    sizes = {(cell.pk, len(roster_on(cell, day))) for cell in town for day in MONTH}
    assert len(sizes) > 6
