"""One time reader (common.dates.parse_time) behind every time box and the importers."""

import datetime as dt

import pytest

from chibo.common.dates import parse_time
from chibo.common.forms import Form, TimeField
from chibo.dataio.formats import CellError
from chibo.dataio.formats import parse_time as import_time
from chibo.meetings.forms import CloseForm, MeetingForm


class _TimeForm(Form):
    at = TimeField(label="Giờ họp")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("19:30", dt.time(19, 30)),
        ("19h30", dt.time(19, 30)),
        ("7:30", dt.time(7, 30)),
        ("19h", dt.time(19, 0)),
        ("19", dt.time(19, 0)),
        ("19.30", dt.time(19, 30)),
        ("19,30", dt.time(19, 30)),
        ("1930", dt.time(19, 30)),
        ("19:30:00", dt.time(19, 30)),
    ],
)
def test_the_time_field_reads_times_as_people_type_them(typed, expected):
    form = _TimeForm({"at": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == expected


@pytest.mark.parametrize("typed", ["25:00", "abc", "19:75", "7 giờ tối"])
def test_the_time_field_refuses_impossible_times_in_vietnamese_naming_the_field(typed):
    form = _TimeForm({"at": typed})
    assert form.errors["at"] == ["Giờ họp: giờ không hợp lệ; hãy nhập theo dạng HH:MM (24 giờ), ví dụ 19:30."]


def test_the_parser_reads_excel_cells_and_leaves_empty_as_none():
    assert parse_time(0.8125) == dt.time(19, 30)  # Excel: a fraction of a day
    assert parse_time(dt.datetime(2025, 3, 5, 19, 30, 12)) == dt.time(19, 30)
    assert parse_time(dt.time(7, 5, 9)) == dt.time(7, 5)
    assert parse_time("") is None and parse_time(None) is None
    with pytest.raises(ValueError):
        parse_time("25:00")


@pytest.mark.parametrize("typed", ["19:30", "19h30", "7:30", "19h", "19:30:00"])
def test_forms_and_imports_read_the_same_times(typed):
    web = CloseForm({"day": "05/03/2025", "end": typed})
    planning = MeetingForm({"kind": "regular", "day": "05/03/2025", "time": typed})
    assert web.is_valid() and planning.is_valid(), (web.errors, planning.errors)
    assert web.cleaned_data["end"] == planning.cleaned_data["time"] == import_time(typed) == parse_time(typed)


def test_an_import_names_the_bad_time_in_its_own_words():
    with pytest.raises(CellError, match="Giờ không hợp lệ «25:00»"):
        import_time("25:00")


@pytest.mark.parametrize("typed", ["07:00", "7h", "7h30", "19.30"])
def test_the_material_publish_time_reads_times_like_every_other_box(typed):
    from chibo.materials.forms import PublishForm

    field = PublishForm.base_fields["publish_time"]
    assert isinstance(field, TimeField)
    assert field.clean(typed) == parse_time(typed)
