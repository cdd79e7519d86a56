"""Export -> import into an empty database gives identical data (compared as tuples, not ids)."""

import datetime as dt

import pytest

from chibo.common.access import SYSTEM
from chibo.dataio.formats import KINDS
from chibo.dataio.services import export_data, import_data
from chibo.members.models import Exemption, Member, Membership, Position, TrainingRecord
from chibo.members.services import (
    exemption_create,
    member_transfer,
    membership_open,
    position_assign,
    training_record_create,
)
from chibo.orgs.models import Organisation, OrgKind, OrgParentPeriod, Role
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db
D = dt.date


def build_data():
    city = make_org("Thành ủy Hà Nội", kind=OrgKind.CITY, code="HN", founded_on=D(1930, 3, 1))
    ward = make_org(
        "Đảng bộ phường Kim Liên", kind=OrgKind.GRASSROOTS, parent=city, code="KL", address="Số 2 Kim Liên"
    )
    part = make_org("Đảng bộ bộ phận Khu A", kind=OrgKind.PARTIAL, parent=ward, code="KL-A")
    cells = [
        make_org(
            f"Chi bộ Khu A số {i}",
            parent=part,
            code=f"KL-A-{i}",
            cell_kind="residential",
            founded_on=D(2000, 1, 1),
        )
        for i in (1, 2)
    ]
    school = make_org("Chi bộ Trường Tiểu học", parent=ward, code="KL-TH", cell_kind="school")
    old = make_org(
        "Chi bộ cũ", parent=ward, code="KL-CU", founded_on=D(2000, 1, 1), dissolved_on=D(2019, 1, 1)
    )
    people = [
        make_member(
            cells[0], full_name=f"Nguyễn Văn Số {i}", card_number=f"0100{i:04d}", citizen_id=f"00108{i:07d}"
        )
        for i in range(10)
    ]
    extra = make_member(
        school,
        full_name="Đặng Thị Ánh",
        card_number="02000001",
        citizen_id=None,
        official_on=None,
        admitted_on=D(2025, 1, 1),
        joined_on=D(2025, 1, 1),
        gender="female",
        phone="0901234567",
        email="anh@truong.vn",
    )
    member_transfer(member=people[9], to_cell=cells[1], on=D(2023, 7, 1), by=SYSTEM)
    membership_open(
        member=people[8],
        cell=school,
        kind="temporary",
        valid_from=D(2024, 1, 1),
        valid_until=D(2024, 9, 1),
        note="đi học",
        by=SYSTEM,
    )
    position_assign(
        member=people[0], cell=cells[0], kind="secretary", valid_from=D(2021, 1, 1), decision_ref="QĐ 12", by=SYSTEM
    )
    position_assign(member=people[1], cell=cells[0], kind="deputy", valid_from=D(2021, 1, 1), by=SYSTEM)
    position_assign(
        member=people[2], cell=cells[0], kind="committee", valid_from=D(2021, 1, 1), valid_until=D(2023, 1, 1), by=SYSTEM
    )
    exemption_create(
        member=people[3], valid_from=D(2022, 3, 1), reason="Tuổi cao, sức yếu", decision_ref="NQ 3", by=SYSTEM
    )
    exemption_create(
        member=people[4], valid_from=D(2020, 3, 1), valid_until=D(2021, 3, 1), reason="Ốm dài ngày", by=SYSTEM
    )
    training_record_create(
        member=people[0],
        course_title="Bồi dưỡng bí thư chi bộ",
        kind="party_work",
        organiser="Ban Tổ chức Thành ủy",
        started_on=D(2024, 4, 1),
        ended_on=D(2024, 4, 5),
        completed=True,
        by=SYSTEM,
    )
    training_record_create(
        member=extra, course_title="Lớp đảng viên mới", kind="political_theory", started_on=D(2025, 2, 1), by=SYSTEM
    )
    return old


def snapshot_all():
    def code(org):
        return org.code if org else None

    return {
        "orgs": sorted(
            (
                o.code,
                o.name,
                o.kind,
                code(o.parent),
                o.cell_kind,
                o.founded_on,
                o.dissolved_on,
                o.address,
                o.depth,
                o.parent is None or o.path.startswith(o.parent.path),
            )
            for o in Organisation.objects.select_related("parent")
        ),
        "members": sorted(
            (
                m.card_number,
                m.full_name,
                m.sort_name,
                m.search_name,
                m.gender,
                m.birth_date,
                m.citizen_id,
                m.phone,
                m.email,
                m.admitted_on,
                m.official_on,
                m.work_status,
            )
            for m in Member.objects.all()
        ),
        "memberships": sorted(
            (m.member.card_number, m.cell.code, m.kind, m.valid_from, m.valid_until, m.note)
            for m in Membership.objects.select_related("member", "cell")
        ),
        "positions": sorted(
            (p.member.card_number, p.cell.code, p.kind, p.valid_from, p.valid_until, p.decision_ref)
            for p in Position.objects.select_related("member", "cell")
        ),
        "exemptions": sorted(
            (e.member.card_number, e.valid_from, e.valid_until, e.reason, e.decision_ref)
            for e in Exemption.objects.select_related("member")
        ),
        "trainings": sorted(
            (t.member.card_number, t.course_title, t.kind, t.organiser, t.started_on, t.ended_on, t.completed)
            for t in TrainingRecord.objects.select_related("member")
        ),
    }


def flush():
    # Raw deletes: the tree protects parents from the ORM's collector; nothing else refers to these rows.
    for model in (
        Position,
        Exemption,
        TrainingRecord,
        Membership,
        Member,
        Role,
        OrgParentPeriod,
        Organisation,
    ):
        model.objects.all()._raw_delete(model.objects.db)
    assert not Organisation.objects.exists()


def test_export_then_import_into_an_empty_database_gives_identical_data():
    build_data()
    original = snapshot_all()
    assert len(original["memberships"]) == 13 and len(original["orgs"]) == 7
    workbook, _ = export_data(kind="all", filename="tat-ca.xlsx")
    csvs = {kind: export_data(kind=kind, filename=f"{kind}.csv")[0] for kind in KINDS}

    flush()
    result = import_data(data=workbook, filename="tat-ca.xlsx", kind="all")
    assert result.written, [str(e) for e in result.errors]
    assert snapshot_all() == original

    flush()
    for kind in KINDS:  # one CSV per kind, in dependency order
        result = import_data(data=csvs[kind], filename=f"{kind}.csv", kind=kind)
        assert result.written, [str(e) for e in result.errors]
    assert snapshot_all() == original


def test_reimporting_an_export_changes_nothing():
    build_data()
    workbook, _ = export_data(kind="all", filename="tat-ca.xlsx")
    result = import_data(data=workbook, filename="tat-ca.xlsx", kind="all", dry_run=True)
    assert result.ok
    assert all(c["created"] == c["updated"] == 0 for c in result.counts.values())
