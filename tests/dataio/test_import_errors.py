"""All or nothing: every bad row is reported with its row number (header = row 1), its column and a
Vietnamese message, and nothing at all is written."""

import datetime as dt

import pytest

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import Exemption, Member, Membership, Position, TrainingRecord
from chibo.orgs.models import Organisation
from tests.dataio.helpers import messages, run_csv
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db


def _has(result, row: int, column: str, fragment: str) -> bool:
    return any(r == row and c == column and fragment in m for r, c, m in messages(result))


def test_bad_member_rows_are_each_reported_and_nothing_is_written(cast):
    before_members, before_audit = Member.objects.count(), AuditEntry.objects.count()
    taken = cast.member.citizen_id
    result = run_csv(
        "members",
        [
            [
                "M1",
                "Phạm Văn Hùng",
                "Nam",
                "01/01/1980",
                "001080000001",
                "",
                "",
                "01/01/2005",
                "01/01/2006",
                "",
            ],
            ["M1", "Phạm Văn Hai", "Nam", "", "", "", "", "01/01/2005", "", ""],
            ["M3", "Đỗ Thị Lan", "Nữ", "31/02/1980", "", "", "", "01/01/2005", "", ""],
            ["M4", "Đỗ Thị Mai", "Nữ", "", taken, "", "", "01/01/2005", "", ""],
            ["M5", "Đỗ Thị Cúc", "Nữ", "", "12345", "", "", "01/01/2005", "", ""],
            ["M6", "", "Nữ", "", "", "", "", "01/01/2005", "", ""],
            ["M7", "Vũ Văn Bảy", "khác", "", "", "", "", "01/01/2005", "", ""],
            ["M8", "Vũ Văn Tám", "Nam", "", "", "", "", "01/01/2005", "01/01/2004", ""],
            ["M9", "Vũ Văn Chín", "Nam", "", "", "", "khong-phai-thu", "01/01/2005", "", "đi chơi"],
        ],
    )
    assert not result.written
    assert _has(result, 3, "Số thẻ đảng viên", "trùng với dòng 2")
    assert _has(result, 4, "Ngày sinh", "Ngày không hợp lệ «31/02/1980»")
    assert _has(result, 5, "Số CCCD", f"đã được dùng cho đảng viên có số thẻ «{cast.member.card_number}»")
    assert _has(result, 6, "Số CCCD", "phải gồm đúng 12 chữ số")
    assert _has(result, 7, "Họ và tên", "Thiếu giá trị bắt buộc")
    assert _has(result, 8, "Giới tính", "không hợp lệ; chấp nhận: «Nam», «Nữ»")
    assert _has(result, 9, "Ngày chính thức", "phải sau ngày vào Đảng")
    assert _has(result, 10, "Thư điện tử", "không hợp lệ")
    assert _has(result, 10, "Tình trạng công tác", "không hợp lệ")
    assert Member.objects.count() == before_members
    assert AuditEntry.objects.count() == before_audit


def test_bad_organisation_rows(cast):
    before = Organisation.objects.count()
    result = run_csv(
        "orgs",
        [
            ["BD-10", "Chi bộ 10", "Chi bộ", "KHONG-CO", "", "", "", ""],
            ["BD-11", "Chi bộ 11", "Chi bộ", "", "", "", "", ""],
            ["BD-12", "Chi bộ 12", "Chi bộ", "BD-01", "", "", "", ""],
            ["BD-13", "Chi bộ 13", "Chi bộ", "BD", "", "01/01/2020", "01/01/2019", ""],
            ["BD-14", "Chi bộ 14", "Ban chỉ đạo", "BD", "", "", "", ""],
            ["BD-15", "Chi bộ 15", "chi bo", "BD", "khu dan cu", "", "", ""],
            ["BD-15", "Chi bộ 15 lặp", "Chi bộ", "BD", "", "", "", ""],
            ["BD-16", "Chi bộ 16", "Chi bộ", "BD-15", "", "", "", ""],
            ["BD-17", "Đảng bộ 17", "Đảng bộ trực thuộc", "BD", "", "", "", ""],
        ],
    )
    assert _has(result, 2, "Mã cấp trên", "Không tìm thấy tổ chức cấp trên có mã «KHONG-CO»")
    assert _has(result, 3, "Mã cấp trên", "Chi bộ phải trực thuộc một đảng bộ")
    assert _has(result, 4, "Mã cấp trên", "Chi bộ không thể có tổ chức trực thuộc")
    assert _has(result, 5, "Ngày giải thể", "phải sau ngày thành lập")
    assert _has(result, 6, "Loại tổ chức", "«Ban chỉ đạo» không hợp lệ")
    assert _has(result, 8, "Mã tổ chức", "trùng với dòng 7")
    # A cell as parent, even one created earlier in the same file, is refused.
    assert _has(result, 9, "Mã cấp trên", "Chi bộ không thể có tổ chức trực thuộc")
    assert _has(result, 10, "Mã cấp trên", "không thể trực thuộc đảng bộ cơ sở")
    assert not [e for e in result.errors if e.row == 7]  # accent-free, lower-case labels are accepted
    assert Organisation.objects.count() == before


def test_bad_membership_rows(cast):
    before = Membership.objects.count()
    card = cast.member.card_number
    result = run_csv(
        "memberships",
        [
            [card, "KHONG-CO", "chính thức", "01/01/2024", "", ""],
            ["KHONG-CO", "BD-02", "chính thức", "01/01/2024", "", ""],
            [card, "BD-02", "chính thức", "01/01/2024", "01/01/2023", ""],
            [card, "BD-02", "chính thức", "01/01/2024", "", ""],
            [card, "BD-02", "tạm thời", "01/01/2024", "", ""],
            [card, "BD", "tạm thời", "01/01/2024", "01/06/2024", ""],
            [card, "BD-02", "vĩnh viễn", "01/01/2024", "", ""],
        ],
    )
    assert _has(result, 2, "Mã chi bộ", "Không tìm thấy chi bộ có mã «KHONG-CO»")
    assert _has(result, 3, "Số thẻ đảng viên", "Không tìm thấy đảng viên có số thẻ «KHONG-CO»")
    assert _has(result, 4, "Đến ngày", "Ngày kết thúc phải sau ngày bắt đầu")
    assert _has(result, 5, "Từ ngày", "đã sinh hoạt chính thức tại Chi bộ Tổ dân phố số 1")
    assert _has(result, 6, "Đến ngày", "Sinh hoạt tạm thời phải có ngày kết thúc")
    assert _has(result, 7, "Mã chi bộ", "không phải là chi bộ")
    assert _has(result, 8, "Hình thức", "«vĩnh viễn» không hợp lệ")
    assert Membership.objects.count() == before


def test_overlapping_official_memberships_inside_one_file(cast):
    cast_card = make_member(None, card_number="NEW1").card_number
    result = run_csv(
        "memberships",
        [
            [cast_card, "BD-01", "", "01/01/2020", "", ""],
            [cast_card, "BD-02", "", "01/06/2022", "", ""],
        ],
    )
    assert _has(result, 3, "Từ ngày", "đã sinh hoạt chính thức tại Chi bộ Tổ dân phố số 1 từ 01/01/2020")
    assert not Membership.objects.filter(member__card_number="NEW1").exists()


def big_cell(n: int):
    cell = make_org("Chi bộ lớn", parent=make_org("Phường lớn", kind="grassroots"), code="BIG")
    return cell, [make_member(cell, card_number=f"B{i:02d}", citizen_id=f"9{i:011d}") for i in range(n)]


def test_position_rules_come_from_the_members_rules(cast):
    cell, people = big_cell(10)
    small = cast.member.card_number  # BD-01 has 2 official members
    start = "01/01/2025"
    rows = [["B00", "BIG", "Bí thư", start, "", "QĐ-1"], ["B01", "BIG", "phó bí thư", start, "", ""]]
    rows += [
        [f"B{i:02d}", "BIG", "Chi ủy viên", start, "", ""] for i in range(2, 8)
    ]  # 8th member of the committee
    rows += [
        ["B08", "BIG", "Phó bí thư", start, "", ""],
        ["B09", "BIG", "bi thu", start, "", ""],
        [small, "BD-01", "Chi ủy viên", start, "", ""],
        [small, "BD-01", "Bí thư", start, "01/01/2024", ""],
    ]
    result = run_csv("positions", rows)
    assert _has(result, 9, "Chức vụ", "Chi ủy có tối đa 7 người")
    assert _has(result, 10, "Chức vụ", "mỗi lúc chỉ có một phó bí thư")
    assert _has(result, 11, "Chức vụ", "mỗi lúc chỉ có một bí thư")
    assert _has(result, 12, "Chức vụ", "chỉ chi bộ từ 9 đảng viên chính thức trở lên mới bầu chi ủy")
    assert _has(result, 13, "Đến ngày", "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu")
    assert len(result.errors) == 5
    assert Position.objects.count() == 0


def test_second_secretary_against_the_database(cast):
    from chibo.members.services import position_assign

    position_assign(member=cast.secretary, cell=cast.cell, kind="secretary", valid_from=dt.date(2024, 1, 1), by=SYSTEM)
    result = run_csv("positions", [[cast.member.card_number, "BD-01", "Bí thư", "01/01/2025", "", ""]])
    assert _has(result, 2, "Chức vụ", "Chi bộ đã có bí thư Trần Thị Bình từ 01/01/2024")


def test_exemption_and_training_rows(cast):
    card = cast.member.card_number
    result = run_csv(
        "exemptions",
        [
            [card, "01/01/2024", "", "Sức khỏe yếu", ""],
            [card, "01/06/2024", "", "Tuổi cao", ""],
            [card, "01/01/2020", "01/01/2019", "x", ""],
        ],
    )
    assert _has(result, 3, "Từ ngày", "đã được miễn sinh hoạt trong khoảng thời gian này")
    assert _has(result, 4, "Đến ngày", "Ngày kết thúc miễn sinh hoạt phải sau ngày bắt đầu")
    assert Exemption.objects.count() == 0
    result = run_csv(
        "trainings",
        [
            [card, "Lớp A", "", "", "05/01/2024", "01/01/2024", "có"],
            [card, "Lớp B", "", "", "05/01/2024", "", "có lẽ"],
        ],
    )
    assert _has(result, 2, "Đến ngày", "không được trước ngày bắt đầu")
    assert _has(result, 3, "Hoàn thành", "ghi «có» hoặc «không»")
    assert TrainingRecord.objects.count() == 0


def test_missing_and_unknown_columns_are_reported_on_row_one(cast):
    result = run_csv("exemptions", [["X", "01/01/2024"]], headers=["Số thẻ đảng viên", "Tu ngay", "Ghi chu"])
    assert _has(result, 1, "Lý do", "Thiếu cột bắt buộc")
    assert _has(result, 1, "Ghi chu", "Cột không có trong mẫu nhập")
    assert not [e for e in result.errors if e.row > 1]  # "Tu ngay" is "Từ ngày" without diacritics


def test_a_user_imports_only_into_organisations_they_may_write(cast):
    card = cast.member.card_number
    result = run_csv(
        "memberships", [[card, "BD-02", "tạm thời", "01/01/2025", "01/06/2025", ""]], user=cast.sibling_leader
    )
    assert _has(result, 2, "Mã chi bộ", "Bạn không có quyền nhập dữ liệu cho «Chi bộ Tổ dân phố số 2»")
    result = run_csv("orgs", [["BD", "Đổi tên", "Đảng bộ cơ sở", "HN", "", "", "", ""]], user=cast.outsider)
    assert _has(result, 2, "Mã tổ chức", "Bạn không có quyền sửa tổ chức")
    result = run_csv("orgs", [["BD-77", "Chi bộ mới", "Chi bộ", "BD", "", "", "", ""]], user=cast.outsider)
    assert _has(result, 2, "Mã cấp trên", "Bạn không có quyền thêm tổ chức vào")
    row = [card, "Lê Văn An", "Nam", "", "", "", "", "01/01/2010", "01/01/2011", ""]
    result = run_csv("members", [row], user=cast.sibling_leader)
    assert _has(result, 2, "Số thẻ đảng viên", "Bạn không có quyền sửa dữ liệu của đảng viên")
    assert run_csv("members", [row], user=cast.leader_user).ok  # the member's own cell leader may
    # Another ward's staff cannot read this member: the card is answered exactly as an unknown one.
    result = run_csv("exemptions", [[card, "01/01/2024", "", "Sức khỏe", ""]], user=cast.outsider)
    unknown = run_csv("exemptions", [["99999999", "01/01/2024", "", "Sức khỏe", ""]], user=cast.outsider)
    assert [(e.row, e.column, e.message.replace(card, "X")) for e in result.errors] == [
        (e.row, e.column, e.message.replace("99999999", "X")) for e in unknown.errors
    ]
    assert _has(result, 2, "Số thẻ đảng viên", "Không tìm thấy đảng viên có số thẻ")


def test_a_citizen_id_of_someone_out_of_scope_names_nobody(cast):
    theirs = make_member(cast.other_cell, full_name="Đỗ Văn Khác", card_number="53207432", citizen_id="001099000111")
    row = ["88880001", "Lê Văn Mới", "Nam", "", theirs.citizen_id, "", "", "01/01/2010", "01/01/2011", ""]
    refused = run_csv("members", [row], user=cast.leader_user)
    [error] = [e for e in refused.errors if e.column == "Số CCCD"]
    assert "53207432" not in error.message and "đã có trong hồ sơ của một đảng viên khác" in error.message
    # Staff who may read that member are told whose it is.
    assert any("53207432" in e.message for e in run_csv("members", [row], user=cast.outsider).errors)


def test_a_duplicate_of_a_row_that_has_other_errors_is_still_reported(cast):
    headers = ["Số thẻ đảng viên", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Ngày vào Đảng"]
    result = run_csv(
        "members",
        [
            ["12345678", "Nguyễn Văn Tèo", "Nam", "31/02/1960", "001081000120", "03/02/1990"],
            ["12345679", "Trần Thị Lan", "Nữ", "12/05/1975", "001081000120", "01/01/2000"],
            ["12345678", "Lê Văn Tám", "Nam", "01/01/1970", "001070000999", "01/01/1995"],
            ["12345680", "Lê Thị Mai", "Nữ", "31/13/1970", "001070000999", "01/01/1995"],
        ],
        headers=headers,
    )
    assert _has(result, 2, "Ngày sinh", "Ngày không hợp lệ «31/02/1960»")
    assert _has(result, 3, "Số CCCD", "trùng với dòng 2")
    assert _has(result, 4, "Số thẻ đảng viên", "«12345678» trùng với dòng 2")
    assert _has(result, 5, "Ngày sinh", "Ngày không hợp lệ")
    assert _has(result, 5, "Số CCCD", "trùng với dòng 4")
    assert not Member.objects.filter(card_number__startswith="1234567").exists()


def test_an_official_date_inside_the_probation_is_refused(cast):
    headers = ["Số thẻ đảng viên", "Họ và tên", "Giới tính", "Ngày vào Đảng", "Ngày chính thức"]
    result = run_csv(
        "members", [["55550001", "Đinh Văn Hải", "Nam", "01/03/2020", "01/09/2020"]], headers=headers
    )
    assert _has(result, 2, "Ngày chính thức", "hết 12 tháng dự bị (01/03/2021)")
