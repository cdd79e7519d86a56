"""CSV (BOM or not, comma or semicolon) and XLSX files, the workbook of every kind, dry runs and upserts."""

import datetime as dt

import pytest

from chibo.audit.models import Action, AuditEntry
from chibo.dataio.services import import_data
from chibo.members.models import Member, Membership, Position, TrainingRecord
from chibo.orgs.models import Organisation
from tests.dataio.helpers import csv_bytes, messages, run_csv, xlsx_bytes

pytestmark = pytest.mark.django_db
D = dt.date

MEMBER = [
    "N1",
    "Hoàng  Văn   Nam",
    "nam",
    "02/03/1985",
    "001085000123",
    "0912345678",
    "nam@example.vn",
    "01/01/2010",
    "01/01/2011",
    "Đang công tác",
]


@pytest.mark.parametrize("sep,bom", [(",", False), (";", True), (",", True)])
def test_members_csv_with_or_without_bom_and_either_separator(cast, sep, bom):
    result = run_csv("members", [MEMBER], sep=sep, bom=bom)
    assert result.ok and result.written, messages(result)
    member = Member.objects.get(card_number="N1")
    assert (member.full_name, member.gender, member.birth_date, member.citizen_id) == (
        "Hoàng Văn Nam",
        "male",
        D(1985, 3, 2),
        "001085000123",
    )
    assert member.search_name == "hoang van nam"


def test_dry_run_checks_but_writes_nothing(cast):
    before = AuditEntry.objects.count()
    result = run_csv("members", [MEMBER], dry_run=True)
    assert result.ok and not result.written
    assert result.counts["members"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert not Member.objects.filter(card_number="N1").exists()
    assert AuditEntry.objects.count() == before


def test_upsert_updates_existing_rows_and_audits_each_change(cast):
    card = cast.member.card_number
    row = [card, "Lê Văn An", "Nam", "", "", "0987654321", "", "01/01/2010", "01/01/2011", "nghỉ hưu"]
    result = run_csv("members", [row, MEMBER])
    assert result.counts["members"] == {"created": 1, "updated": 1, "unchanged": 0}
    cast.member.refresh_from_db()
    assert (cast.member.phone, cast.member.work_status, cast.member.citizen_id) == (
        "0987654321",
        "retired",
        None,
    )
    entry = AuditEntry.objects.filter(
        action=Action.UPDATE, model="members.member", object_id=str(cast.member.pk)
    ).first()
    assert entry.before["phone"] == "" and entry.after["phone"] == "0987654321"
    assert AuditEntry.objects.filter(
        action=Action.CREATE, model="members.member", object_repr="Hoàng Văn Nam"
    ).exists()
    # The same file again changes nothing.
    again = run_csv("members", [row, MEMBER])
    assert again.counts["members"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_upsert_of_dated_rows_by_their_natural_key(cast):
    card = cast.member.card_number
    result = run_csv("memberships", [[card, "BD-01", "chính thức", "01/05/2021", "01/01/2025", "chuyển đi"]])
    assert result.counts["memberships"] == {"created": 0, "updated": 1, "unchanged": 0}, messages(result)
    ms = Membership.objects.get(member=cast.member)
    assert (ms.valid_until, ms.note) == (D(2025, 1, 1), "chuyển đi")
    run_csv("trainings", [[card, "Lớp bồi dưỡng", "", "", "01/01/2024", "", "không"]])
    run_csv("trainings", [[card, "Lớp bồi dưỡng", "", "Ban Tổ chức", "01/01/2024", "05/01/2024", "có"]])
    record = TrainingRecord.objects.get(member=cast.member)
    assert (record.completed, record.organiser, record.ended_on) == (True, "Ban Tổ chức", D(2024, 1, 5))


def test_organisations_upsert_and_children_created_in_the_same_file(cast):
    result = run_csv(
        "orgs",
        [
            ["BD", "Đảng bộ phường Ba Đình (mới)", "Đảng bộ cơ sở", "HN", "", "", "", "Số 1 phố Đội Cấn"],
            ["BD-P1", "Đảng bộ bộ phận 1", "Đảng bộ bộ phận", "BD", "", "01/01/2020", "", ""],
            [
                "BD-P1-01",
                "Chi bộ 1 thuộc bộ phận 1",
                "Chi bộ",
                "BD-P1",
                "Doanh nghiệp nhà nước",
                "01/01/2020",
                "",
                "",
            ],
        ],
    )
    assert result.counts["orgs"] == {"created": 2, "updated": 1, "unchanged": 0}, messages(result)
    child = Organisation.objects.get(code="BD-P1-01")
    ward = Organisation.objects.get(code="BD")
    assert ward.name == "Đảng bộ phường Ba Đình (mới)"
    assert child.parent.parent == ward and child.depth == 4 and child.path.startswith(ward.path)
    assert child in Organisation.objects.subtree_of(ward) and child.cell_kind == "state_enterprise"
    assert child.parent_periods.get().valid_from == D(2020, 1, 1)


def test_moving_an_organisation_is_not_done_by_import(cast):
    result = run_csv("orgs", [["BD-01", "Chi bộ Tổ dân phố số 1", "Chi bộ", "HK", "", "", "", ""]])
    assert "chuyển tổ chức" in messages(result)[0][2]


def test_one_kind_from_xlsx_with_real_date_cells_or_text(cast):
    data = xlsx_bytes(
        {
            "members": [
                [
                    "X1",
                    "Trịnh Thị Hoa",
                    "Nữ",
                    D(1990, 5, 17),
                    "001190000001",
                    "",
                    "",
                    "01/02/2015",
                    D(2016, 2, 1),
                    "",
                ],
                ["X2", "Trịnh Văn Hòa", "Nam", None, None, 912345678, None, D(2015, 2, 1), None, None],
            ]
        }
    )
    result = import_data(data=data, filename="dang-vien.xlsx", kind="members")
    assert result.written, messages(result)
    hoa = Member.objects.get(card_number="X1")
    assert (hoa.birth_date, hoa.admitted_on, hoa.official_on) == (
        D(1990, 5, 17),
        D(2015, 2, 1),
        D(2016, 2, 1),
    )
    assert Member.objects.get(card_number="X2").phone == "912345678"


def test_xlsx_citizen_id_typed_as_a_number_explains_the_lost_zero(cast):
    data = xlsx_bytes(
        {"members": [["X3", "Trịnh Văn Ba", "Nam", None, 1190000001, None, None, D(2015, 2, 1), None, None]]}
    )
    result = import_data(data=data, filename="dang-vien.xlsx", kind="members")
    assert "Excel bỏ số 0 ở đầu" in messages(result)[0][2]


def test_workbook_imports_every_sheet_in_dependency_order(cast):
    # Sheets in the "wrong" order: the importer reads organisations, then members, then the rest.
    data = xlsx_bytes(
        {
            "positions": [["W1", "BD-05", "Bí thư", D(2024, 1, 1), None, "QĐ 5"]],
            "memberships": [["W1", "BD-05", "chính thức", D(2023, 1, 1), None, None]],
            "members": [
                ["W1", "Ngô Văn Tư", "Nam", None, None, None, None, D(2010, 1, 1), D(2011, 1, 1), None]
            ],
            "orgs": [["BD-05", "Chi bộ 5", "Chi bộ", "BD", "Khu dân cư", D(2020, 1, 1), None, None]],
            "exemptions": [["W1", D(2025, 1, 1), None, "Sức khỏe", None]],
            "trainings": [
                [
                    "W1",
                    "Nghiệp vụ công tác Đảng",
                    "Kỹ năng, nghiệp vụ công tác Đảng",
                    "Thành ủy",
                    D(2024, 3, 1),
                    D(2024, 3, 5),
                    "có",
                ]
            ],
        }
    )
    result = import_data(data=data, filename="tat-ca.xlsx", kind="all")
    assert result.written, messages(result)
    position = Position.objects.get(member__card_number="W1")
    assert (position.cell.code, position.kind) == ("BD-05", "secretary")
    assert set(result.counts) == {"orgs", "members", "memberships", "positions", "exemptions", "trainings"}


def test_a_bad_sheet_in_a_workbook_writes_nothing_from_any_sheet(cast):
    data = xlsx_bytes(
        {
            "orgs": [["BD-06", "Chi bộ 6", "Chi bộ", "BD", None, None, None, None]],
            "members": [["W2", "Ngô Văn Năm", "Nam", None, None, None, None, D(2010, 1, 1), None, None]],
            "memberships": [["W2", "BD-66", None, D(2023, 1, 1), None, None]],
        }
    )
    result = import_data(data=data, filename="tat-ca.xlsx", kind="all")
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Sinh hoạt đảng", 2, "Mã chi bộ")]
    assert not Organisation.objects.filter(code="BD-06").exists()
    assert not Member.objects.filter(card_number="W2").exists()


def test_a_workbook_with_an_unknown_sheet_name_is_refused(cast):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Trang tính 1"
    out = io.BytesIO()
    book.save(out)
    result = import_data(data=out.getvalue(), filename="tat-ca.xlsx", kind="all")
    assert "Trang «Trang tính 1» không phải loại dữ liệu nào" in result.errors[0].message


def test_a_csv_that_is_not_utf8_is_refused_with_a_hint(cast):
    data = csv_bytes("members", [MEMBER]).decode("utf-8").encode("cp1258", errors="replace")
    result = import_data(data=data, filename="members.csv", kind="members")
    assert "UTF-8" in result.errors[0].message


def test_large_member_files_take_the_copy_path_with_the_same_result(cast, monkeypatch):
    # PostgreSQL writes big member files with COPY (bench/import_members.py); SQLite keeps bulk_create.
    monkeypatch.setattr("chibo.dataio.bulk.COPY_MIN_ROWS", 2)
    rows = [
        ["K1", 'Lý "Văn" \\ Khoa', "Nam", "01/02/1970", "001070000001", "09\t12", "", "01/01/2000", "", ""],
        ["K2", "Lò Thị Én", "Nữ", "", "", "", "en@example.vn", "01/01/2001", "01/01/2002", "Nghỉ hưu"],
    ]
    result = run_csv("members", rows, sep=";")
    assert result.written, messages(result)
    khoa = Member.objects.get(card_number="K1")
    assert (khoa.full_name, khoa.search_name, khoa.phone) == (
        'Lý "Văn" \\ Khoa',
        'ly "van" \\ khoa',
        "09\t12",
    )
    en = Member.objects.get(card_number="K2")
    assert (en.citizen_id, en.official_on, en.work_status) == (None, D(2002, 1, 1), "retired")
    entry = AuditEntry.objects.get(model="members.member", object_id=str(khoa.pk))
    assert (
        entry.action == Action.CREATE and entry.after["full_name"] == khoa.full_name and entry.before is None
    )


def test_every_import_is_logged_and_big_ones_only_as_a_whole(cast, settings):
    result = run_csv("members", [MEMBER])
    summary = AuditEntry.objects.get(model="dataio.members")
    assert summary.after["counts"] == result.counts and summary.after["rows_audited"] is True
    assert "Nhập đảng viên từ members.csv: Đảng viên: 1 mới" in summary.object_repr

    settings.CHIBO_IMPORT_AUDIT_ROWS_MAX = 1
    before = AuditEntry.objects.count()
    rows = [[f"Z{i}", f"Tạ Văn {i}", "Nam", "", "", "", "", "01/01/2010", "", ""] for i in range(3)]
    run_csv("members", rows)
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.first().after == {
        "file": "members.csv",
        "kind": "members",
        "rows": 3,
        "counts": {"members": {"created": 3, "updated": 0, "unchanged": 0}},
        "rows_audited": False,
    }


def test_columns_left_out_of_the_file_are_left_alone_on_update(cast):
    # A file with only the required member columns renames; phone and citizen ID stay as they were.
    headers = ["Số thẻ đảng viên", "Họ và tên", "Giới tính", "Ngày vào Đảng"]
    card, cid = cast.member.card_number, cast.member.citizen_id
    Member.objects.filter(pk=cast.member.pk).update(phone="0911000111")
    result = run_csv("members", [[card, "Lê Văn Ân", "Nam", "01/01/2010"]], headers=headers)
    assert result.counts["members"]["updated"] == 1, messages(result)
    cast.member.refresh_from_db()
    assert (cast.member.full_name, cast.member.phone, cast.member.citizen_id) == (
        "Lê Văn Ân",
        "0911000111",
        cid,
    )
    result = run_csv(
        "orgs",
        [["BD-01", "Chi bộ số 1 (đổi tên)", "Chi bộ"]],
        headers=["Mã tổ chức", "Tên tổ chức", "Loại tổ chức"],
    )
    assert result.written, messages(result)
    assert Organisation.objects.get(code="BD-01").parent == cast.ward


def test_audit_entries_carry_the_members_cell_path_for_the_subtree_log(cast):
    card = cast.member.card_number
    run_csv("exemptions", [[card, "01/01/2024", "", "Sức khỏe yếu", ""]])
    row = [card, "Lê Văn An", "Nam", "", "", "0900000000", "", "01/01/2010", "01/01/2011", ""]
    run_csv("members", [row])
    paths = set(
        AuditEntry.objects.filter(model__in=["members.member", "members.exemption"])
        .exclude(action=Action.CREATE, model="members.member")
        .values_list("org_path", flat=True)
    )
    assert paths == {cast.cell.path}


def test_choice_columns_accept_the_codes_too(cast):
    card = cast.secretary.card_number
    assert run_csv("positions", [[card, "BD-01", "secretary", "01/01/2025", "", ""]]).written
    result = run_csv("memberships", [[card, "BD-02", "TEMPORARY", "01/01/2025", "01/06/2025", ""]])
    assert result.written, messages(result)
    assert Membership.objects.get(member=cast.secretary, cell=cast.cell2).kind == "temporary"
