"""Demo supervision: the demo supervisor and a few generated ones follow the cells of the first ward,
attend some held meetings every quarter and leave recommendations, some still open (some overdue),
some answered, some closed. The rows are those chibo.supervision.services would have written, made in
bulk with realistic times; a handful of queries whatever the number of cells."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from chibo.common.dates import today
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.members.models import Member
from chibo.orgs.models import Organisation, RoleKind, in_subtree_q
from chibo.orgs.services import role_grant
from chibo.supervision import rules
from chibo.supervision.models import (
    Assignment,
    Rating,
    Recommendation,
    RecommendationStatus,
    Visit,
)

GENERATED = 3  # supervisors besides the demo account
VISIT_SHARE = 0.6  # of (cell, quarter) pairs that get a visit
WEIGHTS = [(Rating.GOOD, 5), (Rating.FAIR, 4), (Rating.AVERAGE, 2), (Rating.WEAK, 1)]
COMMENTS = {
    "preparation": ["Chi ủy họp chuẩn bị trước", "Tài liệu gửi muộn", ""],
    "procedure": ["Đủ các bước theo hướng dẫn", "Bỏ qua bước kiểm điểm nhiệm vụ", ""],
    "attendance": ["Đảng viên đến đúng giờ", "Nhiều đồng chí vắng có lý do", ""],
    "content": ["Có nội dung chuyên đề thiết thực", "Nội dung còn chung chung", ""],
    "chairing": ["Đồng chí bí thư điều hành chặt chẽ", "Điều hành còn lúng túng", ""],
}
WENT_WELL = [
    "Chuẩn bị chu đáo, đúng quy trình.",
    "Nhiều đảng viên phát biểu, thẳng thắn góp ý.",
    "Nghị quyết có nhiệm vụ cụ thể cho từng đảng viên.",
]
TO_FIX = [
    "Thời lượng thảo luận còn ngắn.",
    "Chưa kiểm điểm hết nhiệm vụ tháng trước.",
    "Biên bản ghi chưa đủ ý kiến phát biểu.",
]
RECOMMENDATIONS = [
    "Gửi tài liệu sinh hoạt cho đảng viên trước ít nhất 1 ngày.",
    "Dành ít nhất 30 phút cho thảo luận, phê bình và tự phê bình.",
    "Phân công nhiệm vụ cụ thể cho từng đảng viên đang công tác.",
    "Hoàn thiện biên bản, nghị quyết trong 2 ngày sau buổi sinh hoạt.",
    "Rà soát, đôn đốc đảng viên vắng sinh hoạt nhiều lần.",
    "Xây dựng kế hoạch sinh hoạt chuyên đề của quý.",
]
ANSWERS = [
    "Chi ủy đã thống nhất thực hiện từ buổi sinh hoạt tháng sau.",
    "Chi bộ đã khắc phục, có biên bản kèm theo.",
    "Đã phân công đồng chí phó bí thư theo dõi, đôn đốc.",
]


def _pick(rng: random.Random):
    values, weights = zip(*WEIGHTS, strict=True)
    return rng.choices(values, weights)[0]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _supervisors(ward: Organisation, users: dict, rng: random.Random) -> list:
    """The demo supervisor first, then a few generated people of the ward (members with a supervisor
    role, unusable passwords: they exist to give the quarterly view more than one row)."""
    User = get_user_model()
    out = [users[RoleKind.SUPERVISOR]] if RoleKind.SUPERVISOR in users else []
    granter = users.get(RoleKind.ADMIN)
    if granter is None:
        return out  # rights are granted by someone: without the demo's administrator, no extra supervisors
    members = list(
        Member.objects.filter(
            in_subtree_q(ward, via="memberships__cell"),
            user__isnull=True,
        )
        .distinct()
        .order_by("pk")[:200]
    )
    for i, member in enumerate(rng.sample(members, min(GENERATED, len(members))), start=1):
        user = User(username=f"phutrach{i + 1}")
        family, _, given = member.full_name.rpartition(" ")
        user.first_name, user.last_name = given, family
        user.set_unusable_password()
        user.save()
        role_grant(
            user=user,
            organisation=ward,
            role=RoleKind.SUPERVISOR,
            valid_from=today().replace(month=1, day=1),
            reason="Phân công cấp ủy viên phụ trách (dữ liệu trình diễn)",
            by=granter,
        )
        Member.objects.filter(pk=member.pk).update(user=user)
        out.append(user)
    return out


def seed(result, users) -> None:
    rng = random.Random(2021 * 6)
    day = today()
    ward = Organisation.objects.get(pk=result.ward_ids[0])
    cells = list(Organisation.objects.subtree_of(ward).cells().order_by("path"))
    supervisors = _supervisors(ward, users, rng)
    if not cells or not supervisors:
        return
    held = list(
        Meeting.objects.filter(cell__in=cells, status=MeetingStatus.HELD).values_list(
            "pk", "cell_id", "started_at", "scheduled_at"
        )
    )
    if not held:
        return
    first = min(timezone.localdate(s or p) for _, _, s, p in held)
    start = rules.quarter_of(first).first_day
    # The showcase cell goes to the demo supervisor; the rest round-robin.
    cells.sort(key=lambda c: (c.pk != result.showcase_cell_id, c.path))
    staff = users.get(RoleKind.STAFF)
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                committee=ward,
                user=supervisors[i % len(supervisors)],
                member=Member.objects.filter(user=supervisors[i % len(supervisors)]).first(),
                unit=cell,
                valid_from=start,
                note="Phụ trách theo phân công của Đảng ủy phường",
                created_by=staff,
            )
            for i, cell in enumerate(cells)
        ]
    )
    by_cell = {a.unit_id: a for a in assignments}
    # One candidate meeting per (cell, quarter), the last held one of the quarter.
    candidates = {}
    for pk, cell_id, started, scheduled in sorted(held, key=lambda r: r[2] or r[3]):
        local = timezone.localdate(started or scheduled)
        candidates[(cell_id, rules.quarter_of(local))] = (pk, local)
    visits, recs_for = [], []
    for (cell_id, _quarter), (meeting_id, local) in sorted(candidates.items(), key=lambda kv: kv[1][1]):
        forced = cell_id == result.showcase_cell_id
        if not forced and rng.random() > VISIT_SHARE:
            continue
        a = by_cell[cell_id]
        visit = Visit(
            meeting_id=meeting_id,
            cell_id=cell_id,
            assignment=a,
            supervisor=a.user,
            visited_on=local,
            went_well=rng.choice(WENT_WELL),
            to_fix=rng.choice(TO_FIX),
        )
        for code, comments in COMMENTS.items():
            setattr(visit, code, _pick(rng))
            setattr(visit, f"{code}_comment", rng.choice(comments))
        visits.append(visit)
        recs_for.append(rng.choice([0, 1, 1, 2]) if not forced else 2)
    visits = Visit.objects.bulk_create(visits)
    recs = []
    for visit, count in zip(visits, recs_for, strict=True):
        for text in rng.sample(RECOMMENDATIONS, count):
            due = visit.visited_on + dt.timedelta(days=rng.choice([14, 30, 45]))
            rec = Recommendation(visit=visit, cell_id=visit.cell_id, text=text, due_on=due)
            age = (day - due).days
            roll = rng.random()
            # Older recommendations were mostly followed through; recent ones are still moving.
            if age > 60 and roll < 0.8 or age > 0 and roll < 0.3:
                answered = min(due, day) - dt.timedelta(days=rng.randint(0, 7))
                rec.answer, rec.answered_at = rng.choice(ANSWERS), _at(max(answered, visit.visited_on), 20)
                rec.status = RecommendationStatus.ANSWERED
                if age > 30 and rng.random() < 0.85:
                    rec.status = RecommendationStatus.CLOSED
                    rec.closed_at, rec.closed_by = (
                        _at(min(due + dt.timedelta(days=7), day), 9),
                        visit.supervisor,
                    )
                    rec.close_note = "Chi bộ đã khắc phục."
            recs.append(rec)
    Recommendation.objects.bulk_create(recs)
    # Leaders of the cells answered: name the showcase cell's secretary where there is one.
    leader = users.get(RoleKind.CELL_LEADER)
    if leader is not None:
        Recommendation.objects.filter(cell_id=result.showcase_cell_id, answered_at__isnull=False).update(
            answered_by=leader
        )
    result.counts["supervision_visit"] = len(visits)
    result.counts["supervision_recommendation"] = len(recs)
