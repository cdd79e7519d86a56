"""Courses, enrolment and completion: a completed participation is the member's training record, so
T6 (reporting) counts it with no change there."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chibo.audit.models import AuditEntry
from chibo.common.access import SYSTEM
from chibo.common.dates import today
from chibo.members.models import TrainingKind, TrainingRecord
from chibo.reporting import engine, periods
from chibo.training import services
from chibo.training.models import Course, Participation, ParticipationStatus

pytestmark = pytest.mark.django_db


def t6(org, day=None):
    day = day or today()
    ind = engine.compute(org, periods.month(day.year, day.month))["leader_training_rate"]
    return ind.numerator, ind.denominator


def test_course_create_and_update_leave_audit_entries(cast, make_course):
    course = make_course(title="Cập nhật kiến thức mới 2026", kind=TrainingKind.NEW_KNOWLEDGE)
    assert AuditEntry.objects.filter(object_id=str(course.pk), action="create").exists()
    services.course_update(by=SYSTEM, course=course, place="Trực tuyến qua hệ thống", online=True)
    course.refresh_from_db()
    assert course.online and course.place == "Trực tuyến qua hệ thống"
    assert AuditEntry.objects.filter(object_id=str(course.pk), action="update").exists()


def test_course_end_before_start_is_refused_with_the_field(cast):
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            by=SYSTEM,
            title="Lớp sai ngày",
            organiser=cast.ward,
            starts_on=dt.date(2026, 5, 10),
            ends_on=dt.date(2026, 5, 1),
        )
    assert "ends_on" in exc.value.error_dict


def test_same_title_same_start_twice_is_refused(cast, make_course):
    course = make_course()
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            by=SYSTEM,
            title=course.title,
            organiser=cast.ward,
            starts_on=course.starts_on,
            ends_on=course.ends_on,
        )
    assert "title" in exc.value.error_dict


def test_enrolling_twice_adds_nobody(cast, scene, make_course):
    course = make_course()
    people = [(scene.secretary2, cast.cell2), (scene.deputy, cast.cell)]
    created, skipped = services.participations_enrol(by=SYSTEM, course=course, people=people)
    assert (len(created), skipped) == (2, 0)
    created, skipped = services.participations_enrol(by=SYSTEM, course=course, people=people)
    assert (len(created), skipped) == (0, 2)
    assert Participation.objects.filter(course=course).count() == 2


def test_a_cell_outside_the_organisers_subtree_cannot_be_enrolled(cast, scene, make_course):
    course = make_course()  # organised by ward BD
    with pytest.raises(ValidationError) as exc:
        services.participations_enrol(
            by=SYSTEM, course=course, people=[(scene.hk_secretary, cast.other_cell)]
        )
    assert "phạm vi" in exc.value.messages[0]


def test_completion_creates_the_training_record_and_moves_t6(cast, scene, make_course):
    assert t6(cast.ward) == (1, 3)  # only the secretary of BD-01 is within the window
    course = make_course(starts_in=-6, length=2)
    (p,), _ = services.participations_enrol(
        by=SYSTEM, course=course, people=[(scene.secretary2, cast.cell2)], allow_past=True
    )
    services.participation_set_status(by=SYSTEM, participation=p, status=ParticipationStatus.ATTENDED)
    assert not TrainingRecord.objects.filter(member=scene.secretary2).exists()
    services.participation_set_status(
        by=SYSTEM, participation=p, status=ParticipationStatus.COMPLETED, certificate_number="125/CC-ĐU"
    )
    p.refresh_from_db()
    record = p.record
    assert record is not None and record.member == scene.secretary2
    assert (record.course_title, record.kind, record.completed) == (
        course.title,
        TrainingKind.PARTY_WORK,
        True,
    )
    assert (record.started_on, record.ended_on) == (course.starts_on, course.ends_on)
    assert record.organiser == cast.ward.name
    assert p.completed_on == course.ends_on and p.certificate_number == "125/CC-ĐU"
    assert t6(cast.ward) == (2, 3)


def test_uncompleting_removes_the_record_and_t6_goes_back(cast, scene, make_course):
    course = make_course(starts_in=-6, length=2)
    (p,), _ = services.participations_enrol(
        by=SYSTEM, course=course, people=[(scene.secretary2, cast.cell2)], allow_past=True
    )
    services.participation_set_status(by=SYSTEM, participation=p, status=ParticipationStatus.COMPLETED)
    assert t6(cast.ward) == (2, 3)
    record_pk = p.record_id
    services.participation_set_status(by=SYSTEM, participation=p, status=ParticipationStatus.ATTENDED)
    p.refresh_from_db()
    assert p.record is None and p.completed_on is None
    assert not TrainingRecord.objects.filter(pk=record_pk).exists()
    assert t6(cast.ward) == (1, 3)


def test_completing_twice_keeps_one_record(cast, scene, make_course):
    course = make_course(starts_in=-6, length=2)
    (p,), _ = services.participations_enrol(
        by=SYSTEM, course=course, people=[(scene.secretary2, cast.cell2)], allow_past=True
    )
    services.participation_set_status(by=SYSTEM, participation=p, status=ParticipationStatus.COMPLETED)
    services.participation_set_status(
        by=SYSTEM, participation=p, status=ParticipationStatus.COMPLETED, certificate_number="9"
    )
    assert TrainingRecord.objects.filter(member=scene.secretary2).count() == 1


def test_changing_the_course_dates_updates_the_completed_records(cast, scene, make_course):
    course = make_course(starts_in=-6, length=2)
    (p,), _ = services.participations_enrol(
        by=SYSTEM, course=course, people=[(scene.secretary2, cast.cell2)], allow_past=True
    )
    services.participation_set_status(by=SYSTEM, participation=p, status=ParticipationStatus.COMPLETED)
    services.course_update(
        by=SYSTEM, course=course, title="Tên lớp mới", ends_on=course.starts_on + dt.timedelta(days=1)
    )
    records = list(TrainingRecord.objects.filter(member=scene.secretary2))
    assert len(records) == 1
    assert records[0].course_title == "Tên lớp mới" and records[
        0
    ].ended_on == course.starts_on + dt.timedelta(days=1)
    p.refresh_from_db()
    assert p.record_id == records[0].pk


def test_a_course_not_started_cannot_be_completed(cast, scene, make_course):
    course = make_course(starts_in=5)
    (p,), _ = services.participations_enrol(by=SYSTEM, course=course, people=[(scene.secretary2, cast.cell2)])
    with pytest.raises(ValidationError) as exc:
        services.participation_set_status(by=SYSTEM, participation=p, status=ParticipationStatus.COMPLETED)
    assert "status" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.participation_set_status(by=SYSTEM, participation=p, status=ParticipationStatus.ATTENDED)


def test_completion_date_before_the_course_is_refused(cast, scene, make_course):
    course = make_course(starts_in=-6, length=2)
    (p,), _ = services.participations_enrol(
        by=SYSTEM, course=course, people=[(scene.secretary2, cast.cell2)], allow_past=True
    )
    with pytest.raises(ValidationError) as exc:
        services.participation_set_status(
            by=SYSTEM,
            participation=p,
            status=ParticipationStatus.COMPLETED,
            completed_on=course.starts_on - dt.timedelta(days=1),
        )
    assert "completed_on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.participation_set_status(
            by=SYSTEM,
            participation=p,
            status=ParticipationStatus.COMPLETED,
            completed_on=today() + dt.timedelta(days=1),
        )
    assert "completed_on" in exc.value.error_dict


def test_a_finished_course_takes_no_new_enrolment_by_hand(cast, scene, make_course):
    course = make_course(starts_in=-10, length=2)
    with pytest.raises(ValidationError):
        services.participations_enrol(by=SYSTEM, course=course, people=[(scene.secretary2, cast.cell2)])
    assert Course.objects.count() == 1
