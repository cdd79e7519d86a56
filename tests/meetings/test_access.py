import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.meetings.access import get_meeting_for_user, meetings_visible_to
from chibo.members.models import MembershipKind
from chibo.members.services import membership_open
from chibo.orgs.models import RoleKind
from tests.factories import make_member, make_user
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db


def test_a_member_on_temporary_activity_sees_the_host_cells_meetings_of_that_period_only(cast, rule_set):
    # A member of the sibling ward's cell, hosted by our cell from March to September 2025.
    guest = make_member(cast.other_cell, full_name="Hoàng Văn Khách")
    user = make_user("khach", role=RoleKind.MEMBER, org=cast.other_cell, member=guest)
    membership_open(
        member=guest,
        cell=cast.cell,
        kind=MembershipKind.TEMPORARY,
        valid_from=dt.date(2025, 3, 1),
        valid_until=dt.date(2025, 9, 1),
        by=SYSTEM,
    )
    during = make_meeting(cast.cell, rule_set, when=timezone.make_aware(dt.datetime(2025, 4, 3, 19, 30)))
    after = make_meeting(cast.cell, rule_set, when=timezone.make_aware(dt.datetime(2025, 10, 2, 19, 30)))

    assert get_meeting_for_user(user, during.pk) == during
    with pytest.raises(PermissionDenied):
        get_meeting_for_user(user, during.pk, write=True)
    with pytest.raises(Http404):
        get_meeting_for_user(user, after.pk)
    assert set(meetings_visible_to(user).filter(cell=cast.cell)) == {during}


def test_a_sibling_wards_staff_still_sees_none_of_our_meetings(cast, rule_set):
    meeting = make_meeting(cast.cell, rule_set)
    with pytest.raises(Http404):
        get_meeting_for_user(cast.outsider, meeting.pk)
    assert not meetings_visible_to(cast.outsider).filter(pk=meeting.pk).exists()
