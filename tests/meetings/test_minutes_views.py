import io

import pytest
from django.urls import reverse
from docx import Document

from chibo.audit.models import AuditEntry
from chibo.meetings.models import Minutes, MinutesStatus
from chibo.meetings.services.minutes import minutes_amend, minutes_approve, minutes_build
from tests.meetings.minutes_fixtures import TUYET, held_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(cast, rule_set):
    return held_meeting(cast, rule_set)


@pytest.fixture
def draft(held, cast):
    return minutes_build(meeting=held, by=cast.leader_user)


@pytest.fixture
def approved(draft, cast):
    return minutes_approve(minutes=draft, confirmed=True, by=cast.leader_user)


def url(name, meeting, *args):
    return reverse(f"meetings:{name}", args=[meeting.pk, *args])


def login(client, user):
    client.force_login(user)
    return client


# --- building and editing --------------------------------------------------------------------------


def test_leader_builds_the_draft_and_lands_on_the_edit_page(held, cast, client):
    response = login(client, cast.leader_user).post(url("minutes_build", held))
    assert response.status_code == 302 and response.url == url("minutes_edit", held)
    page = client.get(response.url)
    assert page.status_code == 200
    assert '<textarea name="body"' in page.content.decode() and TUYET in page.content.decode()


def test_building_twice_from_the_page_keeps_the_edited_draft(draft, held, cast, client):
    login(client, cast.leader_user).post(
        url("minutes_edit", held), {"number": "07-BB/CB", "body": "I. Sửa tay"}
    )
    client.post(url("minutes_build", held))
    draft.refresh_from_db()
    assert (draft.number, draft.body) == ("07-BB/CB", "I. Sửa tay\n")
    assert Minutes.objects.count() == 1


def test_leader_edits_the_draft(draft, held, cast, client):
    response = login(client, cast.leader_user).post(
        url("minutes_edit", held), {"number": draft.number, "body": draft.body + "Bổ sung ý kiến."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body.endswith("Bổ sung ý kiến.\n")


def test_an_empty_draft_is_refused_with_the_field_named(draft, held, cast, client):
    response = login(client, cast.leader_user).post(url("minutes_edit", held), {"number": "", "body": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["Nội dung biên bản: không được để trống."]


def test_staff_of_the_ward_may_build_the_minutes(held, cast, client):
    assert login(client, cast.staff).post(url("minutes_build", held)).status_code == 302
    assert Minutes.objects.filter(meeting=held).exists()


# --- approval and locking ----------------------------------------------------------------------------


def test_leader_approves_and_a_second_post_changes_nothing(draft, held, cast, client):
    login(client, cast.leader_user).post(url("minutes_approve", held), {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.APPROVED
    first = draft.approved_at
    again = client.post(url("minutes_approve", held), {"confirm": "on"}, follow=True)
    assert "đã được thông qua lúc" in again.content.decode()
    draft.refresh_from_db()
    assert draft.approved_at == first


def test_editing_approved_minutes_is_refused(approved, held, cast, client):
    client = login(client, cast.leader_user)
    page = client.get(url("minutes_edit", held))
    assert page.status_code == 403 and "đã khóa" in page.content.decode()
    post = client.post(url("minutes_edit", held), {"number": "", "body": "Sửa sau khi khóa"})
    assert post.status_code == 403
    approved.refresh_from_db()
    assert "Sửa sau khi khóa" not in approved.body


def test_leader_amends_approved_minutes_once_even_if_posted_twice(approved, held, cast, client):
    client = login(client, cast.leader_user)
    data = {"reason": "Ghi nhầm lý do vắng", "text": "Đồng chí Phạm Văn Đức vắng có lý do (ốm)."}
    assert client.post(url("minutes_amend", held), data).status_code == 302
    client.post(url("minutes_amend", held), data)
    assert approved.amendments.count() == 1
    assert AuditEntry.objects.filter(model="meetings.minutesamendment", user=cast.leader_user).count() == 1
    page = client.get(url("minutes", held)).content.decode()
    assert "Ghi nhầm lý do vắng" in page and "Đồng chí Phạm Văn Đức vắng có lý do (ốm)." in page


def test_an_amendment_without_a_reason_names_the_field(approved, held, cast, client):
    response = login(client, cast.leader_user).post(url("minutes_amend", held), {"reason": "", "text": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Lý do đính chính: không được để trống."]


def test_a_draft_is_sent_to_editing_instead_of_amending(draft, held, cast, client):
    response = login(client, cast.leader_user).get(url("minutes_amend", held))
    assert response.status_code == 302 and response.url == url("minutes_edit", held)


# --- reading and downloading -----------------------------------------------------------------------


def test_leader_downloads_the_draft_docx_marked_as_draft(draft, held, cast, client):
    response = login(client, cast.leader_user).get(url("minutes_download", held, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bien-ban-BD-01-2025-03-05.docx"' in response["Content-Disposition"]
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "DỰ THẢO" in paragraphs
    assert AuditEntry.objects.filter(
        action="export", model="meetings.minutes", user=cast.leader_user
    ).exists()


def test_a_member_reads_and_downloads_approved_minutes(approved, held, cast, client):
    minutes_amend(minutes=approved, text="Sửa giờ: 21:20.", reason="Ghi nhầm giờ", by=cast.leader_user)
    client = login(client, cast.member_user)
    page = client.get(url("minutes", held))
    assert page.status_code == 200
    content = page.content.decode()
    assert TUYET in content and "Ghi nhầm giờ" in content and "Sửa dự thảo" not in content
    pdf = client.get(url("minutes_download", held, "pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_member_may_not_see_a_draft(draft, held, cast, client):
    client = login(client, cast.member_user)
    assert client.get(url("minutes", held)).status_code == 403
    assert client.get(url("minutes_download", held, "docx")).status_code == 403


def test_a_member_may_not_build_edit_approve_or_amend(draft, held, cast, client):
    client = login(client, cast.member_user)
    assert client.post(url("minutes_build", held)).status_code == 403
    assert client.get(url("minutes_edit", held)).status_code == 403
    assert client.post(url("minutes_approve", held)).status_code == 403
    assert client.get(url("minutes_amend", held)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.DRAFT


def test_the_supervisor_reads_approved_minutes_but_not_a_draft(draft, held, cast, client):
    client = login(client, cast.supervisor)
    assert client.get(url("minutes", held)).status_code == 403
    minutes_approve(minutes=draft, confirmed=True, by=cast.leader_user)
    assert client.get(url("minutes_download", held, "docx")).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_users_of_a_sibling_organisation_get_404_everywhere(approved, held, cast, client, who):
    client = login(client, getattr(cast, who))
    assert client.get(url("minutes", held)).status_code == 404
    assert client.get(url("minutes_download", held, "pdf")).status_code == 404
    assert client.get(url("minutes_download", held, "docx")).status_code == 404
    assert client.post(url("minutes_build", held)).status_code == 404
    assert client.get(url("minutes_edit", held)).status_code == 404
    assert client.post(url("minutes_approve", held)).status_code == 404
    assert client.post(url("minutes_amend", held), {"reason": "x", "text": "y"}).status_code == 404
    assert not approved.amendments.exists()


def test_a_meeting_without_minutes_offers_to_build_them(held, cast, client):
    page = login(client, cast.leader_user).get(url("minutes", held))
    assert page.status_code == 200 and "Lập dự thảo biên bản" in page.content.decode()
    assert client.get(url("minutes_download", held, "pdf")).status_code == 404


def test_an_unknown_format_is_404(approved, held, cast, client):
    assert login(client, cast.leader_user).get(url("minutes_download", held, "odt")).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(approved, held, client):
    response = client.get(url("minutes_download", held, "pdf"))
    assert response.status_code == 302 and reverse("login") in response.url
