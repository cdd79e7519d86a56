"""/api/v1/meetings: scoping (401/403/404), the whole run of a meeting, and bad input (422)."""

import pytest
from django.test import Client

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus, Minutes, MinutesStatus
from chibo.meetings.services.minutes import minutes_approve, minutes_build
from chibo.meetings.services.running import attendance_mark_all_present, meeting_close
from tests.api.conftest import patch_json, post_json
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import local, opened, planned

BASE = "/api/v1/meetings"


def audited(model: str, user) -> list[str]:
    return list(
        AuditEntry.objects.filter(model=model, user=user).order_by("pk").values_list("action", flat=True)
    )


def approved_meeting(cast, rules) -> Meeting:
    """A held meeting with approved minutes, recorded through the services."""
    meeting = opened(cast, rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    meeting = meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 30), by=cast.leader_user)
    minutes_approve(
        minutes=minutes_build(meeting=meeting, by=cast.leader_user), confirmed=True, by=cast.leader_user
    )
    return meeting


def every_call(meeting: Meeting, member_id: int) -> list[tuple[str, str, dict | None]]:
    m = f"{BASE}/{meeting.pk}"
    return [
        ("get", m, None),
        ("post", f"{m}/open", {}),
        ("post", f"{m}/close", {"ended_at": "2025-03-05T21:30"}),
        ("get", f"{m}/attendance", None),
        ("patch", f"{m}/attendance/{member_id}", {"status": "present"}),
        ("post", f"{m}/attendance/mark-all-present", None),
        ("get", f"{m}/votes", None),
        ("post", f"{m}/votes", {"motion": "Thông qua nghị quyết tháng 3", "in_favour": 1}),
        ("get", f"{m}/minutes", None),
        ("patch", f"{m}/minutes", {"body": "Sửa"}),
        ("post", f"{m}/minutes/build", {}),
        ("post", f"{m}/minutes/approve", {"confirm": True}),
        ("patch", f"{m}/times", {"started_at": "2025-03-05T19:40"}),
        ("post", f"{m}/minutes/amendments", {"text": "Sửa tên", "reason": "Ghi nhầm"}),
    ]


def call(client: Client, method: str, url: str, data: dict | None):
    if method == "get":
        return client.get(url)
    if method == "patch":
        return patch_json(client, url, data or {})
    return post_json(client, url, data) if data is not None else client.post(url)


def new_meeting(cast, **overrides) -> dict:
    return {"cell": cast.cell.pk, "kind": "regular", "scheduled_at": "2025-04-08T19:30", **overrides}


# ---------------------------------------------------------------- scoping


def test_no_token_is_401_everywhere(cast, run_rules):
    meeting = approved_meeting(cast, run_rules)
    client = Client()
    for method, url, data in [("get", BASE, None), ("post", BASE, new_meeting(cast))] + every_call(
        meeting, cast.member.pk
    ):
        response = call(client, method, url, data)
        assert response.status_code == 401, (method, url)
        assert "Chưa xác thực" in response.json()["detail"]


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_another_ward_or_cell_gets_404_everywhere_and_sees_nothing_listed(cast, run_rules, api_as, who):
    meeting = approved_meeting(cast, run_rules)
    client = api_as(getattr(cast, who))
    for method, url, data in every_call(meeting, cast.member.pk):
        response = call(client, method, url, data)
        assert response.status_code == 404, (method, url, response.content)
        assert response.json() == {"detail": "Không tìm thấy buổi sinh hoạt."}
    assert client.get(BASE).json() == {"items": [], "count": 0}
    assert client.get(f"{BASE}?org={cast.ward.pk}").json()["count"] == 0
    # Planning in a cell the caller cannot see is bad input that reveals nothing.
    response = post_json(client, BASE, new_meeting(cast))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "cell", "message": f"Không tìm thấy chi bộ có id {cast.cell.pk}."}
    ]


def test_supervisor_reads_everything_but_every_write_is_403(cast, run_rules, api_as):
    meeting = approved_meeting(cast, run_rules)
    client = api_as(cast.supervisor)
    before = AuditEntry.objects.count()
    for method, url, data in every_call(meeting, cast.member.pk):
        response = call(client, method, url, data)
        expected = 200 if method == "get" else 403
        assert response.status_code == expected, (method, url, response.content)
    response = post_json(client, BASE, new_meeting(cast))
    assert response.status_code == 403
    assert AuditEntry.objects.count() == before
    assert client.get(f"{BASE}/{meeting.pk}/attendance").json()["count"] == 2


def test_plain_member_reads_the_meeting_and_approved_minutes_but_not_the_roll_call(cast, run_rules, api_as):
    meeting = opened(cast, run_rules)
    client = api_as(cast.member_user)
    body = client.get(f"{BASE}/{meeting.pk}").json()
    assert body["status"] == "open" and body["can_write"] is False
    assert client.get(BASE).json()["count"] == 1
    for url in (f"{BASE}/{meeting.pk}/attendance", f"{BASE}/{meeting.pk}/votes"):
        response = client.get(url)
        assert response.status_code == 403
        assert "điểm danh" in response.json()["detail"]
    assert client.get(f"{BASE}/{meeting.pk}/minutes").json() == {"detail": "Buổi sinh hoạt chưa có biên bản."}
    minutes = minutes_build(meeting=meeting, by=cast.leader_user)
    response = client.get(f"{BASE}/{meeting.pk}/minutes")
    assert response.status_code == 403 and "dự thảo" in response.json()["detail"]
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    meeting_close(meeting=meeting, ended_at=local(2025, 3, 5, 21, 30), by=cast.leader_user)
    minutes_approve(minutes=minutes, confirmed=True, by=cast.leader_user)
    response = client.get(f"{BASE}/{meeting.pk}/minutes")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    for method, url, data in every_call(meeting, cast.member.pk):
        if method != "get":
            assert call(client, method, url, data).status_code == 403, (method, url)


def test_committee_staff_of_the_ward_may_run_the_cells_meetings(cast, run_rules, api_as):
    meeting = planned(cast, run_rules)
    response = post_json(api_as(cast.staff), f"{BASE}/{meeting.pk}/open", {"started_at": "2025-03-05T19:35"})
    assert response.status_code == 200, response.content
    assert response.json()["started_at"] == "2025-03-05T19:35:00+07:00"


# ---------------------------------------------------------------- the whole run


def test_open_mark_vote_close_build_approve_amend_through_the_api(cast, run_rules, api_as):
    leader = cast.leader_user
    client = api_as(leader)
    response = post_json(client, BASE, new_meeting(cast, place="Nhà văn hóa tổ 1", topic="Tháng 4"))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "planned" and created["rule_set_code"] == "RUN-TEST"
    assert created["scheduled_at"] == "2025-04-08T19:30:00+07:00"
    m = f"{BASE}/{created['id']}"

    response = post_json(
        client,
        f"{m}/open",
        {"started_at": "2025-04-08T19:30", "chair": cast.secretary.pk, "minute_taker": cast.secretary.pk},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "open"
    assert body["chair"] == {"id": cast.secretary.pk, "full_name": "Trần Thị Bình"}
    assert [s["title"] for s in body["steps"]][:2] == [
        "Nêu mục đích, giới thiệu đại biểu",
        "Điểm danh đảng viên",
    ]

    lines = client.get(f"{m}/attendance").json()
    assert lines["count"] == 2
    by_id = {line["member_id"]: line for line in lines["items"]}
    assert by_id[cast.secretary.pk]["status"] == "present"  # the chair was marked present
    assert by_id[cast.member.pk]["status"] is None and by_id[cast.member.pk]["full_name"] == "Lê Văn An"

    response = post_json(client, f"{m}/attendance/mark-all-present", {})
    assert response.json() == {"changed": 1}
    response = patch_json(client, f"{m}/attendance/{cast.member.pk}", {"arrived_late_at": "2025-04-08T19:50"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "present"
    assert response.json()["arrived_late_at"] == "2025-04-08T19:50:00+07:00"

    response = post_json(client, f"{m}/votes", {"motion": "Thông qua nghị quyết tháng 4", "in_favour": 2})
    assert response.status_code == 201, response.content
    vote = response.json()
    assert (vote["entitled"], vote["passed"], vote["needed"]) == (2, True, 2)
    assert client.get(f"{m}/votes").json()["items"][0]["id"] == vote["id"]

    response = post_json(client, f"{m}/close", {"ended_at": "2025-04-08T21:15:00+07:00"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "held" and response.json()["ended_at"] == "2025-04-08T21:15:00+07:00"

    response = post_json(client, f"{m}/minutes/build", {})
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and "Lê Văn An" in draft["body"] and draft["number"] == "01-BB/CB"
    assert post_json(client, f"{m}/minutes/build", {}).status_code == 200  # posted twice: same draft

    response = patch_json(client, f"{m}/minutes", {"body": draft["body"] + "Bổ sung ý kiến.\n"})
    assert response.status_code == 200 and response.json()["body"].endswith("Bổ sung ý kiến.\n")

    response = post_json(client, f"{m}/minutes/approve", {"confirm": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and response.json()["approved_by"] == "bithu"

    response = post_json(
        client, f"{m}/minutes/amendments", {"text": "Sửa giờ kết thúc: 21:20", "reason": "Ghi nhầm"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["created_by"] == "bithu"
    amendments = client.get(f"{m}/minutes").json()["amendments"]
    assert [a["reason"] for a in amendments] == ["Ghi nhầm"]

    meeting = Meeting.objects.get(pk=created["id"])
    assert meeting.status == MeetingStatus.HELD and meeting.ended_at == local(2025, 4, 8, 21, 15)
    assert meeting.chair == cast.secretary and meeting.checkin_token == ""
    assert set(meeting.attendances.values_list("status", flat=True)) == {AttendanceStatus.PRESENT}
    assert meeting.minutes.status == MinutesStatus.APPROVED and meeting.minutes.amendments.count() == 1
    assert audited("meetings.meeting", leader)[0] == "create"
    assert audited("meetings.meeting", leader).count("update") >= 3  # open, officers, close
    assert audited("meetings.attendance", leader) == ["update", "update"]  # mark-all, late arrival
    assert audited("meetings.vote", leader) == ["create"]
    assert audited("meetings.minutes", leader) == ["create", "update", "update"]  # build, edit, approve
    assert audited("meetings.minutesamendment", leader) == ["create"]


# ---------------------------------------------------------------- bad input


def test_second_regular_meeting_in_a_month_needs_a_reason(cast, run_rules, api_as):
    client = api_as(cast.leader_user)
    assert post_json(client, BASE, new_meeting(cast)).status_code == 201
    response = post_json(client, BASE, new_meeting(cast, scheduled_at="2025-04-22T19:30"))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "extra_reason"
    assert "đã có buổi sinh hoạt thường kỳ ngày 08/04/2025 trong tháng 04/2025" in error["message"]
    response = post_json(
        client, BASE, new_meeting(cast, scheduled_at="2025-04-22T19:30", extra_reason="Bầu cử bổ sung")
    )
    assert response.status_code == 201 and response.json()["extra_reason"] == "Bầu cử bổ sung"
    assert Meeting.objects.filter(cell=cast.cell).count() == 2


def test_times_are_iso_and_end_before_start_is_refused(cast, run_rules, api_as):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    client = api_as(cast.leader_user)
    response = post_json(client, f"{BASE}/{meeting.pk}/close", {"ended_at": "2025-03-05T19:00"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "ended_at" and "phải sau giờ bắt đầu (19:30 ngày 05/03/2025)" in error["message"]
    for bad in (1741180000, "05/03/2025 21:00", "2025-13-05T21:00", "0001-01-01T00:00", "9999-12-31T23:59"):
        response = post_json(client, f"{BASE}/{meeting.pk}/close", {"ended_at": bad})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "ended_at"
        assert response.json()["errors"][0]["message"].startswith("Thời điểm không hợp lệ")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN


def test_more_votes_than_voters_present_is_a_422_naming_the_counts(cast, run_rules, api_as):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    response = post_json(
        api_as(cast.leader_user),
        f"{BASE}/{meeting.pk}/votes",
        {"motion": "Thông qua nghị quyết", "in_favour": 2, "against": 1, "abstain": 0},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["in_favour", "against", "abstain"]
    assert "= 3, nhiều hơn số đảng viên có mặt có quyền biểu quyết (2)" in errors[0]["message"]
    assert not meeting.votes.exists()


def test_roll_call_lines_are_checked_by_the_service(cast, run_rules, api_as):
    meeting = opened(cast, run_rules)
    client = api_as(cast.leader_user)
    url = f"{BASE}/{meeting.pk}/attendance/{cast.member.pk}"
    response = patch_json(client, url, {"status": "excused"})
    assert response.json()["errors"] == [
        {"field": "reason", "message": "Lý do vắng: không được để trống khi vắng có lý do."}
    ]
    response = patch_json(client, url, {"status": "present", "arrived_late_at": "2025-03-05T19:00"})
    assert response.json()["errors"][0]["field"] == "arrived_late_at"
    response = patch_json(client, url, {"status": "excused", "reason": "Ốm", "accepted_by": "Bí thư"})
    assert response.status_code == 200
    line = Attendance.objects.get(meeting=meeting, member=cast.member)
    assert (line.status, line.reason, line.accepted_by) == ("excused", "Ốm", "Bí thư")
    assert patch_json(client, f"{BASE}/{meeting.pk}/attendance/{cast.staff.pk + 999}", {}).status_code == 404


def test_a_planned_meeting_records_nothing_yet(cast, run_rules, api_as):
    meeting = planned(cast, run_rules)
    client = api_as(cast.leader_user)
    response = post_json(client, f"{BASE}/{meeting.pk}/votes", {"motion": "Nghị quyết", "in_favour": 0})
    assert response.status_code == 422 and "chưa bắt đầu" in response.json()["errors"][0]["message"]
    response = post_json(client, f"{BASE}/{meeting.pk}/open", {"chair": cast.staff.pk + 999})
    assert response.json()["errors"][0]["field"] == "chair"
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_approved_minutes_are_locked(cast, run_rules, api_as):
    meeting = approved_meeting(cast, run_rules)
    client = api_as(cast.leader_user)
    body = Minutes.objects.get(meeting=meeting).body
    response = patch_json(client, f"{BASE}/{meeting.pk}/minutes", {"body": "Viết lại"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "body" and "đã được thông qua và đã khóa" in error["message"]
    response = post_json(client, f"{BASE}/{meeting.pk}/minutes/build", {"rebuild": True})
    assert response.status_code == 422 and "đã được thông qua" in response.json()["errors"][0]["message"]
    response = post_json(client, f"{BASE}/{meeting.pk}/minutes/approve", {"confirm": True})
    assert response.status_code == 422 and "đã được thông qua" in response.json()["errors"][0]["message"]
    response = patch_json(client, f"{BASE}/{meeting.pk}/times", {"ended_at": "2025-03-05T21:40"})
    assert response.status_code == 422 and "đính chính" in response.json()["errors"][0]["message"]
    # The roll call and votes are locked with the minutes.
    response = patch_json(client, f"{BASE}/{meeting.pk}/attendance/{cast.member.pk}", {"status": "unexcused"})
    assert response.status_code == 422 and "đính chính" in response.json()["errors"][0]["message"]
    response = post_json(client, f"{BASE}/{meeting.pk}/minutes/amendments", {"text": "", "reason": " "})
    assert {e["field"] for e in response.json()["errors"]} == {"text", "reason"}
    assert Minutes.objects.get(meeting=meeting).body == body


# ---------------------------------------------------------------- lists


def test_list_filters_and_pagination(cast, run_rules, api_as):
    from tests.meetings.conftest import make_meeting

    march = planned(cast, run_rules)
    april = make_meeting(cast.cell, run_rules, when=local(2025, 4, 2, 19, 30))
    thematic = make_meeting(cast.cell, run_rules, when=local(2025, 4, 30, 23, 30), kind="thematic")
    other = make_meeting(cast.cell2, run_rules, when=local(2025, 4, 10, 19, 30), status=MeetingStatus.HELD)
    client = api_as(cast.staff)

    def ids(query: str = "") -> list[int]:
        return [m["id"] for m in client.get(f"{BASE}{query}").json()["items"]]

    assert ids() == [thematic.pk, other.pk, april.pk, march.pk]  # newest first
    assert ids(f"?org={cast.ward.pk}") == ids()
    assert ids(f"?org={cast.cell2.pk}") == [other.pk] == ids(f"?cell={cast.cell2.pk}")
    assert ids("?kind=thematic") == [thematic.pk]
    assert ids("?status=held") == [other.pk]
    # Local dates: 23:30 on 30/04 in Hà Nội is 16:30 UTC, still April.
    assert ids("?date_from=2025-04-01&date_to=2025-04-30") == [thematic.pk, other.pk, april.pk]
    assert ids("?date_to=2025-04-29") == [other.pk, april.pk, march.pk]
    page = client.get(f"{BASE}?limit=2&offset=1").json()
    assert page["count"] == 4 and [m["id"] for m in page["items"]] == [other.pk, april.pk]
    assert client.get(f"{BASE}?date_from=0001-01-01&date_to=9999-12-31").json()["count"] == 4
    assert client.get(f"{BASE}?date_from=01/04/2025").status_code == 422
    assert client.get(f"{BASE}?kind=weekly").status_code == 422
    # A cell leader sees only their own cell.
    assert [m["id"] for m in api_as(cast.leader_user).get(BASE).json()["items"]] == [
        thematic.pk,
        april.pk,
        march.pk,
    ]


def test_the_list_filters_by_cell_code_within_what_the_caller_sees(cast, run_rules, api_as):
    from tests.meetings.conftest import make_meeting

    ours = planned(cast, run_rules)
    theirs = make_meeting(cast.other_cell, run_rules, when=local(2025, 4, 10, 19, 30))

    def ids(user, code: str) -> list[int]:
        response = api_as(user).get(BASE, {"cell_code": code})
        assert response.status_code == 200
        return [m["id"] for m in response.json()["items"]]

    assert ids(cast.staff, "BD-01") == [ours.pk]
    assert ids(cast.staff, "BD-02") == []
    assert ids(cast.outsider, "HK-09") == [theirs.pk]
    # Another ward's cell, named by its code, reveals nothing.
    assert ids(cast.staff, "HK-09") == [] and ids(cast.outsider, "BD-01") == []
    assert ids(cast.sibling_leader, "BD-01") == []


def test_an_unknown_query_parameter_is_a_422_naming_it_not_ignored(cast, run_rules, api_as):
    meeting = planned(cast, run_rules)
    client = api_as(cast.staff)
    response = client.get(BASE, {"cel_code": "BD-02", "limit": 5})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "cel_code"
    assert error["message"].startswith("Tham số «cel_code» không được hỗ trợ; các tham số dùng được: cell, ")
    assert "cell_code" in error["message"] and "limit" in error["message"]
    # An operation without query parameters says so; writes are checked the same way.
    detail = client.get(f"{BASE}/{meeting.pk}", {"fields": "id"})
    assert detail.status_code == 422
    assert "không nhận tham số truy vấn nào" in detail.json()["errors"][0]["message"]
    assert post_json(client, f"{BASE}?dry_run=1", new_meeting(cast)).status_code == 422
    assert Meeting.objects.count() == 1
    # Authentication still comes first.
    assert Client().get(BASE, {"cel_code": "BD-02"}).status_code == 401


def test_detail_hides_unpublished_materials_from_readers(cast, run_rules, api_as):
    from chibo.meetings.models import MeetingMaterial

    meeting = planned(cast, run_rules)
    MeetingMaterial.objects.create(meeting=meeting, title="Dự thảo nghị quyết")
    MeetingMaterial.objects.create(
        meeting=meeting, title="Báo cáo tháng", published_at=local(2025, 3, 3, 8, 0)
    )
    titles = lambda user: [m["title"] for m in api_as(user).get(f"{BASE}/{meeting.pk}").json()["materials"]]  # noqa: E731
    assert titles(cast.leader_user) == ["Dự thảo nghị quyết", "Báo cáo tháng"]
    assert titles(cast.member_user) == ["Báo cáo tháng"]


# ---------------------------------------------------------------- schema


def test_schema_lists_the_meeting_operations_with_their_error_answers(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    ops = {
        (method, path): op
        for path, methods in schema["paths"].items()
        if path.startswith(BASE)
        for method, op in methods.items()
    }
    assert {op["operationId"] for op in ops.values()} == {
        "meeting_list",
        "meeting_create",
        "meeting_detail",
        "meeting_open",
        "meeting_close",
        "meeting_set_times",
        "attendance_list",
        "attendance_mark",
        "attendance_mark_all_present",
        "vote_list",
        "vote_record",
        "minutes_detail",
        "minutes_update",
        "minutes_build",
        "minutes_approve",
        "minutes_amend",
        "resolution_build",
        "task_assign",
        "task_coverage",
    }
    for (method, path), op in ops.items():
        codes = set(op["responses"])
        assert {"401", "404", "422"} <= codes, (method, path)
        if method != "get" or path.endswith(("/attendance", "/votes", "/minutes")):
            assert "403" in codes, (method, path)


def test_lists_use_a_fixed_number_of_queries(cast, run_rules, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chibo.meetings.services.running import vote_record
    from tests.factories import make_member
    from tests.meetings.conftest import make_meeting

    def count(client, url) -> int:
        client.get(url)  # warm up: last_used_at is written on the first call only
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client = api_as(cast.staff)
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    vote_record(meeting=meeting, kind="resolution", motion="A", in_favour=1, against=0, abstain=0, by=SYSTEM)
    m = f"{BASE}/{meeting.pk}"
    urls = [BASE, f"{m}/attendance", f"{m}/votes", m]
    few = {url: count(client, url) for url in urls}
    for n in range(6):
        make_member(cast.cell)
        make_meeting(cast.cell2, run_rules, when=local(2025, 1 + n, 9, 19, 30))
    other = opened(cast, run_rules, when=local(2025, 8, 5, 19, 30), started_at=local(2025, 8, 5, 19, 30))
    attendance_mark_all_present(meeting=other, by=cast.leader_user)
    for n in range(3):
        vote_record(meeting=other, kind="other", motion=f"B{n}", in_favour=1, against=0, abstain=0, by=SYSTEM)
    m = f"{BASE}/{other.pk}"
    many = {
        url.replace(f"/{meeting.pk}", f"/{other.pk}"): count(
            client, url.replace(f"/{meeting.pk}", f"/{other.pk}")
        )
        for url in urls
    }
    assert list(many.values()) == list(few.values())


def test_open_needs_no_body(cast, run_rules, api_as):
    meeting = planned(cast, run_rules)
    # An empty body, as `curl -X POST` sends it.
    response = api_as(cast.leader_user).post(f"{BASE}/{meeting.pk}/open", content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert Attendance.objects.filter(meeting=meeting).count() == 2
