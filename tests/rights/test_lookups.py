"""The supervision and meetings modules read rights through the access layer: registry rights count."""

import datetime as dt

from django.contrib.auth import get_user_model

from chibo.common.access import SYSTEM
from chibo.meetings.access import can_confirm_score
from chibo.meetings.services.preparation import supervisors_of
from chibo.members.models import PositionKind
from chibo.members.services import position_assign
from chibo.orgs.models import RoleKind
from chibo.orgs.services import role_grant
from chibo.supervision import access as supervision_access
from chibo.supervision.services import is_committee_user
from tests.factories import make_member, make_user


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_a_secretary_with_only_a_position_leads_the_cell_for_supervision(cast):
    member = make_member(cast.cell, full_name="Vũ Thị Lan")
    user = make_user("lan", member=member)
    assert not supervision_access.is_cell_leader(fresh(user), cast.cell)
    position_assign(
        member=member, cell=cast.cell, kind=PositionKind.SECRETARY, valid_from=dt.date(2024, 1, 1), by=SYSTEM
    )
    assert supervision_access.is_cell_leader(fresh(user), cast.cell)
    assert not supervision_access.is_cell_leader(fresh(user), cast.cell2)
    assert cast.cell in supervision_access.role_orgs(fresh(user))


def test_granted_supervisors_and_staff_are_found_by_the_reverse_lookups(cast):
    newcomer = make_user("moi")
    role_grant(
        user=newcomer,
        organisation=cast.ward,
        role=RoleKind.SUPERVISOR,
        valid_from=dt.date(2024, 1, 1),
        reason="QĐ 1",
        by=cast.staff,
    )
    assert newcomer in supervisors_of(cast.cell, dt.date(2025, 1, 1))
    assert newcomer not in supervisors_of(cast.cell, dt.date(2023, 12, 31))
    assert newcomer not in supervisors_of(cast.other_cell, dt.date(2025, 1, 1))
    assert can_confirm_score(fresh(newcomer), cast.cell)
    assert not can_confirm_score(fresh(newcomer), cast.ward)  # the upper level only
    assert is_committee_user(newcomer, cast.ward, dt.date(2025, 1, 1))
    assert not is_committee_user(newcomer, cast.ward2, dt.date(2025, 1, 1))
