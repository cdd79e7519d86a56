import datetime as dt

from chibo.resolutions import services
from chibo.resolutions.models import ResolutionStatus, TaskStatus
from chibo.resolutions.selectors import review_tasks, task_coverage
from tests.resolutions.conftest import hold_meeting, local


def test_assign_review_carry_and_resolution(cast, held, next_meeting, task_rules):
    tasks = services.task_assign(
        meeting=held,
        members=[cast.secretary, cast.member],
        text="Vận động đóng quỹ",
        due_on=dt.date(2025, 3, 30),
        by=cast.leader_user,
    )
    assert [t.report_meeting_id for t in tasks] == [next_meeting.pk, next_meeting.pk]
    cov = task_coverage(cast.cell, dt.date(2025, 3, 31))
    assert (cov.numerator, cov.denominator) == (2, 2)
    services.task_report(task=tasks[1], by=cast.member_user, text="Đã vận động 10 hộ", progress=50)
    tasks[1].refresh_from_db()
    assert tasks[1].status == TaskStatus.IN_PROGRESS
    april = hold_meeting(cast, task_rules, local(2025, 4, 9, 19, 30))
    assert {t.pk for t in review_tasks(april)} == {t.pk for t in tasks}
    services.task_evaluate(task=tasks[0], meeting=april, outcome=TaskStatus.DONE, by=cast.leader_user)
    services.task_evaluate(
        task=tasks[1],
        meeting=april,
        outcome=TaskStatus.CARRIED_OVER,
        new_due_on=dt.date(2025, 4, 30),
        by=cast.leader_user,
    )
    tasks[1].refresh_from_db()
    follow = tasks[1].carried_to
    assert follow.meeting_id == april.pk and follow.progress == 50
    resolution = services.resolution_build(meeting=april, by=cast.leader_user)
    assert "Lê Văn An" in resolution.results and "Chuyển kỳ sau" in resolution.results
    assert "Lê Văn An" in resolution.assignments  # the carried task is assigned again by April's resolution
    resolution = services.resolution_approve(resolution=resolution, by=cast.leader_user)
    assert resolution.status == ResolutionStatus.APPROVED and resolution.number == "01-NQ/CB"
