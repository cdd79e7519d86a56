import datetime as dt

import pytest
from django.urls import reverse

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import Position, PositionKind
from chibo.members.services import position_assign
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def assign_url(cast):
    return reverse("members:position_assign", args=[cast.cell.pk])


def post_position(client, cast, member, kind, start="01/01/2025", **extra):
    data = {"member": member.pk, "kind": kind, "valid_from": start, "valid_until": "", "decision_ref": ""}
    return client.post(assign_url(cast), {**data, **extra})


def test_leader_assigns_a_secretary_and_the_cell_page_shows_them(cast, as_user):
    client = as_user(cast.leader_user)
    response = post_position(client, cast, cast.secretary, "secretary", decision_ref="12-QĐ/ĐU")
    assert response.status_code == 302
    position = Position.objects.get(cell=cast.cell)
    assert position.decision_ref == "12-QĐ/ĐU"
    assert AuditEntry.objects.filter(model="members.position", object_id=str(position.pk), action="create")
    page = client.get(reverse("members:cell_committee", args=[cast.cell.pk]))
    assert [p.member for p in page.context["current"]] == [cast.secretary]
    assert "Bí thư" in page.content.decode()


def test_a_second_secretary_is_refused_on_the_kind_field(cast, as_user):
    client = as_user(cast.leader_user)
    post_position(client, cast, cast.secretary, "secretary")
    response = post_position(client, cast, cast.member, "secretary", start="01/02/2025")
    assert response.status_code == 200
    assert "mỗi lúc chỉ có một bí thư" in response.context["form"].errors["kind"][0]
    assert Position.objects.filter(cell=cast.cell).count() == 1


def test_a_committee_in_a_small_cell_is_refused_with_the_rule(cast, as_user):
    response = post_position(as_user(cast.leader_user), cast, cast.member, "committee")
    assert "từ 9 đảng viên chính thức" in response.context["form"].errors["kind"][0]


def test_a_probationary_member_cannot_hold_a_position(cast, as_user):
    newcomer = make_member(
        cast.cell, full_name="Đỗ Văn Mới", admitted_on=dt.date(2024, 10, 1), official_on=None
    )
    response = post_position(as_user(cast.leader_user), cast, newcomer, "deputy")
    assert "chưa là đảng viên chính thức" in response.context["form"].errors["member"][0]


def test_only_members_of_the_cell_can_be_chosen(cast, as_user):
    stranger = make_member(cast.cell2, full_name="Vũ Văn Khác")
    response = post_position(as_user(cast.leader_user), cast, stranger, "deputy")
    assert "chỉ chọn được đảng viên" in response.context["form"].errors["member"][0]


def test_a_term_cannot_end_before_it_starts(cast, as_user):
    response = post_position(
        as_user(cast.leader_user), cast, cast.secretary, "secretary", valid_until="01/01/2024"
    )
    assert "phải sau ngày bắt đầu" in response.context["form"].errors["valid_until"][0]


def test_leader_ends_a_term_and_posting_again_does_no_harm(cast, as_user):
    position = position_assign(
        member=cast.secretary, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2022, 1, 1), by=SYSTEM
    )
    client = as_user(cast.leader_user)
    url = reverse("members:position_end", args=[position.pk])
    too_early = client.post(url, {"on": "01/01/2021"})
    assert "phải sau ngày bắt đầu" in too_early.context["form"].errors["on"][0]
    assert client.post(url, {"on": "01/01/2024"}).status_code == 302
    assert client.post(url, {"on": "01/06/2024"}).status_code == 302
    position.refresh_from_db()
    assert position.valid_until == dt.date(2024, 1, 1)


def test_sibling_cell_leader_cannot_assign_in_our_cell(cast, as_user):
    response = post_position(as_user(cast.sibling_leader), cast, cast.secretary, "secretary")
    assert response.status_code == 404
    assert not Position.objects.exists()


def test_the_cell_page_lists_the_secretary_before_the_deputy(cast, as_user):
    client = as_user(cast.leader_user)
    post_position(client, cast, cast.member, "deputy")
    post_position(client, cast, cast.secretary, "secretary")
    current = client.get(reverse("members:cell_committee", args=[cast.cell.pk])).context["current"]
    assert [(p.kind, p.member) for p in current] == [("secretary", cast.secretary), ("deputy", cast.member)]
