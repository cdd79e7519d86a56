import datetime as dt

import pytest
from django.urls import reverse

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import Exemption, TrainingRecord
from chibo.members.services import exemption_create, training_record_create
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_leader_records_an_exemption_and_ends_it(cast, as_user):
    client = as_user(cast.leader_user)
    response = client.post(
        reverse("members:exemption_create", args=[cast.member.pk]),
        {"valid_from": "01/03/2024", "valid_until": "", "reason": "Sức khỏe yếu", "decision_ref": "05-QĐ/CB"},
    )
    assert response.status_code == 302
    exemption = Exemption.objects.get(member=cast.member)
    assert exemption.valid_from == dt.date(2024, 3, 1) and exemption.decision_ref == "05-QĐ/CB"
    again = client.post(
        reverse("members:exemption_create", args=[cast.member.pk]),
        {"valid_from": "01/03/2024", "reason": "Sức khỏe yếu"},
    )
    assert "đã được miễn sinh hoạt" in again.context["form"].errors["valid_from"][0]
    assert (
        client.post(reverse("members:exemption_end", args=[exemption.pk]), {"on": "01/09/2024"}).status_code
        == 302
    )
    exemption.refresh_from_db()
    assert exemption.valid_until == dt.date(2024, 9, 1)
    assert AuditEntry.objects.filter(model="members.exemption", object_id=str(exemption.pk)).count() == 2


def test_exemption_needs_a_reason(cast, as_user):
    response = as_user(cast.leader_user).post(
        reverse("members:exemption_create", args=[cast.member.pk]), {"valid_from": "01/03/2024"}
    )
    assert response.context["form"].errors["reason"] == ["Lý do: không được để trống."]


def test_org_exemption_list_shows_current_exemptions_of_the_subtree_with_filters(cast, as_user):
    other = make_member(cast.cell2, full_name="Ngô Thị Hằng")
    exemption_create(member=cast.member, valid_from=dt.date(2024, 1, 1), reason="Tuổi cao", by=SYSTEM)
    exemption_create(
        member=other, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2021, 1, 1), reason="Ốm", by=SYSTEM
    )
    client = as_user(cast.staff)
    url = reverse("members:org_exemptions", args=[cast.ward.pk])
    assert [e.member for e in client.get(url).context["page"]] == [cast.member]
    past = client.get(url, {"on": "01/06/2020"}).context["page"]
    assert [e.member for e in past] == [other]
    assert list(client.get(url, {"q": "ngo thi"}).context["page"]) == []


def test_leader_adds_a_training_record_and_a_double_post_is_refused(cast, as_user):
    client = as_user(cast.leader_user)
    data = {
        "course_title": "Bồi dưỡng nghiệp vụ công tác Đảng",
        "kind": "party_work",
        "organiser": "Ban Tổ chức Đảng ủy phường",
        "started_on": "10/04/2025",
        "ended_on": "12/04/2025",
        "completed": "on",
    }
    url = reverse("members:training_create", args=[cast.secretary.pk])
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert "đã có lớp này" in again.context["form"].errors["course_title"][0]
    record = TrainingRecord.objects.get(member=cast.secretary)
    assert record.completed and record.ended_on == dt.date(2025, 4, 12)
    assert AuditEntry.objects.filter(model="members.trainingrecord", object_id=str(record.pk))


def test_org_training_list_filters_by_kind_completion_and_year(cast, as_user):
    training_record_create(
        member=cast.secretary, course_title="Kỹ năng bí thư", started_on=dt.date(2025, 3, 1), completed=True, by=SYSTEM
    )
    training_record_create(
        member=cast.member, course_title="Lý luận", kind="political_theory", started_on=dt.date(2024, 3, 1), by=SYSTEM
    )
    client = as_user(cast.staff)
    url = reverse("members:org_trainings", args=[cast.ward.pk])
    titles = lambda params: [t.course_title for t in client.get(url, params).context["page"]]  # noqa: E731
    assert titles({}) == ["Kỹ năng bí thư", "Lý luận"]
    assert titles({"kind": "party_work"}) == ["Kỹ năng bí thư"]
    assert titles({"completed": "0"}) == ["Lý luận"]
    assert titles({"year": "2024"}) == ["Lý luận"]
    assert titles({"q": "tran thi"}) == ["Kỹ năng bí thư"]
