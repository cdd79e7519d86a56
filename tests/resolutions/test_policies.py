"""The resolutions policies (chibo/resolutions/access.py): tasks, resolutions and the meeting-level
rules; a sibling cell's leader and ward's staff are refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chibo.resolutions import access, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(cast, held, next_meeting):
    (task,) = services.task_assign(
        meeting=held,
        members=[cast.member],
        text="Vận động quỹ khuyến học",
        due_on=dt.date(2025, 3, 30),
        by=cast.leader_user,
    )
    return task


def test_the_task_policy(cast, task):
    assert access.task.can_edit(cast.leader_user, task) and access.task.can_evaluate(cast.staff, task)
    assert access.task.can_report(cast.member_user, task) and not access.task.can_edit(cast.member_user, task)
    with pytest.raises(PermissionDenied):
        access.task.check_evaluate(cast.member_user, task)
    for user in (cast.outsider, cast.sibling_leader):
        with pytest.raises(Http404):
            access.task.get_for_user(user, task.pk)
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, by=cast.member_user, text="Khác")
    with pytest.raises(PermissionDenied):
        services.task_report(task=task, by=cast.sibling_leader, text="Không phải của tôi")


def test_the_resolution_policy_hides_a_draft_from_readers(cast, held):
    resolution = services.resolution_build(meeting=held, by=cast.leader_user)
    assert access.resolution.can_read_text(cast.leader_user, resolution)
    assert access.resolution.can_view(cast.member_user, resolution)
    with pytest.raises(PermissionDenied):
        access.resolution.check_read_text(cast.member_user, resolution)
    with pytest.raises(Http404):
        access.resolution.get_for_user(cast.outsider, resolution.pk)
    with pytest.raises(PermissionDenied):
        services.resolution_update(resolution=resolution, by=cast.member_user, results="Khác")


def test_the_meeting_level_rules(cast, held):
    assert access.can_assign_at(cast.leader_user, held) and not access.can_assign_at(
        cast.sibling_leader, held
    )
    assert access.can_read_meeting_tasks(cast.staff, held)
    assert not access.can_read_meeting_tasks(cast.member_user, held)
    with pytest.raises(PermissionDenied):
        access.require_read_meeting_tasks(cast.outsider, held)
    with pytest.raises(PermissionDenied):
        services.task_assign(
            meeting=held, members=[cast.member], text="X", due_on=None, by=cast.sibling_leader
        )
    assert access.can_see_member_tasks(cast.member_user, cast.member)
    assert not access.can_see_member_tasks(cast.outsider, cast.member)
