"""The materials policies (chibo/materials/access.py): who sees and changes a material, who publishes
and attaches; a sibling ward's staff is refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from chibo.materials import access, services
from tests.materials.conftest import publish
from tests.meetings.conftest import make_meeting, rule_set  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_material_policy_allows_the_publisher_and_refuses_the_sibling(cast):
    material = publish(cast.ward, by=cast.staff)
    assert access.material.can_edit(cast.staff, material) and access.material.can_see_opens(
        cast.staff, material
    )
    assert access.material.can_view(cast.member_user, material)
    assert not access.material.can_edit(cast.leader_user, material)
    with pytest.raises(PermissionDenied):
        access.material.check_opens(cast.member_user, material)
    assert not access.material.can_view(cast.outsider, material)
    with pytest.raises(Http404):
        access.material.get_for_user(cast.outsider, material.pk)
    with pytest.raises(PermissionDenied):
        services.material_file_add(material=material, uploads=[], by=cast.leader_user)


def test_publishing_is_for_committee_staff_only(cast):
    assert access.can_publish_for(cast.staff, cast.ward)
    assert not access.can_publish_for(cast.outsider, cast.ward)
    assert not access.can_publish_for(cast.staff, cast.cell)  # cells do not publish
    with pytest.raises(PermissionDenied):
        publish(cast.ward, by=cast.outsider)


def test_attaching_is_for_the_cell_leaders(cast, rule_set):  # noqa: F811
    meeting = make_meeting(cast.cell, rule_set, when=timezone.now() + dt.timedelta(days=3))
    material = publish(cast.ward, by=cast.staff)
    assert access.can_attach(cast.leader_user, meeting) and not access.can_attach(
        cast.sibling_leader, meeting
    )
    with pytest.raises(PermissionDenied):
        services.material_attach(material=material, meeting=meeting, by=cast.sibling_leader)
