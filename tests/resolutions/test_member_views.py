"""The member's side of tasks: the task page and its progress report (text, %, a file, done), the note file
download, my tasks, a member's task history and a cell's completion per month."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chibo.orgs.models import RoleKind
from chibo.resolutions import rules, services
from chibo.resolutions.models import Task, TaskNote, TaskStatus
from tests.factories import make_member, make_user
from tests.files import PNG
from tests.resolutions.conftest import hold_meeting, local

pytestmark = pytest.mark.django_db



@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def task(cast, held, next_meeting):
    (task,) = services.task_assign(
        meeting=held,
        members=[cast.member],
        text="Vận động các hộ tổ 1 đóng quỹ khuyến học",
        due_on=dt.date(2025, 3, 30),
        by=cast.leader_user,
    )
    return task


def png(name="anh-chup.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def report(client, task, **data):
    return client.post(reverse("resolutions:report", args=[task.pk]), data)


# --- the task page and the progress report ---------------------------------------------------------------


def test_member_reports_progress_with_a_photo_then_marks_the_task_done(cast, task, as_user):
    client = as_user(cast.member_user)
    page = client.get(reverse("resolutions:task", args=[task.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Vận động các hộ tổ 1 đóng quỹ khuyến học" in body
    assert "05/03/2025" in body and "30/03/2025" in body and "02/04/2025" in body  # origin, due, report
    assert "Báo cáo tiến độ" in body and 'accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png,.webp"' in body

    response = report(client, task, text="Đã vận động 12 hộ", progress="40", file=png(), action="note")
    assert response.status_code == 302 and response["Location"] == reverse("resolutions:task", args=[task.pk])
    note = TaskNote.objects.get(task=task)
    assert (note.text, note.progress, note.author) == ("Đã vận động 12 hộ", 40, cast.member_user)
    assert note.file.name.endswith("/anh-chup.png")
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 40)
    page = client.get(reverse("resolutions:task", args=[task.pk]))
    body = page.content.decode()
    assert "Đã ghi nhận báo cáo tiến độ." in body
    assert "Đã vận động 12 hộ" in body and "anh-chup.png" in body and 'value="40"' in body

    response = report(client, task, text="", progress="", action="done")
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.DONE, 100) and task.completed_at is not None
    body = client.get(reverse("resolutions:task", args=[task.pk])).content.decode()
    assert "Đã báo hoàn thành nhiệm vụ" in body
    assert "Hoàn thành · chờ chi bộ đánh giá" in body
    # Until the cell evaluates it the member may still add a note, but "done" is not offered twice.
    assert "Gửi báo cáo tiến độ" in body and "Báo hoàn thành</button>" not in body
    # "Done" with nothing written adds no note; a last word with it is noted at 100%, after the first.
    assert TaskNote.objects.filter(task=task).count() == 1


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_stored(cast, task, as_user):
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = report(
        as_user(cast.member_user), task, text="Kèm tệp", progress="10", file=upload, action="note"
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors == ["Tệp đính kèm: chỉ nhận PDF, DOCX, XLSX hoặc ảnh (JPG, PNG, WEBP)."]
    assert "Tệp đính kèm: chỉ nhận PDF" in response.content.decode()
    assert not TaskNote.objects.exists()
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.ASSIGNED, 0)


def test_a_file_too_large_is_refused_with_its_size(cast, task, as_user, monkeypatch):
    monkeypatch.setattr(rules, "NOTE_MAX_BYTES", 1024 * 1024)
    upload = SimpleUploadedFile(
        "bien-ban.pdf", b"%PDF-1.4\n" + b"0" * (1536 * 1024), content_type="application/pdf"
    )
    response = report(as_user(cast.member_user), task, text="Kèm biên bản", file=upload, action="done")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Tệp đính kèm: dung lượng tối đa 1 MB; tệp này 1.5 MB."
    ]
    assert not TaskNote.objects.exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and task.completed_at is None


def test_a_percentage_above_100_or_an_empty_report_gets_a_vietnamese_error(cast, task, as_user):
    client = as_user(cast.member_user)
    response = report(client, task, text="x", progress="150", action="note")
    assert response.context["form"].errors["progress"] == ["Tiến độ (%): không được lớn hơn 100."]
    response = report(client, task, text="", progress="", action="note")
    assert response.context["form"].errors["text"] == [
        "Nội dung: hãy ghi tiến độ, đính kèm tệp hoặc báo hoàn thành."
    ]
    assert not TaskNote.objects.exists()


def test_an_evaluated_task_no_longer_takes_reports(cast, task, as_user, task_rules):
    april = hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
    services.task_evaluate(
        task=task, meeting=april, outcome=TaskStatus.DONE, by=cast.leader_user, evaluation="Hoàn thành tốt"
    )
    client = as_user(cast.member_user)
    body = client.get(reverse("resolutions:task", args=[task.pk])).content.decode()
    assert "Hoàn thành tốt" in body and "09/04/2025" in body
    assert "Báo hoàn thành</button>" not in body
    response = report(client, task, text="Muộn", action="note")
    assert response.status_code == 302
    assert not TaskNote.objects.exists()
    page = client.get(response["Location"])
    assert "đã được chi bộ đánh giá" in page.content.decode()


def test_the_cell_leader_may_report_for_the_member(cast, task, as_user):
    response = report(
        as_user(cast.leader_user), task, text="Đồng chí An báo qua điện thoại", progress="60", action="note"
    )
    assert response.status_code == 302
    assert TaskNote.objects.get(task=task).author == cast.leader_user


def test_another_member_of_the_cell_cannot_report_on_the_task(cast, task, as_user):
    other = make_user(
        "dangvien2",
        role=RoleKind.MEMBER,
        org=cast.cell,
        member=make_member(cast.cell, full_name="Phạm Văn Cường"),
    )
    client = as_user(other)
    # An ordinary member sees only their own tasks, so another's task is not even revealed.
    assert client.get(reverse("resolutions:task", args=[task.pk])).status_code == 404
    assert report(client, task, text="Không phải của tôi", progress="90", action="done").status_code == 404
    assert not TaskNote.objects.exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_a_supervisor_reads_the_task_but_may_not_report(cast, task, as_user):
    client = as_user(cast.supervisor)
    page = client.get(reverse("resolutions:task", args=[task.pk]))
    assert page.status_code == 200 and "Báo hoàn thành</button>" not in page.content.decode()
    assert report(client, task, text="x", action="done").status_code == 403
    assert not TaskNote.objects.exists()


# --- the note file -----------------------------------------------------------------------------------------


def test_the_note_file_downloads_as_an_attachment_for_those_who_see_the_task(cast, task, as_user):
    note = services.task_report(task=task, by=cast.member_user, text="Ảnh", file=png("Ảnh hộp thư.png"))
    url = reverse("resolutions:note_file", args=[note.pk])
    for user in (cast.member_user, cast.leader_user, cast.staff):
        response = as_user(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PNG
    for user in (cast.outsider, cast.sibling_leader):
        assert as_user(user).get(url).status_code == 404


def test_a_note_without_a_file_has_nothing_to_download(cast, task, as_user):
    note = services.task_report(task=task, by=cast.member_user, text="Chưa có ảnh", progress=20)
    assert as_user(cast.member_user).get(reverse("resolutions:note_file", args=[note.pk])).status_code == 404


# --- scoping: users of sibling organisations see nothing ---------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_users_of_a_sibling_organisation_get_404_on_every_page(cast, task, as_user, who):
    client = as_user(getattr(cast, who))
    note = services.task_report(task=task, by=cast.member_user, text="Ảnh", file=png())
    urls = [
        reverse("resolutions:task", args=[task.pk]),
        reverse("resolutions:note_file", args=[note.pk]),
        reverse("resolutions:member_history", args=[cast.member.pk]),
        reverse("resolutions:cell_completion", args=[cast.cell.pk]),
        reverse("resolutions:mine"),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert report(client, task, text="x", action="done").status_code == 404
    assert TaskNote.objects.count() == 1


# --- my tasks ----------------------------------------------------------------------------------------------


def test_my_tasks_lists_open_tasks_first_then_the_history(
    cast, task, as_user, task_rules, django_assert_max_num_queries
):
    april = hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
    services.task_evaluate(task=task, meeting=april, outcome=TaskStatus.NOT_DONE, by=cast.leader_user)
    services.task_assign(
        meeting=april,
        members=[cast.member, cast.secretary],
        text="Dọn vệ sinh nhà văn hóa",
        due_on=dt.date(2025, 4, 20),
        by=cast.leader_user,
    )
    client = as_user(cast.member_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("resolutions:mine"))
    assert response.status_code == 200
    body = response.content.decode()
    assert [t.text for t in response.context["page"]] == [
        "Dọn vệ sinh nhà văn hóa",
        "Vận động các hộ tổ 1 đóng quỹ khuyến học",
    ]
    assert body.index("Đang thực hiện, chờ đánh giá") < body.index("Dọn vệ sinh nhà văn hóa")
    assert body.index("Đã được chi bộ đánh giá") < body.index("Vận động các hộ tổ 1")
    assert "Quá hạn" in body  # 20/04/2025 is long past and the task is still open
    # The secretary's copy of the task is not the member's.
    assert Task.objects.filter(member=cast.secretary).count() == 1 and body.count("Dọn vệ sinh") == 1


def test_my_tasks_needs_a_linked_member_record(cast, as_user):
    assert as_user(cast.staff).get(reverse("resolutions:mine")).status_code == 404


def test_the_navigation_links_to_my_tasks_for_members_only(cast, as_user):
    link = f'href="{reverse("resolutions:mine")}"'
    assert link in as_user(cast.member_user).get(reverse("orgs:list")).content.decode()
    assert link not in as_user(cast.staff).get(reverse("orgs:list")).content.decode()


# --- a member's history and a cell's completion ----------------------------------------------------------


@pytest.fixture
def march_evaluated(cast, held, task_rules):
    """Three tasks from March for the member: one done, one not done, one carried over to April."""
    tasks = [
        services.task_assign(
            meeting=held, members=[cast.member], text=text, due_on=dt.date(2025, 3, 31), by=cast.leader_user
        )[0]
        for text in ("Nhiệm vụ một", "Nhiệm vụ hai", "Nhiệm vụ ba")
    ]
    april = hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
    services.task_evaluate(task=tasks[0], meeting=april, outcome=TaskStatus.DONE, by=cast.leader_user)
    services.task_evaluate(
        task=tasks[1],
        meeting=april,
        outcome=TaskStatus.NOT_DONE,
        by=cast.leader_user,
        evaluation="Chưa vận động được",
    )
    services.task_evaluate(
        task=tasks[2],
        meeting=april,
        outcome=TaskStatus.CARRIED_OVER,
        by=cast.leader_user,
        new_due_on=dt.date(2025, 4, 30),
    )
    return tasks


def test_the_member_history_counts_each_outcome(cast, march_evaluated, as_user):
    url = reverse("resolutions:member_history", args=[cast.member.pk])
    for user in (cast.member_user, cast.leader_user, cast.supervisor):
        response = as_user(user).get(url)
        assert response.status_code == 200
        assert response.context["counts"] == {
            "total": 4,
            "open": 1,
            "done": 1,
            "not_done": 1,
            "carried_over": 1,
        }
    body = response.content.decode()
    assert "Chưa vận động được" in body and "30/04/2025" in body
    # Linked from the member's record.
    detail = as_user(cast.leader_user).get(reverse("members:detail", args=[cast.member.pk])).content.decode()
    assert f'href="{url}"' in detail


def test_an_ordinary_member_cannot_read_a_cell_mate_s_history(cast, march_evaluated, as_user):
    url = reverse("resolutions:member_history", args=[cast.secretary.pk])
    assert as_user(cast.member_user).get(url).status_code == 404


def test_the_cell_completion_counts_march_and_the_coverage(cast, march_evaluated, as_user, monkeypatch):
    monkeypatch.setattr("chibo.resolutions.views.member.today", lambda: dt.date(2025, 3, 31))
    url = reverse("resolutions:cell_completion", args=[cast.cell.pk])
    response = as_user(cast.leader_user).get(url, {"nam": "2025"})
    assert response.status_code == 200
    months = {(m["year"], m["month"]): m for m in response.context["months"]}
    march = months[(2025, 3)]
    assert (march["total"], march["done"], march["not_done"], march["carried_over"], march["open"]) == (
        3,
        1,
        1,
        1,
        0,
    )
    assert march["rate_text"] == "33,3%"
    assert (months[(2025, 4)]["total"], months[(2025, 4)]["open"]) == (1, 1)  # the carried-over follow-up
    body = response.content.decode()
    assert "03/2025" in body and "33,3%" in body
    # T5 on 31/03/2025: the member holds a task from March, the secretary does not.
    coverage = response.context["coverage"]
    assert (coverage.numerator, coverage.denominator) == (1, 2)
    assert [m.full_name for m in coverage.gaps] == ["Trần Thị Bình"]
    assert "1/2" in body
    # An empty year says so; a bad year falls back to the current one.
    assert "Năm 2024 chưa có nhiệm vụ" in as_user(cast.leader_user).get(url, {"nam": "2024"}).content.decode()
    assert as_user(cast.leader_user).get(url, {"nam": "abc"}).context["year"] == 2025


def test_the_cell_completion_is_for_readers_of_the_cell(cast, march_evaluated, as_user):
    url = reverse("resolutions:cell_completion", args=[cast.cell.pk])
    assert as_user(cast.staff).get(url).status_code == 200
    assert as_user(cast.member_user).get(url).status_code == 403
    # Linked from the cell's page, not offered for a ward.
    detail = as_user(cast.leader_user).get(reverse("orgs:detail", args=[cast.cell.pk])).content.decode()
    assert f'href="{url}"' in detail
    assert (
        as_user(cast.staff).get(reverse("resolutions:cell_completion", args=[cast.ward.pk])).status_code
        == 404
    )


def test_done_with_a_last_word_is_noted_at_100_after_the_earlier_notes(cast, task, as_user):
    client = as_user(cast.member_user)
    report(client, task, text="Đã vận động 12 hộ", progress="40", action="note")
    report(client, task, text="Đã thu đủ 20 hộ", file=png(), action="done")
    assert [n.progress for n in TaskNote.objects.filter(task=task).order_by("created_at", "pk")] == [40, 100]
    body = client.get(reverse("resolutions:task", args=[task.pk])).content.decode()
    assert body.index("Đã vận động 12 hộ") < body.index("Đã thu đủ 20 hộ")


def test_a_note_whose_file_is_gone_is_a_404(cast, task, as_user):

    note = services.task_report(task=task, by=cast.member_user, text="Ảnh", file=png("Ảnh.png"))
    note.file.storage.delete(note.file.name)
    response = as_user(cast.member_user).get(reverse("resolutions:note_file", args=[note.pk]))
    assert response.status_code == 404
