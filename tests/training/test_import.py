"""The courses import (dataio's "courses" kind): the example of docs/training.md imports as documented;
bad rows are all reported with row and column and nothing is written; a dry run writes nothing."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from chibo.dataio.services import import_data
from chibo.members.models import TrainingRecord
from chibo.training.models import Course, Participation, ParticipationStatus

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "training.md"


def doc_example() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- example:start -->\n(.*?)<!-- example:end -->", text, re.S).group(1)
    lines = [line for line in block.strip().splitlines() if not line.startswith("|---")]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def cards(cast, scene):
    cast.secretary.card_number = "01000001"
    cast.secretary.save(update_fields=["card_number"])


def import_courses(data: bytes, *, user, dry_run: bool = False):
    return import_data(data=data, filename="lop.xlsx", kind="courses", user=user, dry_run=dry_run)


def test_the_documented_example_imports(cast, scene, cards):
    before = TrainingRecord.objects.count()
    result = import_courses(xlsx(doc_example()), user=cast.staff)
    assert result.ok, [str(e) for e in result.errors]
    # One new course, three participants enrolled (their status is checked below).
    assert result.written and result.counts["courses"] == {"created": 3, "updated": 0, "unchanged": 0}
    course = Course.objects.get()
    assert course.title == "Bồi dưỡng nghiệp vụ công tác Đảng cho cấp ủy chi bộ năm 2025"
    assert (course.organiser, course.hours, course.place) == (cast.ward, 24, "Hội trường Đảng ủy phường")
    statuses = dict(course.participations.values_list("member__full_name", "status"))
    assert statuses == {
        "Trần Thị Bình": ParticipationStatus.COMPLETED,
        "Phạm Văn Cường": ParticipationStatus.COMPLETED,
        "Hoàng Thị Dung": ParticipationStatus.ATTENDED,
    }
    assert course.participations.get(member=scene.deputy).certificate_number == "126/CC-ĐU"
    assert TrainingRecord.objects.count() == before + 2


def test_importing_the_same_file_again_changes_nothing(cast, scene, cards):
    data = xlsx(doc_example())
    import_courses(data, user=cast.staff)
    result = import_courses(data, user=cast.staff)
    assert result.ok
    assert result.counts["courses"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert Course.objects.count() == 1 and Participation.objects.count() == 3


def test_a_dry_run_writes_nothing(cast, scene, cards):
    result = import_courses(xlsx(doc_example()), user=cast.staff, dry_run=True)
    assert result.ok and not result.written and result.counts["courses"]["created"] == 3
    assert not Course.objects.exists() and not Participation.objects.exists()


def test_every_bad_row_is_reported_and_nothing_is_written(cast, scene, cards):
    rows = doc_example()
    head, good = rows[0], rows[1]
    col = {name: i for i, name in enumerate(head)}

    def bad(**changes):
        row = list(good)
        for name, value in changes.items():
            row[col[name]] = value
        return row

    rows = [
        head,
        good,
        bad(**{"Từ ngày": "31/02/2025"}),  # row 3
        bad(**{"Số thẻ đảng viên": "99999999"}),  # row 4
        bad(**{"Mã cấp ủy tổ chức": "HK"}),  # row 5: the sibling ward
        bad(**{"Họ và tên": "Người Khác"}),  # row 6
        bad(**{"Trạng thái": "tốt nghiệp"}),  # row 7
        bad(**{"Số thẻ đảng viên": "01000005", "Họ và tên": "Đỗ Văn Giang"}),  # row 8: HK-09 member
    ]
    result = import_courses(xlsx(rows), user=cast.staff)
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "Từ ngày"),
        (4, "Số thẻ đảng viên"),
        (5, "Mã cấp ủy tổ chức"),
        (6, "Họ và tên"),
        (7, "Trạng thái"),
        (8, "Số thẻ đảng viên"),
    }
    assert "dd/mm/yyyy" in next(e.message for e in result.errors if e.row == 3)
    assert str(result.errors[0]).startswith("Dòng 3, cột «Từ ngày»")
    assert not Course.objects.exists() and not Participation.objects.exists()


def test_a_missing_or_unknown_column_is_reported(cast, scene, cards):
    rows = doc_example()
    head = [h if h != "Tên lớp" else "Tên khóa" for h in rows[0]]
    result = import_courses(xlsx([head, *rows[1:]]), user=cast.staff)
    assert {(e.row, e.column) for e in result.errors} == {(1, "Tên khóa"), (1, "Tên lớp")}


def test_a_file_that_is_not_excel_is_refused(cast):
    result = import_courses(b"not a workbook", user=cast.staff)
    assert not result.ok and "Excel" in result.errors[0].message


def test_the_sibling_staff_cannot_import_into_our_ward(cast, scene, cards):
    result = import_courses(xlsx(doc_example()), user=cast.outsider)
    assert {e.column for e in result.errors} == {"Mã cấp ủy tổ chức", "Số thẻ đảng viên"}
    assert not Course.objects.exists()


def test_an_export_of_courses_imports_back_unchanged(cast, scene, cards):
    from chibo.dataio.services import export_data

    import_courses(xlsx(doc_example()), user=cast.staff)
    data, rows = export_data(kind="courses", filename="lop.csv", org=cast.ward)
    assert rows == 3
    result = import_data(data=data, filename="lop.csv", kind="courses", user=cast.staff, dry_run=True)
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["courses"] == {"created": 0, "updated": 0, "unchanged": 3}
