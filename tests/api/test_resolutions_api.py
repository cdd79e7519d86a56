"""/api/v1/resolutions, /api/v1/tasks and /api/v1/meetings/{id}/(resolution|tasks|task-coverage):
scoping (401/403/404), the resolution and task flows through the services, and bad input (422)."""

import datetime as dt

import pytest
from django.test import Client

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings.models import MeetingKind
from chibo.members.models import WorkStatus
from chibo.members.services import exemption_create
from chibo.resolutions import services
from chibo.resolutions.models import Resolution, Task, TaskNote, TaskStatus
from tests.api.conftest import patch_json, post_json
from tests.factories import make_member
from tests.meetings.conftest import make_meeting
from tests.resolutions.conftest import held, hold_meeting, local, next_meeting, open_meeting, task_rules  # noqa: F401

FUND = "Vận động các hộ đóng góp Quỹ vì người nghèo"


def call(client: Client, method: str, url: str, data: dict | None = None):
    if method == "get":
        return client.get(url)
    if method == "patch":
        return patch_json(client, url, data or {})
    return post_json(client, url, data) if data is not None else client.post(url)


def errors(response) -> dict[str, str]:
    body = response.json()
    assert body["detail"] == "Dữ liệu không hợp lệ.", body
    return {e["field"]: e["message"] for e in body["errors"]}


@pytest.fixture
def given(cast, held):  # noqa: F811
    """The secretary's and An's task from March's meeting, and the resolution's draft."""
    tasks = services.task_assign(
        meeting=held, members=[cast.secretary, cast.member], text=FUND, due_on=dt.date(2025, 3, 31),
        by=cast.leader_user,
    )  # fmt: skip
    resolution = services.resolution_build(meeting=held, by=cast.leader_user)
    return {"secretary": tasks[0], "member": tasks[1], "resolution": resolution}


def every_call(held, given) -> list[tuple[str, str, dict | None]]:  # noqa: F811
    r, t = given["resolution"].pk, given["member"].pk
    m = f"/api/v1/meetings/{held.pk}"
    return [
        ("get", f"/api/v1/resolutions/{r}", None),
        ("patch", f"/api/v1/resolutions/{r}", {"number": "09-NQ/CB"}),
        ("post", f"/api/v1/resolutions/{r}/approve", None),
        ("post", f"{m}/resolution", {}),
        ("post", f"{m}/tasks", {"member_ids": [given["member"].member_id], "text": "Việc mới", "due_on": "2025-03-31"}),
        ("get", f"{m}/task-coverage", None),
        ("get", f"/api/v1/tasks/{t}", None),
        ("patch", f"/api/v1/tasks/{t}", {"text": "Sửa"}),
        ("post", f"/api/v1/tasks/{t}/notes", {"text": "Đã làm", "progress": 10}),
        ("post", f"/api/v1/tasks/{t}/evaluate", {"outcome": "done"}),
    ]  # fmt: skip


# ---------------------------------------------------------------- scoping


def test_no_token_is_401(cast, held, given):  # noqa: F811
    client = Client()
    for method, url, data in [
        ("get", "/api/v1/resolutions", None),
        ("get", "/api/v1/tasks", None),
    ] + every_call(held, given):
        response = call(client, method, url, data)
        assert response.status_code == 401, (method, url)


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_another_ward_or_cell_gets_404_everywhere_and_sees_nothing_listed(cast, held, given, api_as, who):  # noqa: F811
    client = api_as(getattr(cast, who))
    audit = AuditEntry.objects.count()
    for method, url, data in every_call(held, given):
        response = call(client, method, url, data)
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["detail"].startswith("Không tìm thấy")
    assert client.get("/api/v1/resolutions").json() == {"items": [], "count": 0}
    assert client.get("/api/v1/tasks").json() == {"items": [], "count": 0}
    assert client.get("/api/v1/tasks?cell_code=BD-01&mine=true").json()["count"] == 0
    assert AuditEntry.objects.count() == audit and Task.objects.count() == 2


def test_the_supervisor_reads_everything_and_writes_nothing(cast, held, given, api_as):  # noqa: F811
    client = api_as(cast.supervisor)
    for method, url, data in every_call(held, given)[1:]:
        response = call(client, method, url, data)
        assert response.status_code == (200 if method == "get" else 403), (method, url, response.content)
    # A draft is read only by the cell's writers, as draft minutes are.
    assert client.get(f"/api/v1/resolutions/{given['resolution'].pk}").status_code == 403
    assert client.get("/api/v1/tasks").json()["count"] == 2
    # Not even its draft is listed: the supervisor does not write the cell.
    assert client.get("/api/v1/resolutions").json()["count"] == 0


# ---------------------------------------------------------------- resolutions


def test_the_leader_builds_edits_and_approves_the_resolution(cast, held, api_as):  # noqa: F811
    client = api_as(cast.leader_user)
    url = f"/api/v1/meetings/{held.pk}/resolution"
    response = post_json(client, url, {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["status"], body["number"], body["issued_on"]) == (
        "resolution", "draft", "", "2025-03-05",
    )  # fmt: skip
    assert "Có mặt" in body["preamble"] and body["can_write"] is True and body["cell_code"] == "BD-01"
    assert post_json(client, url, {}).status_code == 200  # built already: returned as it is
    assert Resolution.objects.count() == 1

    rid = body["id"]
    response = patch_json(
        client, f"/api/v1/resolutions/{rid}", {"direction": "Tập trung vận động quỹ.", "number": ""}
    )
    assert response.status_code == 200 and response.json()["direction"] == "Tập trung vận động quỹ."

    listed = client.get("/api/v1/resolutions?cell_code=BD-01&year=2025&kind=resolution").json()
    assert [r["id"] for r in listed["items"]] == [rid]
    assert client.get("/api/v1/resolutions?year=2024").json()["count"] == 0
    assert client.get(f"/api/v1/resolutions?cell={cast.cell2.pk}").json()["count"] == 0
    assert client.get("/api/v1/resolutions?kind=conclusion").json()["count"] == 0

    response = client.post(f"/api/v1/resolutions/{rid}/approve")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["number"], response.json()["approved_by"]) == (
        "approved", "01-NQ/CB", "bithu",
    )  # fmt: skip
    response = patch_json(client, f"/api/v1/resolutions/{rid}", {"direction": "Sửa sau khi thông qua"})
    assert response.status_code == 422
    assert errors(response) == {"__all__": "Văn bản đã được thông qua và đã khóa; không sửa được nữa."}
    assert AuditEntry.objects.filter(model="resolutions.resolution", user=cast.leader_user).count() == 3


def test_a_member_reads_the_approved_resolution_but_not_the_draft(cast, held, given, api_as):  # noqa: F811
    client = api_as(cast.member_user)
    rid = given["resolution"].pk
    assert client.get("/api/v1/resolutions").json()["count"] == 0
    response = client.get(f"/api/v1/resolutions/{rid}")
    assert response.status_code == 403 and "dự thảo" in response.json()["detail"]
    assert client.post(f"/api/v1/resolutions/{rid}/approve").status_code == 403
    services.resolution_approve(resolution=given["resolution"], by=cast.leader_user)
    response = client.get(f"/api/v1/resolutions/{rid}")
    assert response.status_code == 200 and response.json()["can_write"] is False
    assert "Lê Văn An" in response.json()["assignments"]
    assert client.get("/api/v1/resolutions").json()["count"] == 1


def test_bad_resolution_input_is_422_in_the_project_format(cast, task_rules, api_as):  # noqa: F811
    client = api_as(cast.leader_user)
    planned = make_meeting(cast.cell, task_rules, when=local(2025, 5, 7, 19, 30))
    response = post_json(client, f"/api/v1/meetings/{planned.pk}/resolution", {})
    assert response.status_code == 422
    assert errors(response) == {
        "__all__": "Chỉ lập được nghị quyết, kết luận cho buổi sinh hoạt đang họp hoặc đã họp."
    }
    # A held meeting without a passing vote cannot approve its resolution.
    unvoted = hold_meeting(cast, task_rules, local(2025, 6, 4, 19, 30), vote=False)
    rid = post_json(client, f"/api/v1/meetings/{unvoted.pk}/resolution", {}).json()["id"]
    response = patch_json(client, f"/api/v1/resolutions/{rid}", {"issued_on": "04/06/2025"})
    assert errors(response) == {"issued_on": "Ngày không hợp lệ; dùng dạng YYYY-MM-DD."}
    response = client.post(f"/api/v1/resolutions/{rid}/approve")
    assert response.status_code == 422 and "chưa được biểu quyết thông qua" in errors(response)["__all__"]
    # A thematic meeting ends with a conclusion.
    thematic = hold_meeting(cast, task_rules, local(2025, 6, 18, 8, 0), kind=MeetingKind.THEMATIC)
    body = post_json(client, f"/api/v1/meetings/{thematic.pk}/resolution", {}).json()
    assert body["kind"] == "conclusion"
    assert client.post(f"/api/v1/resolutions/{body['id']}/approve").json()["number"] == "01-KL/CB"


# ---------------------------------------------------------------- tasks


def test_the_leader_assigns_one_task_per_member(cast, held, next_meeting, api_as):  # noqa: F811
    client = api_as(cast.leader_user)
    url = f"/api/v1/meetings/{held.pk}/tasks"
    payload = {"member_ids": [cast.secretary.pk, cast.member.pk], "text": FUND, "due_on": "2025-03-31"}
    response = post_json(client, url, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(t["member"]["full_name"], t["status"], t["due_on"], t["report_meeting_id"]) for t in body] == [
        ("Trần Thị Bình", "assigned", "2025-03-31", next_meeting.pk),
        ("Lê Văn An", "assigned", "2025-03-31", next_meeting.pk),
    ]
    assert body[0]["meeting_date"] == "2025-03-05" and body[0]["meeting_id"] == held.pk
    assert (
        AuditEntry.objects.filter(model="resolutions.task", action="create", user=cast.leader_user).count()
        == 2
    )

    # The same text again to An: refused, nothing created.
    response = post_json(client, url, {**payload, "member_ids": [cast.member.pk]})
    assert errors(response) == {"member_ids": "Đã giao nhiệm vụ này tại buổi sinh hoạt này cho: Lê Văn An."}
    # Someone not on the roll call (another cell's member): bad input, no name echoed back.
    stranger = make_member(cast.other_cell, full_name="Người Ngoài")
    response = post_json(client, url, {**payload, "member_ids": [stranger.pk], "text": "Việc khác"})
    assert errors(response) == {
        "member_ids": f"Không có đảng viên id {stranger.pk} trong danh sách sinh hoạt của buổi này."
    }
    response = post_json(client, url, {**payload, "text": "Việc khác", "due_on": "2025-03-01"})
    assert errors(response) == {"due_on": "Hạn hoàn thành: không được trước ngày sinh hoạt 05/03/2025."}
    response = post_json(client, url, {"member_ids": [], "text": "", "due_on": "mai"})
    assert set(errors(response)) == {"member_ids", "text", "due_on"}
    response = post_json(client, url, {**payload, "text": "Việc khác", "report_meeting_id": held.pk})
    assert errors(response) == {
        "report_meeting_id": "Buổi báo cáo: phải là một buổi sinh hoạt sau của cùng chi bộ."
    }
    assert Task.objects.count() == 2

    # A plain member may not assign.
    response = post_json(api_as(cast.member_user), url, {**payload, "text": "Việc khác"})
    assert response.status_code == 403


def test_lists_filter_and_a_member_sees_only_their_own_tasks(cast, held, given, api_as):  # noqa: F811
    leader, member = api_as(cast.leader_user), api_as(cast.member_user)
    assert leader.get("/api/v1/tasks?cell_code=BD-01").json()["count"] == 2
    assert leader.get(f"/api/v1/tasks?cell={cast.cell.pk}&member={cast.member.pk}").json()["count"] == 1
    assert leader.get(f"/api/v1/tasks?meeting={held.pk}&status=assigned").json()["count"] == 2
    assert leader.get("/api/v1/tasks?status=done").json()["count"] == 0
    # Due 31/03/2025 and still open: overdue today.
    overdue = leader.get("/api/v1/tasks?overdue=true").json()
    assert overdue["count"] == 2 and all(t["is_overdue"] for t in overdue["items"])
    mine = leader.get("/api/v1/tasks?mine=true").json()["items"]
    assert [t["member"]["id"] for t in mine] == [cast.secretary.pk]

    items = member.get("/api/v1/tasks").json()["items"]
    assert [t["id"] for t in items] == [given["member"].pk]
    assert member.get("/api/v1/tasks?mine=true").json()["count"] == 1
    assert api_as(cast.staff).get("/api/v1/tasks?mine=true").json()["count"] == 0  # staff is no member
    # Another member's task is not even visible.
    assert member.get(f"/api/v1/tasks/{given['secretary'].pk}").status_code == 404


def test_the_assignee_reports_progress_and_done(cast, held, given, api_as):  # noqa: F811
    client = api_as(cast.member_user)
    tid = given["member"].pk
    response = post_json(client, f"/api/v1/tasks/{tid}/notes", {"text": "Đã vận động 5 hộ", "progress": 50})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["progress"], body["can_report"], body["can_evaluate"]) == (
        "in_progress", 50, True, False,
    )  # fmt: skip
    assert [(n["text"], n["progress"], n["author"]) for n in body["notes"]] == [
        ("Đã vận động 5 hộ", 50, "dangvien")
    ]
    response = post_json(client, f"/api/v1/tasks/{tid}/notes", {"done": True})
    assert response.json()["status"] == "done" and response.json()["completed_at"]
    assert TaskNote.objects.filter(task_id=tid).count() == 1  # "done" alone adds no note

    response = post_json(client, f"/api/v1/tasks/{tid}/notes", {"progress": 150})
    assert errors(response) == {"progress": "Phải nhỏ hơn hoặc bằng 100."}
    response = post_json(client, f"/api/v1/tasks/{tid}/notes", {})
    assert errors(response) == {"text": "Nội dung: hãy ghi tiến độ, đính kèm tệp hoặc báo hoàn thành."}

    detail = client.get(f"/api/v1/tasks/{tid}").json()
    assert len(detail["notes"]) == 1 and detail["member"]["id"] == cast.member.pk


def test_a_member_may_not_act_on_someone_elses_task_nor_evaluate_their_own(cast, held, given, api_as):  # noqa: F811
    client = api_as(cast.member_user)
    own, other = given["member"].pk, given["secretary"].pk
    # Someone else's task: invisible to a plain member (404); a reader who is not its assignee: 403.
    assert post_json(client, f"/api/v1/tasks/{other}/notes", {"text": "Hộ"}).status_code == 404
    response = post_json(api_as(cast.supervisor), f"/api/v1/tasks/{other}/notes", {"text": "Hộ"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn chỉ được cập nhật nhiệm vụ của chính mình."}
    # Their own task: reported, but evaluated and edited only by the cell's writers.
    response = post_json(client, f"/api/v1/tasks/{own}/evaluate", {"outcome": "done"})
    assert response.status_code == 403 and "đánh giá" in response.json()["detail"]
    assert patch_json(client, f"/api/v1/tasks/{own}", {"text": "Việc nhẹ hơn"}).status_code == 403
    task = Task.objects.get(pk=own)
    assert (task.status, task.text, task.evaluated_at) == (TaskStatus.ASSIGNED, FUND, None)


def test_the_leader_edits_and_evaluates_and_carries_over(cast, held, given, task_rules, api_as):  # noqa: F811
    client = api_as(cast.leader_user)
    april = hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
    sec, an = given["secretary"].pk, given["member"].pk
    response = patch_json(client, f"/api/v1/tasks/{sec}", {"due_on": "2025-04-05"})
    assert response.status_code == 200 and response.json()["due_on"] == "2025-04-05"
    response = patch_json(client, f"/api/v1/tasks/{sec}", {"due_on": "2025-03-01"})
    assert errors(response) == {"due_on": "Hạn hoàn thành: không được trước ngày sinh hoạt 05/03/2025."}

    url = f"/api/v1/tasks/{sec}/evaluate"
    response = post_json(client, url, {"outcome": "done", "evaluation": "Tốt", "meeting_id": april.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["progress"], body["evaluation"], body["evaluated_in_id"]) == (
        "done", 100, "Tốt", april.pk,
    )  # fmt: skip
    assert body["evaluated_at"] and body["can_evaluate"] is True
    response = post_json(client, url, {"outcome": "not_done"})
    assert errors(response) == {"__all__": "Nhiệm vụ đã được chi bộ đánh giá; không cập nhật được nữa."}

    url = f"/api/v1/tasks/{an}/evaluate"
    assert errors(post_json(client, url, {"outcome": "assigned"}))["outcome"].startswith(
        "Giá trị không hợp lệ"
    )
    response = post_json(client, url, {"outcome": "carried_over", "meeting_id": april.pk})
    assert errors(response) == {
        "new_due_on": "Hạn mới: nhiệm vụ chuyển kỳ sau cần hạn hoàn thành mới (dd/mm/yyyy)."
    }
    other_cell_meeting = make_meeting(cast.other_cell, task_rules)
    response = post_json(client, url, {"outcome": "done", "meeting_id": other_cell_meeting.pk})
    assert errors(response) == {
        "meeting_id": f"Không tìm thấy buổi sinh hoạt id {other_cell_meeting.pk} của chi bộ này."
    }
    response = post_json(
        client, url, {"outcome": "carried_over", "new_due_on": "2025-04-30", "meeting_id": april.pk}
    )
    assert response.status_code == 200
    follow = Task.objects.get(pk=response.json()["carried_to_id"])
    assert (follow.meeting, follow.member, follow.due_on, follow.carried_from_id) == (
        april, cast.member, dt.date(2025, 4, 30), an,
    )  # fmt: skip
    # Evaluated tasks are locked for edits too.
    assert patch_json(client, f"/api/v1/tasks/{an}", {"text": "Sửa"}).status_code == 422


# ---------------------------------------------------------------- T5 coverage


def test_the_coverage_of_a_meeting_lists_gaps_retired_and_exempt_members(cast, task_rules, api_as):  # noqa: F811
    retired = make_member(cast.cell, full_name="Vũ Văn Hưu", work_status=WorkStatus.RETIRED)
    elder = make_member(cast.cell, full_name="Ngô Văn Cao")
    exemption_create(member=elder, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao, sức yếu", by=SYSTEM)
    meeting = open_meeting(cast, task_rules, local(2025, 3, 5, 19, 30))
    client = api_as(cast.leader_user)
    url = f"/api/v1/meetings/{meeting.pk}/task-coverage"
    body = client.get(url).json()
    assert (body["numerator"], body["denominator"], body["rate"], body["day"]) == (0, 2, 0.0, "2025-03-05")
    assert {p["full_name"] for p in body["gaps"]} == {"Trần Thị Bình", "Lê Văn An"}
    assert body["not_working"] == [{"id": retired.pk, "full_name": "Vũ Văn Hưu"}]
    assert body["exempt"] == [{"id": elder.pk, "full_name": "Ngô Văn Cao"}]

    # While the meeting runs, the tasks it gives already count.
    post_json(client, f"/api/v1/meetings/{meeting.pk}/tasks",
              {"member_ids": [cast.member.pk], "text": FUND, "due_on": "2025-03-31"})  # fmt: skip
    body = client.get(url).json()
    assert (body["numerator"], body["denominator"], body["rate"]) == (1, 2, 50.0)
    assert [p["id"] for p in body["covered"]] == [cast.member.pk]
    assert [p["id"] for p in body["gaps"]] == [cast.secretary.pk]

    assert api_as(cast.staff).get(url).status_code == 200
    response = api_as(cast.member_user).get(url)
    assert response.status_code == 403 and "chỉ cấp ủy chi bộ" in response.json()["detail"]


def test_lists_read_a_bounded_number_of_queries(cast, held, given, api_as):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(cast.leader_user)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.resolution_approve(resolution=given["resolution"], by=cast.leader_user)
    queries("/api/v1/tasks")  # the first call of a token also records its use
    few = (queries("/api/v1/tasks"), queries("/api/v1/resolutions"))
    for i in range(10):
        services.task_assign(
            meeting=held, members=[cast.secretary, cast.member], text=f"Việc {i}", due_on=dt.date(2025, 3, 31),
            by=cast.leader_user,
        )  # fmt: skip
    assert queries("/api/v1/tasks") == few[0]
    assert queries("/api/v1/resolutions") == few[1]
