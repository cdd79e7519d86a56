"""Assignments: committee staff assign the committee's own people to units below it, for a term."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chibo.audit.models import AuditEntry
from chibo.supervision import services
from chibo.supervision.access import can_read_unit, units_visible_to
from chibo.supervision.models import Assignment
from tests.factories import make_member, make_user
from tests.supervision.conftest import record_visit

pytestmark = pytest.mark.django_db
D = dt.date


def create(cast, **kw):
    args = dict(
        committee=cast.ward, user=cast.supervisor, unit=cast.cell, valid_from=D(2025, 1, 1), by=cast.staff
    )
    return services.assignment_create(**(args | kw))


def test_staff_assigns_a_supervisor_of_the_ward_to_a_cell(cast):
    a = create(cast, note="Phụ trách địa bàn tổ 1")
    assert (a.unit, a.user, a.valid_until, a.note) == (
        cast.cell,
        cast.supervisor,
        None,
        "Phụ trách địa bàn tổ 1",
    )
    assert AuditEntry.objects.filter(model="supervision.assignment", object_id=str(a.pk)).exists()


def test_a_member_of_the_wards_subtree_may_be_assigned_and_is_linked_to_their_record(cast):
    person = make_member(cast.cell2, full_name="Phạm Văn Cường")
    user = make_user("cuong", member=person)
    a = create(cast, user=user)
    assert a.member == person


def test_someone_outside_the_committee_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        create(cast, user=cast.outsider)
    assert "không thuộc Đảng bộ phường Ba Đình" in error.value.message_dict["user"][0]


def test_a_unit_outside_the_committee_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        create(cast, unit=cast.other_cell)
    assert "không trực thuộc" in error.value.message_dict["unit"][0]


def test_overlapping_terms_for_the_same_unit_are_refused_but_consecutive_ones_pass(cast):
    create(cast, valid_until=D(2025, 7, 1))
    with pytest.raises(ValidationError) as error:
        create(cast, valid_from=D(2025, 6, 1))
    assert "đã được phân công" in error.value.message_dict["valid_from"][0]
    assert create(cast, valid_from=D(2025, 7, 1)).pk


def test_end_before_start_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        create(cast, valid_until=D(2024, 12, 31))
    assert "Đến ngày" in error.value.message_dict["valid_until"][0]


def test_ending_a_term_before_a_recorded_visit_is_refused(cast, held, assignment):
    record_visit(held, assignment)
    with pytest.raises(ValidationError) as error:
        services.assignment_end(assignment=assignment, valid_until=D(2025, 3, 5), by=cast.staff)
    assert "05/03/2025" in error.value.message_dict["valid_until"][0]
    services.assignment_end(assignment=assignment, valid_until=D(2025, 3, 6), by=cast.staff)
    assignment.refresh_from_db()
    assert assignment.valid_until == D(2025, 3, 6)


def test_an_assignment_lets_a_user_without_role_read_the_unit(cast):
    person = make_member(cast.cell2)
    user = make_user("uyvien", member=person)
    assert not can_read_unit(user, cast.cell)
    create(cast, user=user, valid_from=D(2024, 1, 1))
    user = type(user).objects.get(pk=user.pk)  # fresh: the access cache lives on the object
    assert can_read_unit(user, cast.cell) and not can_read_unit(user, cast.other_cell)
    assert cast.cell in units_visible_to(user)


def test_staff_create_an_assignment_on_the_web(client, cast):
    client.force_login(cast.staff)
    url = reverse("supervision:assignments", args=[cast.ward.pk])
    response = client.post(
        url, {"user": cast.supervisor.pk, "unit": cast.cell.pk, "valid_from": "01/01/2025", "note": ""}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(user=cast.supervisor, unit=cast.cell).exists()
    page = client.get(url).content.decode()
    assert "Chi bộ Tổ dân phố số 1" in page and "01/01/2025" in page


def test_web_form_names_the_field_of_a_bad_date(client, cast):
    client.force_login(cast.staff)
    url = reverse("supervision:assignments", args=[cast.ward.pk])
    response = client.post(
        url, {"user": cast.supervisor.pk, "unit": cast.cell.pk, "valid_from": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "Từ ngày: ngày không hợp lệ" in response.content.decode()


def test_a_supervisor_reads_the_assignments_but_cannot_create(client, cast):
    client.force_login(cast.supervisor)
    url = reverse("supervision:assignments", args=[cast.ward.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"user": cast.supervisor.pk, "unit": cast.cell.pk, "valid_from": "01/01/2025"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["outsider", "sibling_leader"])
def test_siblings_get_404_on_assignment_pages(client, cast, assignment, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("supervision:assignments", args=[cast.ward.pk])).status_code == 404
    assert client.get(reverse("supervision:assignment_end", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("supervision:quarter", args=[cast.ward.pk])).status_code == 404


def test_staff_end_an_assignment_on_the_web(client, cast, assignment):
    client.force_login(cast.staff)
    url = reverse("supervision:assignment_end", args=[assignment.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"valid_until": "01/07/2025"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.valid_until == D(2025, 7, 1)


def test_the_supervisor_cannot_end_their_own_assignment(client, cast, assignment):
    client.force_login(cast.supervisor)
    assert client.get(reverse("supervision:assignment_end", args=[assignment.pk])).status_code == 403
