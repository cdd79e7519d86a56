"""The demo's courses: some leaders trained through them, some still on the gap list."""

import pytest

from chibo.common.dates import today
from chibo.demo import training as demo_training
from chibo.demo.accounts import create_demo_accounts
from chibo.demo.extras import demo_users
from chibo.demo.generator import SeedSpec, seed
from chibo.orgs.models import Organisation
from chibo.training import selectors
from chibo.training.models import Course, Participation, ParticipationStatus

pytestmark = pytest.mark.django_db


def test_demo_courses_leave_some_leaders_untrained():
    result = seed(SeedSpec(cells=12, members_per_cell=15, months=6, seed=7))
    create_demo_accounts(result)
    demo_training.seed(result, demo_users())
    assert Course.objects.count() >= 3
    completed = Participation.objects.filter(status=ParticipationStatus.COMPLETED)
    assert completed.exists() and all(p.record_id for p in completed)
    assert Participation.objects.filter(status=ParticipationStatus.ENROLLED).exists()
    ward = Organisation.objects.get(pk=result.ward_ids[0])
    summary = selectors.gap_summary(ward, today())
    assert 0 < summary.untrained < summary.leaders / 2  # most trained, some not
