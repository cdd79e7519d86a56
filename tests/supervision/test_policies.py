"""The supervision policies (chibo/supervision/access.py): units, visits, recommendations and
assignments; a sibling ward's staff and leader are refused."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chibo.supervision import access, services

pytestmark = pytest.mark.django_db


def test_the_unit_policy_reads_in_full_or_refuses(cast, assignment):
    assert access.unit.get_for_user(cast.supervisor, cast.cell.pk) == cast.cell
    assert access.unit.can_read(cast.staff, cast.cell)
    with pytest.raises(PermissionDenied):
        access.unit.get_for_user(cast.member_user, cast.cell.pk)  # sees the cell, not its supervision
    with pytest.raises(Http404):
        access.unit.get_for_user(cast.outsider, cast.cell.pk)


def test_the_visit_and_recommendation_policies(cast, visit):
    rec = visit.recommendations.get()
    assert access.visit.can_edit(cast.supervisor, visit) and not access.visit.can_edit(cast.staff, visit)
    assert access.recommendation.can_answer(cast.leader_user, rec)
    assert access.recommendation.can_close(cast.supervisor, rec)
    with pytest.raises(PermissionDenied):
        access.recommendation.check_answer(cast.supervisor, rec)
    for user in (cast.outsider, cast.sibling_leader):
        with pytest.raises(Http404):
            access.visit.get_for_user(user, visit.pk)
        with pytest.raises(Http404):
            access.recommendation.get_for_user(user, rec.pk)
    with pytest.raises(PermissionDenied):
        services.recommendation_answer(recommendation=rec, answer="Đã sửa", by=cast.sibling_leader)
    with pytest.raises(PermissionDenied):
        services.visit_update(visit=visit, by=cast.staff, observation={})


def test_the_assignment_policy_is_for_the_committee_staff(cast, assignment):
    assert access.assignment.can_edit(cast.staff, assignment)
    assert access.can_assign_at(cast.staff, cast.ward) and not access.can_assign_at(cast.staff, cast.cell)
    assert not access.can_assign_at(cast.outsider, cast.ward)
    with pytest.raises(Http404):
        access.assignment.get_for_user(cast.outsider, assignment.pk)
    with pytest.raises(PermissionDenied):
        services.assignment_end(assignment=assignment, valid_until=None, by=cast.supervisor)
