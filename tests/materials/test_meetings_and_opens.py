"""Attaching to a meeting (T2: the time members can see it), the member's view from their meeting, and the
"opened" record with the publisher's per-unit report."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.materials import services
from chibo.materials.models import Audience, MaterialAttachment, MaterialOpen
from chibo.orgs.models import RoleKind
from tests.factories import make_member, make_user
from tests.materials.conftest import docx_bytes, publish, upload
from tests.meetings.conftest import make_meeting, rule_set  # noqa: F401


@pytest.fixture
def meeting(cast, rule_set):  # noqa: F811
    return make_meeting(cast.cell, rule_set, when=timezone.now() + dt.timedelta(days=3))


def test_attaching_a_material_published_two_days_before_sets_the_meetings_t2_time(cast, rule_set):  # noqa: F811
    meeting = make_meeting(cast.cell, rule_set, when=timezone.now() + dt.timedelta(days=2, minutes=5))
    material = publish(cast.ward, by=cast.staff, publish_at=timezone.now() - dt.timedelta(minutes=1))
    attachment = services.material_attach(material=material, meeting=meeting, by=cast.leader_user)
    meeting.refresh_from_db()
    # Published already, attached now: members see it from the attachment, two days before.
    assert meeting.materials_published_at == attachment.attached_at
    assert meeting.scheduled_at - meeting.materials_published_at >= dt.timedelta(days=2)


def test_t2_time_of_a_past_publication_attached_earlier(cast, rule_set):  # noqa: F811
    when = timezone.now() + dt.timedelta(days=1)
    meeting = make_meeting(cast.cell, rule_set, when=when)
    publish_at = timezone.now() + dt.timedelta(hours=6)
    material = publish(cast.ward, by=cast.staff, publish_at=publish_at)
    # The ward's staff attach it before it is published: visible from the publication time.
    services.material_attach(material=material, meeting=meeting, by=cast.staff)
    meeting.refresh_from_db()
    assert meeting.materials_published_at == publish_at


def test_a_material_not_sent_to_the_cell_cannot_be_attached(cast, meeting):
    material = publish(cast.city, by=SYSTEM, audience=Audience.UNITS, units=[cast.cell2])
    with pytest.raises(ValidationError) as error:
        services.material_attach(material=material, meeting=meeting, by=cast.leader_user)
    assert "không được gửi đến" in error.value.message_dict["meeting"][0]
    assert not MaterialAttachment.objects.exists()


def test_leader_attaches_from_the_meetings_page_and_the_member_reads_it(client, cast, meeting, media):
    material = publish(
        cast.ward, by=cast.staff, title="Tài liệu tháng", uploads=[upload("tl.docx", docx_bytes("Nội dung"))]
    )
    client.force_login(cast.leader_user)
    page = client.get(f"/tai-lieu/buoi-sinh-hoat/{meeting.pk}/")
    assert page.status_code == 200 and "Tài liệu tháng" in page.content.decode()
    response = client.post(f"/tai-lieu/buoi-sinh-hoat/{meeting.pk}/gan/", {"material": material.pk})
    assert response.status_code == 302
    assert MaterialAttachment.objects.filter(material=material, meeting=meeting).exists()

    client.force_login(cast.member_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Tài liệu tháng" in html  # the panel on the meeting's page
    html = client.get(f"/tai-lieu/buoi-sinh-hoat/{meeting.pk}/").content.decode()
    assert "Tải về: tl.docx" in html and "Gắn vào buổi này" not in html
    for user in (cast.outsider, cast.sibling_leader):
        client.force_login(user)
        assert client.get(f"/tai-lieu/buoi-sinh-hoat/{meeting.pk}/").status_code == 404
        assert (
            client.post(f"/tai-lieu/buoi-sinh-hoat/{meeting.pk}/gan/", {"material": material.pk}).status_code
            == 404
        )


def test_member_cannot_attach_and_sibling_cannot_detach(client, cast, meeting):
    material = publish(cast.ward, by=cast.staff)
    client.force_login(cast.member_user)
    assert (
        client.post(f"/tai-lieu/buoi-sinh-hoat/{meeting.pk}/gan/", {"material": material.pk}).status_code
        == 403
    )
    attachment = services.material_attach(material=material, meeting=meeting, by=cast.leader_user)
    client.force_login(cast.sibling_leader)
    assert client.post(f"/tai-lieu/gan/{attachment.pk}/go/").status_code == 404
    client.force_login(cast.leader_user)
    assert client.post(f"/tai-lieu/gan/{attachment.pk}/go/").status_code == 302
    assert not MaterialAttachment.objects.exists()


def test_attach_from_the_material_page(client, cast, meeting):
    material = publish(cast.ward, by=cast.staff)
    client.force_login(cast.leader_user)
    html = client.get(f"/tai-lieu/{material.pk}/").content.decode()
    assert "Gắn vào buổi sinh hoạt" in html
    assert client.post(f"/tai-lieu/{material.pk}/gan/", {"meeting": meeting.pk}).status_code == 302
    assert MaterialAttachment.objects.filter(meeting=meeting).exists()
    client.force_login(cast.sibling_leader)
    assert client.post(f"/tai-lieu/{material.pk}/gan/", {"meeting": meeting.pk}).status_code == 404


def test_a_refused_attachment_shows_the_material_page_again_with_the_meeting_chosen(client, cast, meeting, monkeypatch):
    material = publish(cast.ward, by=cast.staff)
    client.force_login(cast.leader_user)
    url = f"/tai-lieu/{material.pk}/gan/"
    empty = client.post(url, {"meeting": ""})
    assert empty.status_code == 200 and "Buổi sinh hoạt: không được để trống." in empty.content.decode()
    # Refused by the service (the minutes approved meanwhile, say): the choice stays selected, the reason beside it.
    refused = "Biên bản buổi sinh hoạt đã được thông qua: không ghi thêm tài liệu được."

    def approved_meanwhile(**kwargs):
        raise ValidationError({"meeting": refused})

    monkeypatch.setattr(services, "material_attach", approved_meanwhile)
    response = client.post(url, {"meeting": meeting.pk})
    assert response.status_code == 200
    html = response.content.decode()
    form = html[html.index(f'action="{url}"') :]
    form = form[: form.index("</form>")]
    assert f'<option value="{meeting.pk}" selected>' in form and refused in form
    assert not MaterialAttachment.objects.exists()
    # A refused post is not an opening of the material: only its page and its files count.
    assert not MaterialOpen.objects.filter(material=material, user=cast.leader_user).exists()


def test_opening_is_recorded_once_per_user_with_a_count(client, cast, media):
    material = publish(cast.ward, by=cast.staff, uploads=[upload("tl.docx", docx_bytes("Nội dung"))])
    client.force_login(cast.member_user)
    client.get(f"/tai-lieu/{material.pk}/")
    first = MaterialOpen.objects.get(material=material, user=cast.member_user)
    assert first.count == 1 and first.member == cast.member
    client.get(f"/tai-lieu/{material.pk}/tep/{material.files.get().pk}/")
    opened = MaterialOpen.objects.get(material=material, user=cast.member_user)
    assert opened.count == 2 and opened.first_at == first.first_at and opened.last_at >= first.last_at
    # A refused user leaves no trace.
    client.force_login(cast.outsider)
    client.get(f"/tai-lieu/{material.pk}/")
    assert MaterialOpen.objects.count() == 1


def test_the_publisher_sees_per_cell_who_has_and_has_not_opened(client, cast):
    make_member(cast.cell2, full_name="Phạm Thị Cúc")
    material = publish(cast.ward, by=cast.staff)
    services.material_open(material=material, user=cast.member_user)
    client.force_login(cast.staff)
    response = client.get(f"/tai-lieu/{material.pk}/da-mo/")
    assert response.status_code == 200
    rows = {r.cell.code: r for r in response.context["rows"]}
    assert set(rows) == {"BD-01", "BD-02"}
    assert [m.full_name for m, _ in rows["BD-01"].opened] == ["Lê Văn An"]
    assert [m.full_name for m in rows["BD-01"].not_opened] == ["Trần Thị Bình"]
    assert (len(rows["BD-02"].opened), [m.full_name for m in rows["BD-02"].not_opened]) == (
        0,
        ["Phạm Thị Cúc"],
    )
    html = response.content.decode()
    assert "1/2" in html and "Phạm Thị Cúc" in html


def test_opens_report_is_for_the_publisher_only(client, cast):
    material = publish(cast.ward, by=cast.staff)
    client.force_login(cast.leader_user)
    assert client.get(f"/tai-lieu/{material.pk}/da-mo/").status_code == 403
    for user in (cast.outsider, cast.sibling_leader):
        client.force_login(user)
        assert client.get(f"/tai-lieu/{material.pk}/da-mo/").status_code == 404
    city_staff = make_user("canbo_tp", role=RoleKind.STAFF, org=cast.city)
    client.force_login(city_staff)
    assert client.get(f"/tai-lieu/{material.pk}/da-mo/").status_code == 200


def test_a_member_on_temporary_activity_reads_the_host_meetings_material(cast, meeting):
    from chibo.materials.access import material as material_policy

    material = publish(cast.ward, by=cast.staff)
    services.material_attach(material=material, meeting=meeting, by=cast.leader_user)
    assert material_policy.get_for_user(cast.member_user, material.pk) == material


def test_the_publishers_own_openings_are_not_counted(client, cast):
    # Given a ward member who is also the ward's staff, a city staff member above, and the creator
    staff_member = make_member(cast.cell, full_name="Hoàng Văn Dũng")
    ward_staff = make_user("canbo2", role=RoleKind.STAFF, org=cast.ward, member=staff_member)
    city_staff = make_user("canbo_tp", role=RoleKind.STAFF, org=cast.city)
    material = publish(cast.ward, by=cast.staff)
    # When they all open it, and one ordinary member does
    for user in (cast.staff, ward_staff, city_staff, cast.member_user):
        services.material_open(material=material, user=user)
    # Then only the member is counted, on the page and in the per-cell report
    client.force_login(cast.staff)
    page = client.get(f"/tai-lieu/{material.pk}/")
    assert page.context["opens_total"] == 1 and "1 người đã mở" in page.content.decode()
    rows = {r.cell.code: r for r in client.get(f"/tai-lieu/{material.pk}/da-mo/").context["rows"]}
    assert [m.full_name for m, _ in rows["BD-01"].opened] == ["Lê Văn An"]
    assert "Hoàng Văn Dũng" in [m.full_name for m in rows["BD-01"].not_opened]
    # The rows are kept: each user still sees the material as read on their own home screen.
    assert MaterialOpen.objects.filter(material=material).count() == 4
