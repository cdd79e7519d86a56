"""The demo's supervision: assignments over the first ward's cells, visits each quarter, recommendations
in every state, and the indicator's supervised cells fed by them."""

import pytest

from chibo.common.dates import local_midnight, today
from chibo.demo.accounts import create_demo_accounts
from chibo.demo.extras import demo_users
from chibo.demo.generator import SeedSpec, seed
from chibo.demo.supervision import seed as seed_supervision
from chibo.orgs.models import Organisation, RoleKind
from chibo.supervision import rules
from chibo.supervision.models import Assignment, Recommendation, RecommendationStatus, Visit
from chibo.supervision.selectors import supervised_cells

pytestmark = pytest.mark.django_db


def test_demo_supervision():
    result = seed(SeedSpec(cells=8, members_per_cell=12, months=7, seed=3))
    create_demo_accounts(result)
    users = demo_users()
    seed_supervision(result, users)
    ward = Organisation.objects.get(pk=result.ward_ids[0])
    cells = Organisation.objects.filter(path__startswith=ward.path).cells()
    assert Assignment.objects.count() == cells.count()
    assert Assignment.objects.filter(
        user=users[RoleKind.SUPERVISOR], unit_id=result.showcase_cell_id
    ).exists()
    assert Assignment.objects.values("user").distinct().count() == 4
    visits = Visit.objects.select_related("assignment", "meeting")
    assert visits.filter(cell_id=result.showcase_cell_id).exists()
    for v in visits:
        assert v.assignment.is_active_on(v.visited_on) and v.meeting.cell_id == v.cell_id
        assert v.meeting.status == "held"
    statuses = set(Recommendation.objects.values_list("status", flat=True))
    assert statuses == {RecommendationStatus.OPEN, RecommendationStatus.ANSWERED, RecommendationStatus.CLOSED}
    day = today()
    assert any(r.is_overdue(day) for r in Recommendation.objects.all())
    q = rules.quarter_of(day).previous()
    assert supervised_cells(None, local_midnight(q.first_day), local_midnight(q.end))
