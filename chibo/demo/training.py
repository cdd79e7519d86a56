"""Demo courses: for the first wards a party-work course held two months ago (most of the untrained
leaders it took completed it, with certificate numbers), an upcoming one with a few enrolled, and a
city-wide new-knowledge update. About half of the leaders the generator left untrained stay untrained,
so the gap list shows names."""

import datetime as dt

from chibo.common.access import SYSTEM
from chibo.common.dates import today
from chibo.demo.generator import SeedResult
from chibo.members.models import TrainingKind
from chibo.orgs.models import Organisation
from chibo.training import selectors, services
from chibo.training.models import ParticipationStatus

WARDS = 3  # bounded: the demo may have many wards
PER_COURSE = 12


def _course(organiser, title, kind, starts_on, days, place, hours, by, online=False):
    return services.course_create(
        title=title,
        kind=kind,
        organiser=organiser,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days),
        place=place,
        online=online,
        hours=hours,
        by=by,
    )


def seed(result: SeedResult, users: dict) -> None:
    # The demo acts for nobody in particular: its staff user does not write every ward it seeds.
    by = SYSTEM
    day = today()
    city = Organisation.objects.get(pk=result.root_id)
    wards = list(Organisation.objects.filter(pk__in=result.ward_ids[:WARDS]).order_by("path"))
    held_on = day - dt.timedelta(days=60)
    for n, ward in enumerate(wards):
        missing = selectors.untrained_leaders(ward, day)
        # Every other untrained leader takes the past course: the rest stay on the gap list.
        taken = missing[::2][:PER_COURSE]
        past = _course(
            ward,
            f"Bồi dưỡng kỹ năng, nghiệp vụ công tác Đảng cho cấp ủy chi bộ năm {held_on.year}",
            TrainingKind.PARTY_WORK,
            held_on,
            3,
            f"Hội trường {ward.name}",
            24,
            by,
        )
        created, _ = services.participations_enrol(course=past, people=taken, by=by, allow_past=True)
        for i, participation in enumerate(created):
            if i % 5 == 4:  # attended but has not passed the final assessment
                status, number = ParticipationStatus.ATTENDED, ""
            else:
                status, number = ParticipationStatus.COMPLETED, f"{100 + 10 * n + i}/CC-ĐU"
            services.participation_set_status(
                participation=participation, status=status, certificate_number=number, by=by
            )
        upcoming = _course(
            ward,
            "Bồi dưỡng nghiệp vụ công tác Đảng cho bí thư, phó bí thư chi bộ mới",
            TrainingKind.PARTY_WORK,
            day + dt.timedelta(days=14),
            2,
            f"Trung tâm Chính trị {ward.name.removeprefix('Đảng bộ ')}",
            16,
            by,
        )
        still_missing = selectors.untrained_leaders(ward, day)
        services.participations_enrol(course=upcoming, people=still_missing[:3], by=by)
    update = _course(
        city,
        "Cập nhật kiến thức mới: chuyển đổi số trong công tác đảng",
        TrainingKind.NEW_KNOWLEDGE,
        day - dt.timedelta(days=30),
        1,
        "",
        8,
        by,
        online=True,
    )
    people = []
    for ward in wards:
        people += selectors.leaders_of(ward, day)[:4]
    created, _ = services.participations_enrol(course=update, people=people, by=by, allow_past=True)
    for participation in created:
        services.participation_set_status(
            participation=participation, status=ParticipationStatus.COMPLETED, by=by
        )
