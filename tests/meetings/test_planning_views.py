import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.meetings.models import Meeting, MeetingKind, MeetingMaterial, MeetingStatus, RuleSet
from chibo.meetings.services import preparation as prep
from chibo.meetings.services.planning import meeting_create
from chibo.meetings.services.rulesets import ruleset_copy
from chibo.members.models import Member

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=19, mm=30):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def meeting(cast):
    return meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 4, 3), by=SYSTEM)


def who(cast, name):
    return getattr(cast, name)


# --- allow / deny -----------------------------------------------------------------------------------------

READERS = [
    ("leader_user", 200),
    ("member_user", 200),
    ("staff", 200),
    ("outsider", 404),
    ("sibling_leader", 404),
]
WRITERS = [
    ("leader_user", 200),
    ("staff", 200),
    ("member_user", 403),
    ("outsider", 404),
    ("sibling_leader", 404),
]


@pytest.mark.parametrize(("user", "status"), READERS)
def test_the_cell_schedule_and_the_meeting_page_are_for_those_who_see_the_cell(
    cast, meeting, as_user, user, status
):
    client = as_user(who(cast, user))
    assert (
        client.get(reverse("meetings:cell_schedule", args=[cast.cell.pk]) + "?nam=2026").status_code == status
    )
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == status


@pytest.mark.parametrize(("user", "status"), WRITERS)
@pytest.mark.parametrize("name", ["edit", "reschedule", "cancel", "prepare", "material_add"])
def test_meeting_forms_are_for_the_cells_leaders_and_committee(cast, meeting, as_user, user, status, name):
    assert as_user(who(cast, user)).get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == status


@pytest.mark.parametrize(("user", "status"), WRITERS)
def test_creating_a_meeting_is_for_writers(cast, as_user, user, status):
    assert as_user(who(cast, user)).get(reverse("meetings:create", args=[cast.cell.pk])).status_code == status


@pytest.mark.parametrize(
    ("user", "org", "status"),
    [
        ("staff", "ward", 200),
        ("leader_user", "cell", 200),
        ("leader_user", "ward", 404),
        ("member_user", "cell", 403),
        ("outsider", "ward", 404),
        ("sibling_leader", "cell", 404),
    ],
)
def test_the_plan_year_form_is_for_the_committee_or_the_cells_leader(cast, as_user, user, org, status):
    url = reverse("meetings:plan_year", args=[who(cast, org).pk])
    assert as_user(who(cast, user)).get(url).status_code == status


@pytest.mark.parametrize(
    ("user", "status"), [("member_user", 403), ("outsider", 404), ("sibling_leader", 404)]
)
def test_posts_that_change_a_meeting_are_refused_to_others(cast, meeting, as_user, user, status):
    client = as_user(who(cast, user))
    assert client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "x"}).status_code == status
    assert client.post(reverse("meetings:send_notice", args=[meeting.pk])).status_code == status
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and meeting.notice_sent_at is None


# --- planning pages ---------------------------------------------------------------------------------------


def test_a_leader_creates_a_meeting_and_a_second_regular_one_needs_a_reason(cast, as_user):
    client = as_user(cast.leader_user)
    url = reverse("meetings:create", args=[cast.cell.pk])
    data = {"kind": "regular", "day": "03/04/2026", "time": "19:30", "place": "Nhà văn hóa", "topic": ""}
    response = client.post(url, data)
    meeting = Meeting.objects.get(cell=cast.cell)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert timezone.localtime(meeting.scheduled_at) == at(2026, 4, 3)
    again = client.post(url, data)  # posted twice: refused, nothing new
    assert again.status_code == 200 and Meeting.objects.count() == 1
    second = client.post(url, {**data, "day": "20/04/2026"})
    assert "Lý do họp thêm" in second.context["form"].errors["extra_reason"][0]
    client.post(url, {**data, "day": "20/04/2026", "extra_reason": "Kiện toàn chi ủy"})
    schedule = client.get(reverse("meetings:cell_schedule", args=[cast.cell.pk]) + "?nam=2026")
    assert "Họp thêm trong tháng" in schedule.content.decode()


def test_bad_dates_and_times_get_vietnamese_errors_naming_the_field(cast, as_user):
    response = as_user(cast.leader_user).post(
        reverse("meetings:create", args=[cast.cell.pk]),
        {"kind": "regular", "day": "2026-04-03", "time": "25:00"},
    )
    errors = response.context["form"].errors
    assert errors["day"][0].startswith("Ngày họp:")
    assert errors["time"][0].startswith("Giờ họp:")


def test_reschedule_and_cancel_need_a_reason(cast, meeting, as_user):
    client = as_user(cast.leader_user)
    response = client.post(
        reverse("meetings:reschedule", args=[meeting.pk]), {"day": "06/04/2026", "time": "19:30"}
    )
    assert response.context["form"].errors["reason"][0].startswith("Lý do đổi lịch")
    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": ""})
    assert response.context["form"].errors["reason"][0].startswith("Lý do hủy")
    client.post(
        reverse("meetings:reschedule", args=[meeting.pk]),
        {"day": "06/04/2026", "time": "18:00", "reason": "Mưa"},
    )
    client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "Bão"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.reschedule_note == "Mưa"
    assert timezone.localtime(meeting.scheduled_at).hour == 18


def test_staff_plan_the_year_for_the_ward(cast, as_user):
    data = {
        "year": 2026,
        "day_from": 1,
        "day_to": 10,
        "time": "19:30",
        "thematic_months": ["3", "6", "9", "12"],
    }
    response = as_user(cast.staff).post(reverse("meetings:plan_year", args=[cast.ward.pk]), data)
    assert response.status_code == 302
    assert Meeting.objects.filter(cell__in=[cast.cell, cast.cell2]).count() == 32
    assert not Meeting.objects.filter(cell=cast.other_cell).exists()


def test_the_detail_page_links_only_to_pages_that_exist(cast, meeting, as_user):
    response = as_user(cast.leader_user).get(reverse("meetings:detail", args=[meeting.pk]))
    for _label, url in response.context["links"]:
        assert url.startswith("/sinh-hoat/")
    assert "Chuẩn bị" in response.content.decode()


# --- preparation pages ------------------------------------------------------------------------------------


def test_a_leader_completes_the_checklist_sends_the_notice_and_publishes_a_material(cast, meeting, as_user):
    Member.objects.filter(pk=cast.member.pk).update(email="an@example.vn")
    client = as_user(cast.leader_user)
    url = reverse("meetings:prepare", args=[meeting.pk])
    response = client.post(url, {"drafter": cast.secretary.pk, "prep_meeting_on": "30/03/2026"})
    assert response.status_code == 302
    client.post(reverse("meetings:send_notice", args=[meeting.pk]))
    client.post(reverse("meetings:send_notice", args=[meeting.pk]))  # posted twice: one e-mail
    assert len(mail.outbox) == 1
    upload = SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(reverse("meetings:material_add", args=[meeting.pk]), {"title": "Dự thảo", "file": upload})
    material = MeetingMaterial.objects.get(meeting=meeting)
    assert material.published_at is None
    client.post(reverse("meetings:material_publish", args=[material.pk]))
    meeting.refresh_from_db()
    assert meeting.drafter == cast.secretary and meeting.notice_sent_at and meeting.materials_published_at
    page = client.get(url).content.decode()
    # Sent is not reached: the members with no account, phone or e-mail are still to be told.
    assert page.count("✓ Đã xong") == 4
    reach = client.get(url).context["reach"]
    assert cast.member in reach.reached and reach.not_reached
    slips = client.post(reverse("meetings:print_notice_slips", args=[meeting.pk]))
    assert slips.status_code == 200
    printed = slips.content.decode()
    assert all(m.full_name in printed for m in reach.not_reached)
    assert cast.member.full_name not in printed
    page = client.get(url).content.decode()
    assert page.count("✓ Đã xong") == 5 and "Mọi đảng viên đã được báo." in page


def test_an_upload_of_the_wrong_kind_is_refused_on_the_file_field(cast, meeting, as_user):
    upload = SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream")
    response = as_user(cast.leader_user).post(
        reverse("meetings:material_add", args=[meeting.pk]), {"title": "X", "file": upload}
    )
    assert "PDF, DOCX" in response.context["form"].errors["file"][0]
    assert not MeetingMaterial.objects.exists()


def test_materials_are_downloadable_by_members_only_once_published(cast, meeting, as_user):
    upload = SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    material = prep.material_add(meeting=meeting, title="Dự thảo", file=upload, by=SYSTEM)
    url = reverse("meetings:material", args=[material.pk])
    assert as_user(cast.member_user).get(url).status_code == 404
    assert as_user(cast.leader_user).get(url).status_code == 200
    prep.meeting_material_publish(material=material, by=SYSTEM)
    response = as_user(cast.member_user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert as_user(cast.outsider).get(url).status_code == 404
    assert as_user(cast.sibling_leader).get(url).status_code == 404


# --- rule set pages -----------------------------------------------------------------------------------------


@pytest.fixture
def ward_rules(cast):
    return ruleset_copy(
        source=RuleSet.objects.get(code="HD42"),
        owner=cast.ward,
        code="BD",
        name="Phường",
        valid_from=dt.date(2026, 1, 1),
        by=SYSTEM,
    )


def test_staff_copy_a_default_rule_set_for_their_ward(cast, as_user):
    hd42 = RuleSet.objects.get(code="HD42")
    response = as_user(cast.staff).post(
        reverse("meetings:ruleset_copy", args=[hd42.pk]),
        {"owner": cast.ward.pk, "code": "BD-2026", "name": "Quy định Ba Đình", "valid_from": "01/01/2026"},
    )
    copy = RuleSet.objects.get(code="BD-2026")
    assert response.status_code == 302 and copy.owner == cast.ward and copy.copied_from == hd42


def test_a_cell_leader_cannot_copy_and_cannot_copy_for_another_ward(cast, as_user):
    hd42 = RuleSet.objects.get(code="HD42")
    url = reverse("meetings:ruleset_copy", args=[hd42.pk])
    assert as_user(cast.leader_user).get(url).status_code == 403
    response = as_user(cast.outsider).post(
        url, {"owner": cast.ward.pk, "code": "X", "name": "X", "valid_from": "01/01/2026"}
    )
    assert "owner" in response.context["form"].errors
    assert not RuleSet.objects.filter(code="X").exists()


@pytest.mark.parametrize(
    ("user", "read", "write"),
    [
        ("staff", 200, 200),
        ("leader_user", 200, 403),
        ("member_user", 200, 403),
        ("outsider", 404, 404),
        ("sibling_leader", 404, 404),
    ],
)
def test_a_wards_rule_set_is_seen_in_its_subtree_and_edited_by_its_staff(
    cast, ward_rules, as_user, user, read, write
):
    client = as_user(who(cast, user))
    step = ward_rules.steps.first()
    criterion = ward_rules.sheets.get().criteria.first()
    assert client.get(reverse("meetings:ruleset", args=[ward_rules.pk])).status_code == read
    assert client.get(reverse("meetings:ruleset_edit", args=[ward_rules.pk])).status_code == write
    assert client.get(reverse("meetings:rulestep_edit", args=[step.pk])).status_code == write
    assert client.get(reverse("meetings:criterion_edit", args=[criterion.pk])).status_code == write
    listed = client.get(reverse("meetings:rulesets")).context["page"].object_list
    assert (ward_rules in listed) == (read == 200)


def test_staff_edit_steps_durations_and_criteria(cast, ward_rules, as_user):
    client = as_user(cast.staff)
    step = ward_rules.steps.get(meeting_kind="regular", code="party_fees")
    client.post(
        reverse("meetings:rulestep_edit", args=[step.pk]),
        {"order": 4, "title": "Thu đảng phí", "mandatory": "on"},
    )
    criterion = ward_rules.sheets.get().criteria.get(code="conduct")
    client.post(
        reverse("meetings:criterion_edit", args=[criterion.pk]),
        {"title": criterion.title, "max_points": 35, "full_marks_for_good": ""},
    )
    data = {
        "name": "Phường",
        "valid_from": "01/01/2026",
        "valid_until": "",
        "min_minutes_regular": 60,
        "min_minutes_thematic": 60,
        "min_minutes_combined": 90,
        "materials_days_before": 2,
        "minutes_days_after": 3,
    }
    assert client.post(reverse("meetings:ruleset_edit", args=[ward_rules.pk]), data).status_code == 302
    client.post(
        reverse("meetings:rulestep_add", args=[ward_rules.pk]),
        {"meeting_kind": "regular", "title": "Sinh hoạt văn nghệ", "mandatory": ""},
    )
    step.refresh_from_db()
    criterion.refresh_from_db()
    ward_rules.refresh_from_db()
    assert step.mandatory and step.title == "Thu đảng phí"
    assert criterion.max_points == 35
    assert (ward_rules.min_minutes_regular, ward_rules.materials_days_before) == (60, 2)
    assert ward_rules.steps.filter(title="Sinh hoạt văn nghệ", mandatory=False).exists()
    bad = client.post(
        reverse("meetings:ruleset_edit", args=[ward_rules.pk]), {**data, "valid_until": "01/01/2025"}
    )
    assert "valid_until" in bad.context["form"].errors


def test_a_refused_new_step_is_shown_again_as_typed_and_chosen(cast, ward_rules, as_user):
    url = reverse("meetings:rulestep_add", args=[ward_rules.pk])
    title = "Sinh hoạt văn nghệ chào mừng " + "rất dài " * 40
    steps = ward_rules.steps.count()
    response = as_user(cast.staff).post(url, {"meeting_kind": "thematic", "title": title, "mandatory": "on"})
    # The page again, not a redirect to an empty form: the title, the kind and the tick are still there.
    assert response.status_code == 200
    html = response.content.decode()
    form = html[html.index(f'action="{url}"') :]
    form = form[: form.index("</form>")]
    assert f'value="{title}"' in form
    assert '<option value="thematic" selected>' in form
    assert re.search(r'<input type="checkbox" name="mandatory"[^>]* checked', form)
    assert "tối đa 255 kí tự" in form and "has-error" in form
    assert ward_rules.steps.count() == steps
    # A sibling ward's staff still cannot add a step here.
    refused = as_user(cast.sibling_leader).post(url, {"meeting_kind": "regular", "title": "Thêm"})
    assert refused.status_code == 404 and ward_rules.steps.count() == steps


def test_the_default_rule_sets_are_not_edited_in_place(cast, as_user):
    hd42 = RuleSet.objects.get(code="HD42")
    assert as_user(cast.staff).get(reverse("meetings:ruleset_edit", args=[hd42.pk])).status_code == 403
    assert as_user(cast.leader_user).get(reverse("meetings:ruleset", args=[hd42.pk])).status_code == 200


def test_the_schedule_page_costs_the_same_queries_for_a_full_year(
    cast, as_user, django_assert_max_num_queries
):
    from chibo.meetings.services.planning import plan_year

    plan_year(org=cast.cell, year=2026, by=SYSTEM)
    client = as_user(cast.leader_user)
    url = reverse("meetings:cell_schedule", args=[cast.cell.pk]) + "?nam=2026"
    client.get(url)
    # 10 for the page, 3 for the navigation of the later modules (supervision, portal moderation).
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 16


def test_the_meeting_page_offers_the_secretary_screens_to_leaders_only(client, cast):
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from chibo.meetings.models import MeetingKind
    from chibo.meetings.services.planning import meeting_create

    meeting = meeting_create(
        cell=cast.cell,
        kind=MeetingKind.REGULAR,
        scheduled_at=timezone.make_aware(dt.datetime(2025, 12, 3, 19, 30)),
        by=SYSTEM,
    )
    run_url = reverse("meetings:run", args=[meeting.pk])
    minutes_url = reverse("meetings:minutes", args=[meeting.pk])
    client.force_login(cast.leader_user)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert run_url in page and minutes_url in page
    client.force_login(cast.member_user)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert run_url not in page and minutes_url in page


def test_a_meeting_material_whose_file_is_gone_is_a_404(cast, meeting, as_user):

    upload = SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    material = prep.material_add(meeting=meeting, title="Dự thảo", file=upload, by=SYSTEM)
    material.file.storage.delete(material.file.name)
    response = as_user(cast.leader_user).get(reverse("meetings:material", args=[material.pk]))
    assert response.status_code == 404
