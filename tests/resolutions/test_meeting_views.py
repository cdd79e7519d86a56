"""Meeting-side pages: assigning tasks with the T5 panel, the "review tasks" step, the resolution pages,
and who may reach each of them."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from chibo.common.access import SYSTEM
from chibo.members.models import WorkStatus
from chibo.members.services import exemption_create
from chibo.resolutions import services
from chibo.resolutions.models import Resolution, ResolutionStatus, Task, TaskStatus
from tests.factories import make_member
from tests.resolutions.conftest import hold_meeting, local, open_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def u(name, *args):
    return reverse(f"resolutions:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def checked_member_ids(html: str) -> set[int]:
    boxes = re.findall(r'<input type="checkbox" name="members"[^>]*>', html)
    return {int(re.search(r'value="(\d+)"', b).group(1)) for b in boxes if " checked" in b}


def give(cast, meeting, members, text="Vận động đóng quỹ khuyến học", due=dt.date(2025, 3, 30)):
    return services.task_assign(meeting=meeting, members=members, text=text, due_on=due, by=cast.leader_user)


# --- assigning tasks -----------------------------------------------------------------------------------


def test_coverage_panel_lists_gaps_apart_from_retired_and_exempted_members(cast, task_rules, as_user):
    retired = make_member(cast.cell, full_name="Phạm Văn Hưu", work_status=WorkStatus.RETIRED)
    exempted = make_member(cast.cell, full_name="Đỗ Thị Miễn")
    exemption_create(member=exempted, valid_from=dt.date(2025, 1, 1), reason="Tuổi cao, sức yếu", by=SYSTEM)
    held = hold_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
    give(cast, held, [cast.secretary])

    response = as_user(cast.leader_user).get(u("assign", held.pk))

    assert response.status_code == 200
    coverage = response.context["coverage"]
    assert [m.pk for m in coverage.gaps] == [cast.member.pk]
    assert [m.pk for m in coverage.covered] == [cast.secretary.pk]
    assert [m.pk for m in coverage.not_working] == [retired.pk]
    assert [m.pk for m in coverage.exempt] == [exempted.pk]
    html = response.content.decode()
    assert "1/2 đảng viên đang công tác đã có nhiệm vụ" in html
    gaps_list = html.split('id="chua-co"')[1].split("</ul>")[0]
    assert "Lê Văn An" in gaps_list and "Phạm Văn Hưu" not in gaps_list and "Đỗ Thị Miễn" not in gaps_list
    apart = html.split('id="khong-tinh"')[1].split("</section>")[0]
    assert "Nghỉ hưu, không công tác (1)" in apart and "Phạm Văn Hưu" in apart
    assert "Miễn sinh hoạt (1)" in apart and "Đỗ Thị Miễn" in apart
    # The gap is preselected in the form; the member who already has a task is not.
    assert checked_member_ids(html) == {cast.member.pk}


def test_bulk_assignment_makes_one_task_per_member_and_a_second_post_creates_nothing(
    cast, held, next_meeting, as_user
):
    client = as_user(cast.leader_user)
    data = {
        "members": [cast.secretary.pk, cast.member.pk],
        "text": "Vận động các hộ đóng quỹ khuyến học",
        "due_on": "30/03/2025",
        "report_meeting": "",
    }
    response = client.post(u("assign", held.pk), data)
    assert response.status_code == 302
    tasks = Task.objects.filter(meeting=held).order_by("member__full_name")
    assert [(t.member_id, t.due_on, t.report_meeting_id) for t in tasks] == [
        (cast.member.pk, dt.date(2025, 3, 30), next_meeting.pk),
        (cast.secretary.pk, dt.date(2025, 3, 30), next_meeting.pk),
    ]
    page = client.get(response["Location"])
    assert "Đã giao nhiệm vụ cho 2 đảng viên." in messages_of(page)
    assert "2/2 đảng viên đang công tác đã có nhiệm vụ" in page.content.decode()

    again = client.post(u("assign", held.pk), data)
    assert again.status_code == 200
    assert "Đã giao nhiệm vụ này tại buổi sinh hoạt này cho" in again.content.decode()
    assert Task.objects.filter(meeting=held).count() == 2


def test_assignment_errors_name_the_field(cast, held, as_user):
    response = as_user(cast.leader_user).post(
        u("assign", held.pk), {"members": [], "text": " ", "due_on": "2025-03-30"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đảng viên: chọn ít nhất một đảng viên nhận nhiệm vụ." in html
    assert "Nội dung nhiệm vụ: không được để trống." in html
    assert "Hạn hoàn thành: ngày không hợp lệ" in html
    early = as_user(cast.leader_user).post(
        u("assign", held.pk), {"members": [cast.member.pk], "text": "Việc", "due_on": "01/03/2025"}
    )
    assert "Hạn hoàn thành: không được trước ngày sinh hoạt 05/03/2025." in early.content.decode()
    assert not Task.objects.exists()


def test_a_planned_meeting_shows_the_panel_but_no_assignment_form(cast, next_meeting, as_user):
    response = as_user(cast.leader_user).get(u("assign", next_meeting.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chỉ giao nhiệm vụ tại buổi sinh hoạt đang họp hoặc đã họp." in html
    assert 'name="members"' not in html


def test_edit_and_delete_a_task_through_the_pages(cast, held, as_user):
    client = as_user(cast.leader_user)
    first, second = give(cast, held, [cast.secretary, cast.member])
    assert client.get(u("assigned_edit", first.pk)).status_code == 200
    response = client.post(u("assigned_edit", first.pk), {"text": "Nội dung đã sửa", "due_on": "15/04/2025"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.text, first.due_on) == ("Nội dung đã sửa", dt.date(2025, 4, 15))

    confirm = client.get(u("assigned_delete", second.pk))
    assert "Xóa nhiệm vụ?" in confirm.content.decode()
    assert Task.objects.filter(pk=second.pk).exists()  # a GET only asks
    client.post(u("assigned_delete", second.pk))
    assert not Task.objects.filter(pk=second.pk).exists()

    services.task_report(task=first, by=cast.leader_user, text="Đã bắt đầu", progress=10)
    refused = client.post(u("assigned_delete", first.pk), follow=True)
    assert "Chỉ xóa được nhiệm vụ vừa giao" in " ".join(messages_of(refused))
    assert Task.objects.filter(pk=first.pk).exists()


# --- the "review tasks" step -----------------------------------------------------------------------------


@pytest.fixture
def april(cast, held, task_rules):
    """March's tasks (one reported half done, one marked done by the member), then April's meeting."""
    march = give(cast, held, [cast.secretary, cast.member])
    services.task_report(task=march[1], by=cast.member_user, text="Đã vận động được 10 hộ", progress=50)
    services.task_report(task=march[0], by=cast.leader_user, mark_done=True)
    meeting = hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
    meeting.march = march
    return meeting


def test_review_lists_the_open_tasks_of_earlier_meetings_with_what_members_reported(cast, april, as_user):
    response = as_user(cast.leader_user).get(u("review", april.pk))
    assert response.status_code == 200
    assert {row["task"].pk for row in response.context["rows"]} == {t.pk for t in april.march}
    html = response.content.decode()
    assert "Đã vận động được 10 hộ" in html and "50%" in html
    assert "đã báo hoàn thành" in html
    assert html.count('action="' + u("evaluate", april.march[0].pk)) == 1


def test_evaluating_carried_over_creates_the_follow_up_task(cast, april, next_meeting, as_user):
    client = as_user(cast.leader_user)
    done, carried = april.march
    client.post(u("evaluate", done.pk), {"meeting": april.pk, "outcome": "done", "evaluation": "Tốt"})
    response = client.post(
        u("evaluate", carried.pk),
        {
            "meeting": april.pk,
            "outcome": "carried_over",
            "evaluation": "Còn 10 hộ",
            "new_due_on": "30/04/2025",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(u("review", april.pk) + f"#nv-{carried.pk}")
    done.refresh_from_db()
    carried.refresh_from_db()
    assert (done.status, done.evaluated_in_id) == (TaskStatus.DONE, april.pk)
    assert carried.status == TaskStatus.CARRIED_OVER
    follow = carried.carried_to
    assert (follow.meeting_id, follow.member_id, follow.due_on, follow.progress) == (
        april.pk,
        cast.member.pk,
        dt.date(2025, 4, 30),
        50,
    )
    # The evaluated tasks stay on the list, without a form, with the new deadline.
    page = client.get(u("review", april.pk))
    html = page.content.decode()
    assert "hạn mới 30/04/2025" in html
    assert 'action="' + u("evaluate", carried.pk) not in html


def _evaluation_form(html: str, task) -> str:
    start = html.index('action="' + u("evaluate", task.pk))
    return html[start : html.index("</form>", start)]


def test_carrying_over_without_a_new_deadline_is_refused_keeping_the_comment_and_choice(cast, april, as_user):
    carried = april.march[1]
    comment = "Mới vận động được 10/20 hộ, cần thêm thời gian"
    response = as_user(cast.leader_user).post(
        u("evaluate", carried.pk), {"meeting": april.pk, "outcome": "carried_over", "evaluation": comment}
    )
    # The page again, not a redirect to fresh forms: what was typed and chosen is still there.
    assert response.status_code == 200
    form = _evaluation_form(response.content.decode(), carried)
    assert "Chưa ghi được đánh giá" in form
    assert "Hạn mới: nhiệm vụ chuyển kỳ sau cần hạn hoàn thành mới" in form
    assert f"{comment}</textarea>" in form
    assert re.search(r'<input type="radio" name="outcome" value="carried_over"[^>]* checked', form)
    # The other task keeps its own fresh form.
    other = _evaluation_form(response.content.decode(), april.march[0])
    assert "Chưa ghi được" not in other and comment not in other
    carried.refresh_from_db()
    assert carried.is_open and carried.evaluation == ""


def test_a_date_that_cannot_be_read_keeps_what_was_typed(cast, april, as_user):
    carried = april.march[1]
    response = as_user(cast.leader_user).post(
        u("evaluate", carried.pk),
        {
            "meeting": april.pk,
            "outcome": "carried_over",
            "evaluation": "Còn 10 hộ",
            "new_due_on": "31/02/2025",
        },
    )
    assert response.status_code == 200
    form = _evaluation_form(response.content.decode(), carried)
    assert "ngày không hợp lệ" in form and 'value="31/02/2025"' in form and "Còn 10 hộ</textarea>" in form
    carried.refresh_from_db()
    assert carried.is_open


def test_evaluating_from_the_second_page_returns_to_it(cast, april, as_user, settings):
    settings.CHIBO_PAGE_SIZE = 1
    client = as_user(cast.leader_user)
    second = client.get(u("review", april.pk), {"trang": 2})
    [row] = second.context["rows"]
    task = row["task"]
    html = second.content.decode()
    assert f'action="{u("evaluate", task.pk)}?trang=2"' in html
    done = client.post(f"{u('evaluate', task.pk)}?trang=2", {"meeting": april.pk, "outcome": "done"})
    assert done["Location"] == f"{u('review', april.pk)}?trang=2#nv-{task.pk}"
    # Refused from the second page: the second page again, with the refused form.
    first = second.context["page"].paginator.page(1).object_list[0]
    refused = client.post(
        f"{u('evaluate', first.pk)}?trang=2", {"meeting": april.pk, "outcome": "carried_over"}
    )
    assert refused.status_code == 200
    rows = refused.context["rows"]
    assert rows[0]["task"].pk == first.pk and rows[0]["form"].errors


# --- resolutions -----------------------------------------------------------------------------------------


def test_build_edit_approve_and_lock_a_resolution(cast, held, as_user):
    client = as_user(cast.leader_user)
    give(cast, held, [cast.member])
    response = client.post(u("build", held.pk))
    resolution = Resolution.objects.get(meeting=held)
    assert response["Location"] == u("detail", resolution.pk)
    detail = client.get(u("detail", resolution.pk)).content.decode()
    assert "Phân công nhiệm vụ" in detail and "Vận động đóng quỹ khuyến học" in detail
    assert "DỰ THẢO" in detail and "Thông qua" in detail

    form = client.get(u("edit", resolution.pk))
    assert form.context["form"].initial["issued_on"] == dt.date(2025, 3, 5)
    data = {
        "number": "",
        "issued_on": "06/03/2025",
        "preamble": resolution.preamble,
        "results": resolution.results,
        "direction": "Tập trung vận động quỹ khuyến học.",
        "assignments": resolution.assignments,
        "self_assessment": "Đạt yêu cầu.",
    }
    assert client.post(u("edit", resolution.pk), data).status_code == 302
    resolution.refresh_from_db()
    assert (resolution.direction, resolution.issued_on) == (
        "Tập trung vận động quỹ khuyến học.",
        dt.date(2025, 3, 6),
    )

    approved = client.post(u("approve", resolution.pk), follow=True)
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.APPROVED and resolution.number == "01-NQ/CB"
    assert "Đã thông qua Nghị quyết 01-NQ/CB; văn bản đã được khóa." in messages_of(approved)

    locked = client.get(u("edit", resolution.pk), follow=True)
    assert services.LOCKED in messages_of(locked)
    client.post(u("edit", resolution.pk), {**data, "direction": "Sửa sau khi khóa"})
    resolution.refresh_from_db()
    assert resolution.direction == "Tập trung vận động quỹ khuyến học."
    # A second build changes nothing and keeps the approved text.
    client.post(u("build", held.pk))
    assert Resolution.objects.filter(meeting=held).count() == 1


def test_approving_without_a_passing_vote_is_refused_with_the_message(cast, task_rules, as_user):
    meeting = hold_meeting(cast, task_rules, local(2025, 3, 12, 19, 30), vote=False)
    client = as_user(cast.leader_user)
    client.post(u("build", meeting.pk))
    resolution = Resolution.objects.get(meeting=meeting)
    response = client.post(u("approve", resolution.pk), follow=True)
    assert any("Nghị quyết chưa được biểu quyết thông qua" in m for m in messages_of(response))
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.DRAFT and resolution.number == ""


def test_number_clash_is_shown_on_the_number_field(cast, held, task_rules, as_user):
    other = hold_meeting(cast, task_rules, local(2025, 3, 20, 19, 30))
    first = services.resolution_build(meeting=held, by=cast.leader_user)
    services.resolution_update(resolution=first, by=cast.leader_user, number="03-NQ/CB")
    second = services.resolution_build(meeting=other, by=cast.leader_user)
    response = as_user(cast.leader_user).post(
        u("edit", second.pk), {"number": "03-NQ/CB", "issued_on": "20/03/2025"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == ["Số 03-NQ/CB: chi bộ đã dùng số này trong năm 2025."]


def test_cell_list_shows_the_years_texts_and_members_see_only_approved_ones(cast, held, task_rules, as_user):
    approved = services.resolution_approve(
        resolution=services.resolution_build(meeting=held, by=cast.leader_user), by=cast.leader_user
    )
    draft = services.resolution_build(
        meeting=hold_meeting(cast, task_rules, local(2025, 3, 20, 19, 30)), by=cast.leader_user
    )
    leader = as_user(cast.leader_user).get(u("cell_list", cast.cell.pk) + "?nam=2025")
    assert {r.pk for r in leader.context["page"]} == {approved.pk, draft.pk}
    assert (
        as_user(cast.leader_user)
        .get(u("cell_list", cast.cell.pk) + "?nam=2024")
        .context["page"]
        .paginator.count
        == 0
    )
    member = as_user(cast.member_user).get(u("cell_list", cast.cell.pk) + "?nam=2025")
    assert [r.pk for r in member.context["page"]] == [approved.pk]
    assert as_user(cast.member_user).get(u("detail", approved.pk)).status_code == 200
    assert as_user(cast.member_user).get(u("detail", draft.pk)).status_code == 403


# --- access ----------------------------------------------------------------------------------------------


@pytest.fixture
def scene(cast, april):
    """April's meeting with March's tasks and a draft resolution."""
    april.resolution_obj = services.resolution_build(meeting=april, by=cast.leader_user)
    return april


def get_pages(m):
    task = m.march[1]
    return {
        "assign": u("assign", m.pk),
        "review": u("review", m.pk),
        "task edit": u("assigned_edit", task.pk),
        "task delete": u("assigned_delete", task.pk),
        "detail": u("detail", m.resolution_obj.pk),
        "edit": u("edit", m.resolution_obj.pk),
        "cell list": u("cell_list", m.cell_id),
    }


def post_pages(m):
    return {
        "assign": u("assign", m.pk),
        "evaluate": u(
            "evaluate", m.march[1].pk
        ),  # the member's own task: visible to them, not theirs to judge
        "build": u("build", m.pk),
        "approve": u("approve", m.resolution_obj.pk),
        "task delete": u("assigned_delete", m.march[1].pk),
    }


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_users_of_a_sibling_organisation_get_404_everywhere(cast, scene, as_user, who):
    client = as_user(getattr(cast, who))
    got = {name: client.get(url).status_code for name, url in get_pages(scene).items()}
    got.update({f"POST {name}": client.post(url, {}).status_code for name, url in post_pages(scene).items()})
    assert got == dict.fromkeys(got, 404)
    assert Task.objects.count() == 2 and Resolution.objects.get().status == ResolutionStatus.DRAFT


def test_an_ordinary_member_is_refused_the_cells_pages_and_every_write(cast, scene, as_user):
    client = as_user(cast.member_user)
    payload = {"members": [cast.member.pk], "text": "Việc", "due_on": "30/04/2025", "meeting": scene.pk}
    got = {
        name: client.post(url, {**payload, "outcome": "done"}).status_code
        for name, url in post_pages(scene).items()
    }
    assert got == dict.fromkeys(got, 403)
    for name in ("assign", "review", "task edit", "detail", "edit"):
        assert client.get(get_pages(scene)[name]).status_code == 403, name
    assert client.get(get_pages(scene)["cell list"]).status_code == 200
    assert Task.objects.count() == 2 and all(t.is_open for t in Task.objects.all())
    assert Resolution.objects.get().status == ResolutionStatus.DRAFT


def test_the_ward_supervisor_reads_the_task_pages_without_forms(cast, scene, as_user):
    client = as_user(cast.supervisor)
    review = client.get(u("review", scene.pk))
    assert review.status_code == 200
    assert all(row["form"] is None for row in review.context["rows"])
    assign = client.get(u("assign", scene.pk))
    assert assign.status_code == 200 and 'name="members"' not in assign.content.decode()
    assert client.post(u("assign", scene.pk), {}).status_code == 403


def test_ward_staff_may_assign_and_evaluate(cast, scene, as_user):
    client = as_user(cast.staff)
    response = client.post(
        u("evaluate", scene.march[0].pk),
        {"meeting": scene.pk, "outcome": "not_done", "evaluation": "Chưa làm"},
    )
    assert response.status_code == 302
    scene.march[0].refresh_from_db()
    assert scene.march[0].status == TaskStatus.NOT_DONE


# --- integration with the meeting pages ---------------------------------------------------------------


def test_run_screen_links_the_review_and_assign_steps(cast, task_rules, as_user):
    meeting = open_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
    response = as_user(cast.leader_user).get(reverse("meetings:run", args=[meeting.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    review_step = html.split('id="buoc-2"')[1].split("</li>")[0]
    assign_step = html.split('id="buoc-4"')[1].split("</li>")[0]
    assert f'href="{u("review", meeting.pk)}">Kiểm điểm nhiệm vụ</a>' in review_step
    assert f'href="{u("assign", meeting.pk)}">Giao nhiệm vụ cho đảng viên</a>' in assign_step
    assert "Giao nhiệm vụ cho đảng viên</a>" not in html.split('id="buoc-3"')[1].split("</li>")[0]


def test_meeting_detail_page_has_the_resolution_section(cast, held, as_user):
    client = as_user(cast.leader_user)
    html = client.get(held.get_absolute_url()).content.decode()
    section = html.split('id="nghi-quyet"')[1].split("</section>")[0]
    assert u("assign", held.pk) in section and u("review", held.pk) in section
    assert u("build", held.pk) in section and "Lập dự thảo nghị quyết" in section
    resolution = services.resolution_build(meeting=held, by=cast.leader_user)
    html = client.get(held.get_absolute_url()).content.decode()
    assert u("detail", resolution.pk) in html.split('id="nghi-quyet"')[1].split("</section>")[0]
