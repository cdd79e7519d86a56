import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chibo.common.dates import add_months, today
from chibo.demo.accounts import DEMO_ACCOUNTS, create_demo_accounts
from chibo.demo.generator import SeedError, SeedSpec, seed
from chibo.members.models import (
    Exemption,
    Member,
    Membership,
    MembershipKind,
    Position,
    PositionKind,
    TrainingKind,
    TrainingRecord,
    WorkStatus,
)
from chibo.members.selectors import positions_on, roster_on
from chibo.members.services import check_position
from chibo.orgs.models import CellKind, Organisation, OrgKind, OrgParentPeriod, Role, RoleKind

pytestmark = pytest.mark.django_db
SMALL = SeedSpec(cells=12, members_per_cell=15, months=12, seed=7)


def anchor() -> dt.date:
    return today().replace(day=1)


def digest() -> str:
    """A fingerprint of everything the generator writes, independent of database ids."""
    h = hashlib.sha256()
    queries = [
        Organisation.objects.order_by("code").values_list(
            "code", "name", "kind", "cell_kind", "depth", "parent__code", "founded_on", "dissolved_on"
        ),
        Member.objects.order_by("card_number").values_list(
            "full_name", "gender", "birth_date", "card_number", "citizen_id", "phone", "email",
            "admitted_on", "official_on", "work_status",
        ),
        Membership.objects.order_by("member__card_number", "valid_from", "kind").values_list(
            "member__card_number", "cell__code", "kind", "valid_from", "valid_until", "note"
        ),
        Position.objects.order_by("cell__code", "valid_from", "kind", "member__card_number").values_list(
            "member__card_number", "cell__code", "kind", "valid_from", "valid_until"
        ),
        Exemption.objects.order_by("member__card_number").values_list(
            "member__card_number", "valid_from", "valid_until", "reason"
        ),
        TrainingRecord.objects.order_by("member__card_number", "started_on").values_list(
            "member__card_number", "course_title", "started_on", "ended_on", "completed"
        ),
    ]  # fmt: skip
    for query in queries:
        for row in query:
            h.update(repr(row).encode())
    return h.hexdigest()


def seeded_digest(spec: SeedSpec) -> str:
    with transaction.atomic():
        seed(spec)
        value = digest()
        transaction.set_rollback(True)
    return value


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = seeded_digest(SMALL)
    again = seeded_digest(SMALL)
    other = seeded_digest(SeedSpec(cells=12, members_per_cell=15, months=12, seed=8))
    assert first == again
    assert first != other


def test_the_tree_has_a_city_root_wards_partial_committees_and_cells_of_every_depth():
    result = seed(SMALL)
    root = Organisation.objects.get(pk=result.root_id)
    assert (root.kind, root.name, root.depth) == (OrgKind.CITY, "Đảng bộ Thành phố Hà Nội", 1)
    subtree = Organisation.objects.subtree_of(root)
    assert subtree.count() == Organisation.objects.count()
    cells = subtree.cells()
    assert cells.count() == 12
    assert set(cells.values_list("depth", flat=True)) == {3, 4}  # some cells sit under a partial committee
    assert subtree.filter(kind=OrgKind.PARTIAL).exists()
    assert Counter(cells.values_list("cell_kind", flat=True))[CellKind.RESIDENTIAL] >= 6
    for org in subtree.select_related("parent"):
        expected = (org.parent.path if org.parent else "") + str(org.pk).zfill(9)
        assert org.path == expected and org.depth == len(org.path) // 9
    # One parent period per unit, as org_create would have written.
    assert OrgParentPeriod.objects.filter(valid_until=None).count() == subtree.count()


def test_the_ward_is_sized_as_asked():
    seed(SeedSpec(cells=10, members_per_cell=20, seed=3))
    assert Member.objects.count() == 200
    assert Organisation.objects.cells().count() == 10


def test_every_position_obeys_the_rules_of_the_cell():
    seed(SMALL)
    positions = Position.objects.select_related("member", "cell")
    assert positions.exists()
    for position in positions:
        check_position(position)  # raises ValidationError on any DOMAIN §3 breach
    day = anchor()
    for cell in Organisation.objects.cells().active_on(day):
        holders = list(positions_on(cell, day))
        kinds = Counter(p.kind for p in holders)
        assert kinds[PositionKind.SECRETARY] == 1, cell.name
        assert kinds[PositionKind.DEPUTY] <= 1
        assert len(holders) <= 7


def test_committees_exist_only_in_cells_with_nine_official_members_or_more():
    seed(SeedSpec(cells=12, members_per_cell=25, seed=11))
    committees = Position.objects.filter(kind=PositionKind.COMMITTEE)
    assert committees.exists()
    for position in committees.select_related("cell"):
        officials = (
            Membership.objects.valid_on(position.valid_from)
            .filter(
                cell=position.cell, kind=MembershipKind.OFFICIAL, member__official_on__lte=position.valid_from
            )
            .count()
        )
        assert officials >= 9


def test_every_member_has_exactly_one_official_membership_at_any_date():
    seed(SMALL)
    by_member = defaultdict(list)
    for m in Membership.objects.filter(kind=MembershipKind.OFFICIAL).order_by("valid_from"):
        by_member[m.member_id].append(m)
    assert set(by_member) == set(Member.objects.values_list("pk", flat=True))
    for rows in by_member.values():
        # Contiguous: each row ends the day the next begins; only the last one is open.
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.valid_until == after.valid_from
            assert before.cell_id != after.cell_id
        assert rows[-1].valid_until is None
        assert all(r.valid_until is None or r.valid_until > r.valid_from for r in rows)


def test_cards_and_citizen_ids_are_unique_and_well_formed():
    seed(SMALL)
    cards = list(Member.objects.values_list("card_number", flat=True))
    ids = list(Member.objects.values_list("citizen_id", flat=True))
    assert len(set(cards)) == len(cards) and all(re.fullmatch(r"\d{8}", c) for c in cards)
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"\d{12}", c) for c in ids)


def test_members_look_like_a_vietnamese_ward():
    seed(SeedSpec(cells=40, members_per_cell=30, seed=5))
    members = list(Member.objects.all())
    day = anchor()
    families = Counter(m.full_name.split()[0] for m in members)
    assert 0.30 < families["Nguyễn"] / len(members) < 0.46
    assert families["Trần"] > families["Đỗ"] > 0
    women = [m for m in members if m.gender == "female"]
    assert sum(" Thị " in m.full_name for m in women) > len(women) / 3
    ages = [(day - m.birth_date).days / 365.25 for m in members]
    assert 22 <= min(ages) and max(ages) <= 91
    retired = [a for m, a in zip(members, ages, strict=True) if m.work_status == WorkStatus.RETIRED]
    assert sum(a >= 60 for a in retired) / len(retired) > 0.9
    for m in members:
        assert (m.birth_date.year + 18) <= m.admitted_on.year  # admitted as an adult
        if m.official_on is None:
            assert m.admitted_on > add_months(day, -12)  # probationary: admitted within 12 months
        else:
            assert m.official_on == add_months(m.admitted_on, 12)


def test_the_work_mix_depends_on_the_cell_kind():
    seed(SeedSpec(cells=40, members_per_cell=30, seed=5))
    mix = defaultdict(Counter)
    for cell_kind, status in Membership.objects.filter(
        valid_until=None, kind=MembershipKind.OFFICIAL
    ).values_list("cell__cell_kind", "member__work_status"):
        mix[cell_kind == CellKind.RESIDENTIAL][status] += 1
    residential, others = mix[True], mix[False]
    assert residential[WorkStatus.RETIRED] > residential.total() / 2
    assert others[WorkStatus.WORKING] > others.total() * 0.85


def test_the_period_has_probationers_exemptions_temporary_members_transfers_and_changes_of_cells():
    seed(SMALL)
    day = anchor()
    start = add_months(day, -11)
    assert Member.objects.filter(official_on=None).exists()
    exemptions = list(Exemption.objects.select_related("member"))
    assert exemptions and all((e.valid_from - e.member.birth_date).days > 65 * 365 for e in exemptions)
    temporary = list(Membership.objects.filter(kind=MembershipKind.TEMPORARY))
    assert temporary
    for t in temporary:
        assert add_months(t.valid_from, 3) <= t.valid_until <= add_months(t.valid_from, 12)
        home = Membership.objects.valid_on(t.valid_from).get(member=t.member_id, kind=MembershipKind.OFFICIAL)
        assert home.cell_id != t.cell_id
    transfers = Membership.objects.filter(kind=MembershipKind.OFFICIAL, valid_until__isnull=False)
    assert transfers.filter(valid_until__gte=start).exists()
    assert Organisation.objects.cells().filter(founded_on__gte=start).exists()
    assert Organisation.objects.cells().filter(dissolved_on__gte=start, dissolved_on__lte=day).exists()
    # Nobody belongs to a dissolved cell after its dissolution.
    for cell in Organisation.objects.cells().exclude(dissolved_on=None):
        assert not Membership.objects.valid_on(cell.dissolved_on).filter(cell=cell).exists()
        assert not roster_on(cell, cell.dissolved_on).exists()


def test_leaders_are_mostly_trained_but_not_all_of_them_recently():
    seed(SeedSpec(cells=40, members_per_cell=30, seed=5))
    day = anchor()
    leaders = set(Position.objects.valid_on(day).values_list("member_id", flat=True))
    recent = set(
        TrainingRecord.objects.filter(
            kind=TrainingKind.PARTY_WORK, completed=True, ended_on__gte=add_months(day, -30)
        ).values_list("member_id", flat=True)
    )
    trained_share = len(leaders & recent) / len(leaders)
    assert 0.65 < trained_share < 0.95
    assert leaders - recent  # some untrained, or trained too long ago (T6 below 100%)


def test_seeding_writes_in_bulk_so_queries_do_not_grow_with_the_size():
    def queries_for(cells: int, members: int) -> int:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as ctx:
                seed(SeedSpec(cells=cells, members_per_cell=members, seed=1))
            transaction.set_rollback(True)
        return len(ctx.captured_queries)

    small, large = queries_for(10, 10), queries_for(40, 30)
    assert large <= small + 3
    # Per seed: the id counters, the rule sets (4); per ward: one write per table (16 with meetings).
    assert large < 60


def test_a_second_seed_with_the_same_root_code_is_refused():
    seed(SeedSpec(cells=4, members_per_cell=5))
    with pytest.raises(SeedError, match="đã được nạp"):
        seed(SeedSpec(cells=4, members_per_cell=5))


def test_demo_accounts_cover_every_role_on_the_right_units():
    from chibo.orgs.access import rights_on

    result = seed(SMALL)
    create_demo_accounts(result)
    # Committee rights are granted rows; the secretary and the member get theirs from the registry.
    roles = {r.user.username: r for r in Role.objects.select_related("user", "organisation")}
    assert set(roles) == {"quantri", "canbo", "phutrach"}
    assert roles["quantri"].user.is_superuser
    assert roles["canbo"].role == RoleKind.STAFF and roles["canbo"].organisation.kind == OrgKind.GRASSROOTS
    assert roles["phutrach"].role == RoleKind.SUPERVISOR
    users = {u.username: u for u in get_user_model().objects.all()}
    assert {a.username for a in DEMO_ACCOUNTS} <= set(users)
    cell = Organisation.objects.get(pk=result.showcase_cell_id)
    assert (RoleKind.CELL_LEADER, cell.path, OrgKind.CELL) in rights_on(users["bithu"], today())
    assert (RoleKind.MEMBER, cell.path, OrgKind.CELL) in rights_on(users["dangvien"], today())
    assert cell.is_cell
    secretary = positions_on(cell, today()).get(kind=PositionKind.SECRETARY).member
    assert secretary.user == users["bithu"]
    member = users["dangvien"].member
    assert roster_on(cell, today()).filter(pk=member.pk).exists()
    for account in DEMO_ACCOUNTS:
        assert users[account.username].check_password(account.password)


def test_the_seed_demo_command_reports_what_it_built_and_the_accounts(capsys):
    call_command("seed_demo", "--cells", "5", "--members-per-cell", "8", "--months", "6", "--seed", "3")
    out = capsys.readouterr().out
    assert "40 đảng viên" in out
    assert "buổi sinh hoạt" in out
    assert "tài khoản bithu / mật khẩu bithu-chibo-2021" in out
    assert Member.objects.count() == 40
