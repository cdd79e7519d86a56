"""The members and memberships imports apply DOMAIN §3's dates (no membership before admission, no
admission in the future), and members imported without a cell are named in the dry run and stay with
the organisation that imported them: its staff see and find them, a sibling ward's staff do not."""

import datetime as dt

import pytest
from django.urls import reverse

from chibo.common.dates import today
from chibo.members.access import member as member_policy
from chibo.members.models import Member, Membership
from chibo.members.selectors import search_members
from tests.dataio.helpers import messages, run_csv, xlsx_bytes
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _row(card, name, admitted, official=""):
    return [card, name, "Nam", "01/01/1980", "", "", "", admitted, official, ""]


def _has(result, row: int, column: str, fragment: str) -> bool:
    return any(r == row and c == column and fragment in m for r, c, m in messages(result))


# --- the dates ------------------------------------------------------------------------------------


def test_an_admission_date_in_the_future_is_refused_naming_row_and_column(cast):
    future = (today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    result = run_csv("members", [_row("F1", "Phạm Văn Hùng", "01/01/2005"), _row("F2", "Đỗ Văn Tú", future)])
    assert _has(result, 3, "Ngày vào Đảng", "là ngày trong tương lai")
    assert len(result.errors) == 1
    assert not Member.objects.filter(card_number__in=["F1", "F2"]).exists()  # all or nothing


def test_a_membership_before_admission_is_refused_in_the_file_and_against_the_database(cast):
    known = make_member(
        None, card_number="K1", full_name="Ngô Thị Mai", admitted_on=dt.date(2012, 5, 1), official_on=None
    )
    book = xlsx_bytes(
        {
            "members": [_row("N1", "Phạm Văn Hùng", "01/03/2015")],
            "memberships": [
                ["N1", "BD-01", "chính thức", "01/01/2015", "", ""],  # before N1's admission in this file
                [
                    known.card_number,
                    "BD-01",
                    "chính thức",
                    "30/04/2012",
                    "",
                    "",
                ],  # before K1's in the database
                [known.card_number, "BD-02", "chính thức", "01/05/2012", "", ""],  # the day itself: fine
            ],
        }
    )
    from chibo.dataio.services import import_data

    result = import_data(data=book, filename="all.xlsx", kind="all")
    wrong = {(e.sheet, e.row, e.column) for e in result.errors}
    assert wrong == {("Sinh hoạt đảng", 2, "Từ ngày"), ("Sinh hoạt đảng", 3, "Từ ngày")}
    assert any(
        "Phạm Văn Hùng sinh hoạt từ ngày 01/01/2015, trước ngày vào Đảng 01/03/2015" in e.message
        for e in result.errors
    )
    assert not Member.objects.filter(card_number="N1").exists() and not known.memberships.exists()


def test_a_later_admission_date_on_update_may_not_leave_a_membership_before_it(cast):
    card = cast.member.card_number  # a member of BD-01 since 01/05/2021
    result = run_csv("members", [_row(card, cast.member.full_name, "01/06/2021")])
    assert _has(result, 2, "Ngày vào Đảng", "sinh hoạt từ ngày 01/05/2021, trước ngày vào Đảng 01/06/2021")
    cast.member.refresh_from_db()
    assert cast.member.admitted_on == dt.date(2010, 1, 1)


# --- members without a cell -------------------------------------------------------------------------


def test_the_dry_run_names_members_without_a_cell_and_what_to_import_next(cast):
    book = xlsx_bytes(
        {
            "members": [_row("U1", "Phạm Văn Hùng", "01/01/2005"), _row("U2", "Đỗ Thị Lan", "01/01/2006")],
            "memberships": [["U2", "BD-01", "chính thức", "01/01/2020", "", ""]],
        }
    )
    from chibo.dataio.services import import_data

    result = import_data(data=book, filename="all.xlsx", kind="all", user=cast.staff, dry_run=True)
    assert result.ok
    [note] = result.notes
    assert (note.sheet, note.row, note.column) == ("Đảng viên", 2, "Số thẻ đảng viên")
    assert "Phạm Văn Hùng (số thẻ U1) chưa có chi bộ: nhập tiếp tệp memberships" in note.message
    assert "Đảng bộ phường Ba Đình" in note.message  # who will see the record meanwhile
    # An existing member already in a cell is not named; one still without a cell is, on re-import.
    again = run_csv(
        "members", [_row(cast.member.card_number, cast.member.full_name, "01/01/2010")], dry_run=True
    )
    assert again.ok and again.notes == []


def test_members_imported_without_a_cell_stay_with_the_importing_ward(cast, client):
    # Given the ward's staff imports two members and no memberships yet
    result = run_csv(
        "members",
        [_row("U1", "Phạm Văn Hùng", "01/01/2005"), _row("U2", "Đỗ Thị Lan", "01/01/2006")],
        user=cast.staff,
    )
    assert result.written and len(result.notes) == 2
    hung = Member.objects.get(card_number="U1")
    assert hung.registered_by == cast.ward and not hung.memberships.exists()
    # Then the ward's staff (and the ward's supervisor, a reader) see and find them; the city sees them
    for user in (cast.staff, cast.supervisor):
        assert member_policy.can_view(user, hung)
        assert list(search_members(member_policy.visible_qs(user), "pham van hung")) == [hung]
    # And a sibling ward's staff and a cell leader of the ward do not
    for user in (cast.outsider, cast.leader_user):
        assert not member_policy.can_view(user, hung)
        assert not search_members(member_policy.visible_qs(user), "U1").exists()
    # The ward's export has them, the sibling ward's does not
    from chibo.dataio.services import export_rows

    assert "U1" in [r[0] for r in export_rows("members", cast.ward)]
    assert "U1" not in [r[0] for r in export_rows("members", cast.ward2)]
    # On the web: listed and opened by the staff, 404 for the sibling ward
    client.force_login(cast.staff)
    page = client.get(reverse("members:list"), {"q": "Phạm Văn Hùng"})
    assert [m.pk for m in page.context["page"]] == [hung.pk]
    assert client.get(reverse("members:detail", args=[hung.pk])).status_code == 200
    client.force_login(cast.outsider)
    assert client.get(reverse("members:detail", args=[hung.pk])).status_code == 404
    # The staff may correct the record by importing the file again; the sibling ward may not
    fixed = run_csv("members", [_row("U1", "Phạm Văn Hưng", "01/01/2005")], user=cast.staff)
    assert fixed.written
    refused = run_csv("members", [_row("U1", "Phạm Văn Hưng", "01/01/2005")], user=cast.outsider)
    assert _has(refused, 2, "Số thẻ đảng viên", "không có quyền sửa")
    # Once placed in a cell, the ordinary rule applies: the cell's leader sees them too
    placed = run_csv("memberships", [["U1", "BD-01", "chính thức", "01/01/2020", "", ""]], user=cast.staff)
    assert placed.written and placed.notes == []
    assert member_policy.can_view(cast.leader_user, hung)
    assert Membership.objects.filter(member=hung, cell=cast.cell).exists()


def test_the_job_page_shows_the_notes(cast, client, settings):
    from chibo.dataio.models import ImportJob
    from chibo.dataio.services import import_job_run
    from tests.dataio.helpers import csv_bytes

    client.force_login(cast.staff)
    data = csv_bytes("members", [_row("U1", "Phạm Văn Hùng", "01/01/2005")])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("dataio:index"), {"kind": "members", "file": SimpleUploadedFile("dang-vien.csv", data)}
    )
    job = ImportJob.objects.get()
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert response.status_code in (200, 302)
    assert job.status == "checked" and job.notes and "chưa có chi bộ" in job.notes[0]["message"]
    page = client.get(reverse("dataio:job", args=[job.pk]))
    assert "chưa có chi bộ: nhập tiếp tệp memberships" in page.content.decode()


def test_the_command_prints_the_notes_and_counts_the_rest(cast, tmp_path, capsys):
    from django.core.management import call_command

    from tests.dataio.helpers import csv_bytes

    path = tmp_path / "dang-vien.csv"
    path.write_bytes(
        csv_bytes("members", [_row(f"C{i:02d}", f"Phạm Văn Số {i}", "01/01/2005") for i in range(25)])
    )
    call_command("import_data", "members", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert out.count("chưa có chi bộ: nhập tiếp tệp memberships") == 20
    assert "… và 5 lưu ý khác." in out
    assert "chỉ hiện với quản trị hệ thống" in out  # the command line registers them to no organisation
