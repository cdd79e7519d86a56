"""The secretary's screens for running a meeting: allow and deny on each, and what they do."""

import pytest
from django.urls import reverse
from django.utils import timezone

from chibo.meetings.models import AttendanceStatus, MeetingStatus, MotionKind, Vote
from chibo.meetings.services.running import attendance_mark_all_present, guest_add, speech_add, vote_record
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import opened, planned

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast, run_rules):
    meeting = opened(cast, run_rules)
    attendance_mark_all_present(meeting=meeting, by=cast.leader_user)
    guest = guest_add(meeting=meeting, name="Phạm Văn Khách", by=cast.leader_user)
    speech = speech_add(meeting=meeting, member=cast.member, gist="Ý kiến", by=cast.leader_user)
    vote = vote_record(
        meeting=meeting,
        kind=MotionKind.OTHER,
        motion="Thử",
        in_favour=1,
        against=0,
        abstain=0,
        by=cast.leader_user,
    )
    meeting.objs = {"guest": guest, "speech": speech, "vote": vote, "step": meeting.steps.first()}
    return meeting


def u(name, *args):
    return reverse(f"meetings:{name}", args=args)


GET_PAGES = {
    "run": lambda m: u("run", m.pk),
    "roll call": lambda m: u("roll_call", m.pk),
    "votes": lambda m: u("votes", m.pk),
    "qr": lambda m: u("qr", m.pk),
    "invitations": lambda m: u("print_invitations", m.pk),
    "roll-call sheet": lambda m: u("print_roll_call", m.pk),
}
# POSTs with harmless data: a deny must happen before anything is read.
POST_PAGES = {
    "open": lambda m: u("open", m.pk),
    "officers": lambda m: u("officers", m.pk),
    "close": lambda m: u("close", m.pk),
    "times": lambda m: u("times", m.pk),
    "step": lambda m: u("step", m.pk, m.objs["step"].pk),
    "speech add": lambda m: u("speech_add", m.pk),
    "speech delete": lambda m: u("speech_delete", m.pk, m.objs["speech"].pk),
    "attendance": lambda m: u("attendance", m.pk, m.attendances.first().pk),
    "mark all": lambda m: u("mark_all_present", m.pk),
    "guest add": lambda m: u("guest_add", m.pk),
    "guest delete": lambda m: u("guest_delete", m.pk, m.objs["guest"].pk),
    "vote delete": lambda m: u("vote_delete", m.pk, m.objs["vote"].pk),
}


def statuses(client, meeting):
    result = {name: client.get(url(meeting)).status_code for name, url in GET_PAGES.items()}
    result.update({name: client.post(url(meeting), {}).status_code for name, url in POST_PAGES.items()})
    return result


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_users_of_a_sibling_organisation_get_404_everywhere(cast, meeting, as_user, who):
    got = statuses(as_user(getattr(cast, who)), meeting)
    assert got == dict.fromkeys(got, 404)


@pytest.mark.parametrize("who", ["member_user", "supervisor"])
def test_members_and_supervisors_see_the_meeting_but_get_403_on_the_secretarys_screens(
    cast, meeting, as_user, who
):
    got = statuses(as_user(getattr(cast, who)), meeting)
    assert got == dict.fromkeys(got, 403)
    assert Vote.objects.filter(meeting=meeting).count() == 1


@pytest.mark.parametrize("who", ["leader_user", "staff"])
def test_the_cell_leader_and_the_ward_staff_may_use_every_screen(cast, meeting, as_user, who):
    client = as_user(getattr(cast, who))
    for name, url in GET_PAGES.items():
        assert client.get(url(meeting)).status_code == 200, name


def test_the_leader_opens_a_planned_meeting_from_the_run_screen(cast, run_rules, as_user):
    meeting = planned(cast, run_rules)
    client = as_user(cast.leader_user)
    page = client.get(u("run", meeting.pk))
    assert "Bắt đầu buổi sinh hoạt" in page.text and "05/03/2025" in page.text
    response = client.post(
        u("open", meeting.pk),
        {"day": "05/03/2025", "start": "19:35", "chair": cast.secretary.pk, "minute_taker": cast.member.pk},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN and meeting.chair == cast.secretary
    assert timezone.localtime(meeting.started_at).strftime("%d/%m/%Y %H:%M") == "05/03/2025 19:35"
    # posted twice: still open, same start
    assert client.post(u("open", meeting.pk), {"day": "05/03/2025", "start": "20:00"}).status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.started_at).strftime("%H:%M") == "19:35"


def test_a_bad_start_time_is_named_in_vietnamese(cast, run_rules, as_user):
    meeting = planned(cast, run_rules)
    response = as_user(cast.leader_user).post(u("open", meeting.pk), {"day": "05/03/2025", "start": "25:99"})
    assert response.status_code == 200
    assert "Bắt đầu lúc: giờ không hợp lệ" in response.context["officers_form"].errors["start"][0]


def test_a_step_is_marked_done_with_htmx_and_without_javascript(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    step = meeting.objs["step"]
    partial = client.post(
        u("step", meeting.pk, step.pk), {"done": "1", "notes": "Đã nêu"}, HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200 and "✓ Đã xong" in partial.text and "<html" not in partial.text
    step.refresh_from_db()
    assert step.done and step.notes == "Đã nêu"
    plain = client.post(u("step", meeting.pk, step.pk), {"done": "0", "notes": "Đã nêu"})
    assert plain.status_code == 302 and plain.url.endswith(f"#buoc-{step.order}")
    step.refresh_from_db()
    assert not step.done


def _section(html: str, marker: str, end: str = "</section>") -> str:
    start = html.index(marker)
    return html[start : html.index(end, start)]


def test_the_run_page_is_a_sequence_from_the_first_step_not_done(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    steps = list(meeting.steps.order_by("order"))
    for step in steps[:2]:
        step.done = True
        step.save(update_fields=["done"])
    page = client.get(u("run", meeting.pk)).text
    progress = _section(page, 'id="tien-do"', "</a>")
    assert "Bước 3/5" in progress and steps[2].title in progress and 'value="2"' in progress
    assert f'href="#buoc-{steps[2].order}"' in progress
    current = _section(page, 'class="step current"', "</li>")
    assert f'id="buoc-{steps[2].order}"' in current and "Xong bước này" in current
    done = _section(page, 'class="steps-done"', 'class="step current"')
    assert "Đã xong 2 bước" in done and steps[0].title in done and steps[1].title in done
    assert page.count('class="step current"') == 1


def test_marking_the_current_step_done_moves_to_the_next_without_javascript(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    first, second = meeting.steps.order_by("order")[:2]
    response = client.post(u("step", meeting.pk, first.pk), {"done": "1", "notes": ""})
    assert response.status_code == 302 and response.url.endswith(f"#buoc-{second.order}")
    page = client.get(response.url).text
    assert "Bước 2/5" in page and f'class="step current" id="buoc-{second.order}"' in page
    # Saving a note on a step done stays on it, opened, and leaves it done.
    noted = client.post(u("step", meeting.pk, first.pk), {"notes": "Có 2 đại biểu"})
    assert noted.url.endswith(f"#buoc-{first.order}")
    first.refresh_from_db()
    assert first.done and first.notes == "Có 2 đại biểu"


def test_with_htmx_a_step_swaps_the_sequence_and_the_progress(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    first, second = meeting.steps.order_by("order")[:2]
    partial = client.post(u("step", meeting.pk, first.pk), {"done": "1", "notes": ""}, HTTP_HX_REQUEST="true")
    html = partial.text
    assert "<html" not in html and html.lstrip().startswith('<section class="card" id="cac-buoc">')
    assert f'class="step current" id="buoc-{second.order}"' in html
    assert 'id="tien-do"' in html and 'data-hx-swap-oob="true"' in html and "Bước 2/5" in html
    # The notes of a step done, saved with htmx: its line and the folded group come back open.
    noted = client.post(u("step", meeting.pk, first.pk), {"notes": "Ghi thêm"}, HTTP_HX_REQUEST="true").text
    assert '<details class="steps-done" open>' in noted and '<details class="step-fold" open>' in noted


def test_when_every_step_is_done_the_page_says_so_and_points_to_the_close(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    meeting.steps.update(done=True)
    page = client.get(u("run", meeting.pk)).text
    assert "Đã xong 5/5 bước" in page and "Đã xong tất cả 5 bước." in page and 'href="#ket-thuc"' in page
    assert 'class="step current"' not in page
    last = meeting.steps.order_by("order").last()
    response = client.post(u("step", meeting.pk, last.pk), {"done": "1", "notes": ""})
    assert response.url.endswith("#cac-buoc")


def test_a_sibling_cells_secretary_cannot_mark_a_step(cast, meeting, as_user):
    step = meeting.objs["step"]
    response = as_user(cast.sibling_leader).post(
        u("step", meeting.pk, step.pk), {"done": "1", "notes": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    step.refresh_from_db()
    assert not step.done


def test_the_run_page_opens_the_qr_code_on_its_own_screen(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    page = client.get(u("run", meeting.pk)).text
    assert f'href="{u("qr", meeting.pk)}">Hiện mã QR điểm danh</a>' in page
    assert "<svg" not in page  # the code is drawn on its screen only
    qr = client.get(u("qr", meeting.pk)).text
    screen = _section(qr, 'class="run-page qr-screen"', "</details>")
    assert "<svg" in screen and cast.cell.name in screen and f'href="{u("run", meeting.pk)}"' in screen
    assert meeting.checkin_token in qr


def test_the_roll_call_marks_a_line_with_htmx_and_updates_the_rate(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    client = as_user(cast.leader_user)
    line = meeting.attendances.get(member=cast.member)
    response = client.post(
        u("attendance", meeting.pk, line.pk),
        {"status": "present", "arrived": "19:50"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert (
        'hx-swap-oob="true"' in response.text
        and "Có mặt 1/2" in response.text
        and "đến muộn 19:50" in response.text
    )


def test_absent_with_reason_first_asks_for_the_reason_then_one_tap_records_it(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    line = meeting.attendances.get(member=cast.member)
    client = as_user(cast.leader_user)
    url = u("attendance", meeting.pk, line.pk)
    # Tap 1: "Vắng có lý do" with no reason yet: the line offers the common reasons, no error, nothing saved.
    asked = client.post(url, {"status": "excused", "reason": ""}, HTTP_HX_REQUEST="true")
    assert 'class="line asking"' in asked.text and "không được để trống" not in asked.text
    assert (
        'name="quick" value="Ốm đau"' in asked.text and 'name="quick" value="Tuổi cao, sức yếu"' in asked.text
    )
    line.refresh_from_db()
    assert line.status == ""
    # Tap 2: a common reason records the excused absence with it.
    done = client.post(
        url, {"status": "excused", "asked": "1", "quick": "Đi công tác"}, HTTP_HX_REQUEST="true"
    )
    assert "Vắng có lý do · Đi công tác" in done.text and "Có mặt 0/2" in done.text
    line.refresh_from_db()
    assert line.status == AttendanceStatus.EXCUSED and line.reason == "Đi công tác"


def test_a_reason_typed_in_the_reason_chooser_is_kept_and_an_empty_one_is_named(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    line = meeting.attendances.get(member=cast.member)
    client = as_user(cast.leader_user)
    url = u("attendance", meeting.pk, line.pk)
    typed = {"status": "excused", "asked": "1", "reason": "Đưa cháu đi viện", "accepted_by": "Trần Thị Bình"}
    client.post(url, typed, HTTP_HX_REQUEST="true")
    line.refresh_from_db()
    assert (line.status, line.reason, line.accepted_by) == ("excused", "Đưa cháu đi viện", "Trần Thị Bình")
    # A reason not in the common list is not taken from the button (only the typed text counts).
    other = meeting.attendances.exclude(pk=line.pk).get()
    empty = client.post(
        u("attendance", meeting.pk, other.pk),
        {"status": "excused", "asked": "1", "quick": "Bận"},
        HTTP_HX_REQUEST="true",
    )
    assert 'class="line asking"' in empty.text and "Lý do vắng: không được để trống" in empty.text
    other.refresh_from_db()
    assert other.status == "" and other.reason == ""


def test_without_javascript_the_reason_chooser_is_shown_on_the_roll_call(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    line = meeting.attendances.get(member=cast.member)
    client = as_user(cast.leader_user)
    page = client.post(u("attendance", meeting.pk, line.pk), {"status": "excused", "reason": ""})
    assert page.status_code == 200 and "<html" in page.text
    assert 'name="quick" value="Việc gia đình"' in _line_form(page.text, meeting, line)
    assert page.text.count('name="quick" value="Việc gia đình"') == 1  # on that line only
    done = client.post(u("attendance", meeting.pk, line.pk), {"status": "excused", "quick": "Việc gia đình"})
    assert done.status_code == 302 and done.url.endswith(f"#dd-{line.pk}")
    line.refresh_from_db()
    assert line.status == AttendanceStatus.EXCUSED and line.reason == "Việc gia đình"


def test_a_sibling_cells_secretary_cannot_record_an_excused_absence(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    line = meeting.attendances.get(member=cast.member)
    response = as_user(cast.sibling_leader).post(
        u("attendance", meeting.pk, line.pk), {"status": "excused", "quick": "Ốm đau"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.status == "" and line.reason == ""


def _line_form(html: str, meeting, line) -> str:
    start = html.index(f'action="{u("attendance", meeting.pk, line.pk)}"')
    return html[start : html.index("</form>", start)]


def test_a_refused_line_without_javascript_shows_the_roll_call_as_typed(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    line = meeting.attendances.get(member=cast.member)
    other = meeting.attendances.exclude(pk=line.pk).get()
    data = {"status": "present", "reason": "Đi công tác về muộn", "accepted_by": "Bí thư", "arrived": "19h7x"}
    response = as_user(cast.leader_user).post(u("attendance", meeting.pk, line.pk), data)
    # The roll call again, not a redirect: the line keeps what was typed, with the error on it.
    assert response.status_code == 200
    form = _line_form(response.text, meeting, line)
    assert "Đến muộn lúc: giờ không hợp lệ" in form
    assert 'name="arrived"' in form and 'value="19h7x"' in form
    assert 'value="Đi công tác về muộn"' in form and 'value="Bí thư"' in form
    assert "giờ không hợp lệ" not in _line_form(response.text, meeting, other)
    line.refresh_from_db()
    assert line.status == "" and line.reason == ""
    # With htmx the line alone comes back, also as typed.
    partial = as_user(cast.leader_user).post(
        u("attendance", meeting.pk, line.pk), data, HTTP_HX_REQUEST="true"
    )
    assert 'value="19h7x"' in partial.text and "<html" not in partial.text


def test_a_refused_step_note_without_javascript_is_shown_again_as_typed(cast, meeting, as_user, monkeypatch):
    from django.core.exceptions import ValidationError

    refused = "Biên bản đã được thông qua: không sửa được nữa."

    def locked(**kwargs):
        raise ValidationError(refused)

    monkeypatch.setattr("chibo.meetings.views.running.step_update", locked)
    step = meeting.objs["step"]
    notes = "Chi bộ thống nhất 3 nội dung trọng tâm"
    response = as_user(cast.leader_user).post(u("step", meeting.pk, step.pk), {"notes": notes})
    assert response.status_code == 200
    html = response.text
    start = html.index(f'id="buoc-{step.order}"')
    item = html[start : html.index("</li>", start)]
    assert refused in item and f"{notes}</textarea>" in item
    assert html.count(refused) == 1  # on that step only
    partial = as_user(cast.leader_user).post(
        u("step", meeting.pk, step.pk), {"notes": notes}, HTTP_HX_REQUEST="true"
    )
    assert refused in partial.text and f"{notes}</textarea>" in partial.text
    step.refresh_from_db()
    assert step.notes == ""


def test_one_tap_marks_everyone_present_and_the_page_shows_the_rate(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    client = as_user(cast.leader_user)
    assert "Có mặt tất cả người chưa điểm danh (2)" in client.get(u("roll_call", meeting.pk)).text
    page = client.post(u("mark_all_present", meeting.pk), follow=True)
    assert "Có mặt 2/2" in page.text and "100%" in page.text
    assert set(meeting.attendances.values_list("status", flat=True)) == {AttendanceStatus.PRESENT}


def test_a_vote_form_with_too_many_ballots_names_the_field(cast, meeting, as_user):
    response = as_user(cast.leader_user).post(
        u("votes", meeting.pk),
        {"kind": "resolution", "motion": "Nghị quyết", "in_favour": "3", "against": "0", "abstain": "0"},
    )
    assert response.status_code == 200
    assert "nhiều hơn số đảng viên có mặt" in response.context["form"].errors["in_favour"][0]
    bad = as_user(cast.leader_user).post(
        u("votes", meeting.pk),
        {"kind": "resolution", "motion": "X", "in_favour": "-1", "against": "a", "abstain": "0"},
    )
    assert bad.context["form"].errors["in_favour"] == ["Tán thành: không được là số âm."]
    assert bad.context["form"].errors["against"] == ["Không tán thành: phải là một số nguyên."]


def test_a_recorded_vote_shows_its_result_with_the_numbers(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    client.post(
        u("votes", meeting.pk),
        {
            "kind": "resolution",
            "motion": "Nghị quyết tháng 3",
            "in_favour": "2",
            "against": "0",
            "abstain": "0",
        },
    )
    page = client.get(u("votes", meeting.pk))
    assert "Nghị quyết tháng 3" in page.text and "trên 2 đảng viên có quyền biểu quyết (cần 2)" in page.text
    assert "được thông qua" in page.text


def test_closing_with_an_end_before_the_start_shows_the_error(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    page = client.post(u("close", meeting.pk), {"day": "05/03/2025", "end": "19:00"}, follow=True)
    assert "Kết thúc lúc: phải sau giờ bắt đầu" in page.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    client.post(u("close", meeting.pk), {"day": "05/03/2025", "end": "21:05"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_the_run_screen_shows_the_qr_code_inline_while_open(cast, meeting, as_user):
    page = as_user(cast.leader_user).get(u("qr", meeting.pk))
    assert "<svg" in page.text and meeting.checkin_token in page.text


def test_speeches_are_recorded_from_the_run_screen(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    step = meeting.steps.get(order=3)
    client.post(
        u("speech_add", meeting.pk),
        {"speaker": f"g{meeting.objs['guest'].pk}", "step": step.pk, "gist": "Biểu dương"},
    )
    page = client.get(u("run", meeting.pk))
    assert "Phạm Văn Khách (khách mời)" in page.text and "Biểu dương" in page.text
    empty = client.post(u("speech_add", meeting.pk), {"speaker": "", "gist": ""}, follow=True)
    assert "Người phát biểu: không được để trống." in empty.text


@pytest.mark.parametrize("typed", ["19:35", "19.35", "19,35", "19h35", "1935"])
def test_times_are_read_the_way_phone_keypads_type_them(typed):
    from chibo.meetings.forms import CloseForm

    form = CloseForm({"day": "05/03/2025", "end": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["end"].strftime("%H:%M") == "19:35"


def test_an_impossible_time_is_refused_naming_the_field():
    from chibo.meetings.forms import CloseForm

    form = CloseForm({"day": "05/03/2025", "end": "7 giờ tối"})
    assert form.errors["end"] == [
        "Kết thúc lúc: giờ không hợp lệ; hãy nhập theo dạng HH:MM (24 giờ), ví dụ 19:30."
    ]


def test_a_chair_who_is_not_present_is_refused_on_the_run_screen(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    client = as_user(cast.leader_user)
    page = client.post(
        u("officers", meeting.pk),
        {"day": "05/03/2025", "start": "19:30", "chair": cast.member.pk, "minute_taker": ""},
        follow=True,
    )
    assert "Chủ trì: Lê Văn An chưa được điểm danh có mặt." in page.text
    meeting.refresh_from_db()
    assert meeting.chair is None


def test_a_cancelled_meeting_cannot_be_started(cast, run_rules, as_user):
    meeting = planned(cast, run_rules, status=MeetingStatus.CANCELLED, cancel_reason="Mưa bão")
    client = as_user(cast.leader_user)
    assert "Buổi sinh hoạt đã hủy: Mưa bão." in client.get(u("run", meeting.pk)).text
    page = client.post(u("open", meeting.pk), {"day": "05/03/2025", "start": "19:30"}, follow=True)
    assert "Chỉ bắt đầu được buổi sinh hoạt đang dự kiến" in page.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


# --- a refused form keeps what was typed and chosen --------------------------------------------------


def test_a_speech_without_a_speaker_keeps_its_gist_and_step(cast, meeting, as_user):
    step = meeting.steps.get(order=3)
    gist = "Đề nghị chi bộ tổ chức tổng vệ sinh vào sáng chủ nhật cuối tháng"
    page = as_user(cast.leader_user).post(
        u("speech_add", meeting.pk), {"speaker": "", "step": step.pk, "gist": gist}
    )
    assert page.status_code == 200
    form = page.context["speech_form"]
    assert form.errors["speaker"] == ["Người phát biểu: không được để trống."]
    assert f"{gist}</textarea>" in page.text
    assert f'<option value="{step.pk}" selected>' in page.text
    assert meeting.speeches.count() == 1


def test_a_refused_end_keeps_the_typed_day_and_time(cast, meeting, as_user):
    page = as_user(cast.leader_user).post(u("close", meeting.pk), {"day": "05/03/2025", "end": "19:10"})
    assert page.status_code == 200
    close = page.text.split('id="ket-thuc"')[1]
    assert "Kết thúc lúc: phải sau giờ bắt đầu" in close
    assert 'value="19:10"' in close and 'value="05/03/2025"' in close


def test_refused_officers_keep_the_chosen_chair_and_open_their_panel(cast, run_rules, as_user):
    meeting = opened(cast, run_rules)
    page = as_user(cast.leader_user).post(
        u("officers", meeting.pk),
        {"chair": cast.member.pk, "minute_taker": ""},
    )
    assert page.status_code == 200
    officers = page.text.split('id="chu-tri"')[1].split("</section>")[0]
    assert "<details open>" in officers and "chưa được điểm danh có mặt" in officers
    assert f'<option value="{cast.member.pk}" selected>' in officers


def test_a_guest_without_a_name_keeps_the_title_typed(cast, meeting, as_user):
    page = as_user(cast.leader_user).post(
        u("guest_add", meeting.pk), {"name": "", "title": "Phó Bí thư Đảng ủy phường", "is_upper_level": "on"}
    )
    assert page.status_code == 200
    guests = page.text.split('id="khach-moi"')[1]
    assert "Họ và tên khách mời: không được để trống." in guests
    assert 'value="Phó Bí thư Đảng ủy phường"' in guests and "checked" in guests
    assert meeting.guests.count() == 1
