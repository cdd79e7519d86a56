"""Quality score of a meeting (DOMAIN §7, issue 3 §6): the facts for the scorer, the proposal by the
cell, the confirmation by the upper level. The grade rule itself is in meetings.scoring_rules."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Min
from django.utils import timezone

from chibo.audit.models import Action
from chibo.audit.services import audit_bulk, audit_log, snapshot
from chibo.common.access import is_system
from chibo.meetings import access
from chibo.meetings import rules as meeting_rules
from chibo.meetings import scoring_rules as rules
from chibo.meetings.models import (
    Attendance,
    Meeting,
    MeetingMaterial,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Score,
    ScoreItem,
    ScoringCriterion,
    ScoringSheet,
    Speech,
)
from chibo.meetings.rules import duration_minutes, minimum_minutes
from chibo.meetings.selectors import procedures_of

LOCKED = "Điểm của buổi sinh hoạt này đã được cấp trên xác nhận; không thể chấm lại."


def field_name(criterion_id: object) -> str:
    """The form field (and ValidationError key) of a criterion, so service errors land on its box."""
    return f"criterion_{criterion_id}"


# --- reads ---------------------------------------------------------------------------------------------


def sheet_for(meeting: Meeting) -> ScoringSheet | None:
    """The rule set's sheet for the meeting's kind, else its sheet for every kind."""
    sheets = {s.meeting_kind: s for s in ScoringSheet.objects.filter(rule_set_id=meeting.rule_set_id)}
    return sheets.get(meeting.kind) or sheets.get("")


def score_facts(meeting: Meeting, *, now=None) -> rules.Facts:
    """What the stored records of a meeting already show, for the scorer (a handful of queries)."""
    now = now or timezone.now()
    rule_set = meeting.rule_set
    roll = [
        rules.RollLine(member_id=m, status=s, is_exempt=e, spoke=sp)
        for m, s, e, sp in Attendance.objects.filter(meeting=meeting).values_list(
            "member_id", "status", "is_exempt", "spoke"
        )
    ]
    present, required = rules.roll_attendance(roll)
    speech_members = Speech.objects.filter(meeting=meeting, member__isnull=False).values_list(
        "member_id", flat=True
    )
    speakers, present_all = rules.speaker_counts(roll, speech_members)

    # A thematic meeting names the regular one it shares a session with; either end of the link counts.
    shares = (
        meeting.shares_session_with_id is not None
        or Meeting.objects.filter(shares_session_with=meeting)
        .exclude(status=MeetingStatus.CANCELLED)
        .exists()
    )
    minimum = minimum_minutes(
        kind=meeting.kind,
        shared=shares,
        regular=rule_set.min_minutes_regular,
        thematic=rule_set.min_minutes_thematic,
        combined=rule_set.min_minutes_combined,
    )

    # The steps recorded (copied when the meeting opened, or imported), judged by the one rule.
    procedure = procedures_of([meeting])[meeting.pk]

    start = meeting.started_at or meeting.scheduled_at
    first_material = MeetingMaterial.objects.filter(meeting=meeting, published_at__isnull=False).aggregate(
        first=Min("published_at")
    )["first"]
    approved_at = (
        Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED)
        .values_list("approved_at", flat=True)
        .first()
    )
    return rules.Facts(
        present=present,
        required=required,
        duration=duration_minutes(meeting.started_at, meeting.ended_at),
        min_minutes=minimum,
        shares_session=shares,
        speakers=speakers,
        present_all=present_all,
        steps_done=procedure.done,
        steps_total=len(procedure.mandatory),
        missing_steps=procedure.missing,
        materials_first_at=first_material,
        materials_deadline=rules.materials_deadline(start, rule_set.materials_days_before),
        materials_on_time=rules.materials_on_time(first_material, start, rule_set.materials_days_before),
        minutes_approved_at=approved_at,
        minutes_deadline=meeting_rules.minutes_deadline(
            timezone.localdate(start), rule_set.minutes_days_after
        ),
        minutes_on_time=meeting_rules.minutes_on_time(
            approved_on=timezone.localdate(approved_at) if approved_at else None,
            meeting_day=timezone.localdate(start),
            days_after=rule_set.minutes_days_after,
            today=timezone.localdate(now),
        ),
        drafter_assigned=meeting.drafter_id is not None,
        prep_meeting_held=meeting.prep_meeting_on is not None,
        notice_sent=meeting.notice_sent_at is not None,
    )


def suggestions_for(criteria, facts: rules.Facts) -> dict[int, rules.Suggestion]:
    """{criterion id: suggestion} for the criteria a fact measures (see scoring_rules.SUGGESTERS)."""
    found = {}
    for c in criteria:
        suggestion = rules.suggest(c.code, c.max_points, facts)
        if suggestion is not None:
            found[c.pk] = suggestion
    return found


# --- writes --------------------------------------------------------------------------------------------


def _marks(criteria, points: dict) -> list[rules.Mark]:
    return [
        rules.Mark(
            key=c.pk,
            title=c.title,
            max_points=c.max_points,
            full_marks_for_good=c.full_marks_for_good,
            points=int(points.get(c.pk) or 0),
        )
        for c in criteria
    ]


@transaction.atomic
def score_propose(*, meeting: Meeting, points: dict, by, notes: dict | None = None) -> Score:
    """The cell's proposed score: one value per criterion of the sheet, total and grade computed.

    Only for a held meeting, by someone who may write the cell (its leaders, committee staff); a
    score the upper level confirmed is locked. Proposing again replaces the points (a form posted
    twice gives the same score). Trusted callers (demo data, imports) pass `by=SYSTEM`."""
    meeting = Meeting.objects.select_for_update().select_related("cell", "rule_set").get(pk=meeting.pk)
    access.meeting.check_score(by, meeting)
    scorer = None if is_system(by) else by  # SYSTEM acts for nobody: no one is named as the scorer
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(
            f"Chỉ chấm điểm buổi sinh hoạt đã họp xong (buổi này: {meeting.get_status_display().lower()})."
        )
    existing = Score.objects.filter(meeting=meeting).first()
    if existing is not None and existing.confirmed_at is not None:
        raise ValidationError(LOCKED)
    sheet = existing.sheet if existing is not None else sheet_for(meeting)
    if sheet is None:
        raise ValidationError("Bộ quy định của buổi sinh hoạt chưa có phiếu chấm điểm.")
    criteria = list(ScoringCriterion.objects.filter(sheet=sheet).order_by("order"))
    points = {int(k): v for k, v in points.items()}
    unknown = set(points) - {c.pk for c in criteria}
    if unknown:
        raise ValidationError("Có tiêu chí không thuộc phiếu chấm điểm của buổi sinh hoạt này.")
    problems = rules.points_problems(_marks(criteria, {}), points)
    if problems:
        raise ValidationError({field_name(pk): message for pk, message in problems.items()})
    outcome = rules.score_outcome(
        _marks(criteria, points),
        good_from=sheet.good_from,
        fair_from=sheet.fair_from,
        average_from=sheet.average_from,
    )
    org_path = meeting.cell.path
    if existing is None:
        score = Score.objects.create(
            meeting=meeting, sheet=sheet, total=outcome.total, grade=outcome.grade, proposed_by=scorer
        )
        audit_log(user=by, action=Action.CREATE, obj=score, org_path=org_path)
    else:
        score, before = existing, snapshot(existing)
        score.total, score.grade = outcome.total, outcome.grade
        score.proposed_by = scorer
        score.save(update_fields=["total", "grade", "proposed_by"])
        audit_log(user=by, action=Action.UPDATE, obj=score, org_path=org_path, before=before)

    notes = {int(k): (v or "").strip()[:255] for k, v in (notes or {}).items()}
    items = {item.criterion_id: item for item in ScoreItem.objects.filter(score=score)}
    entries: list[tuple[str, models.Model, str, dict | None]] = []
    for c in criteria:
        value, note = int(points[c.pk]), notes.get(c.pk, "")
        item = items.get(c.pk)
        if item is None:
            item = ScoreItem.objects.create(score=score, criterion=c, points=value, note=note)
            entries.append((Action.CREATE, item, org_path, None))
        elif item.points != value or (c.pk in notes and item.note != note):
            before = snapshot(item)
            item.points = value
            if c.pk in notes:
                item.note = note
            item.save(update_fields=["points", "note"])
            entries.append((Action.UPDATE, item, org_path, before))
    audit_bulk(entries, user=by)
    return score


@transaction.atomic
def score_confirm(*, score: Score, by) -> Score:
    """The upper-level attendee confirms the proposed score; from then on it is locked."""
    score = Score.objects.select_for_update().select_related("meeting__cell").get(pk=score.pk)
    cell = score.meeting.cell
    access.meeting.check_confirm_score(by, score.meeting)
    if score.confirmed_at is not None:
        raise ValidationError(
            f"Điểm đã được xác nhận lúc {timezone.localtime(score.confirmed_at):%H:%M %d/%m/%Y}."
        )
    before = snapshot(score)
    score.confirmed_by, score.confirmed_at = None if is_system(by) else by, timezone.now()
    score.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_log(user=by, action=Action.UPDATE, obj=score, org_path=cell.path, before=before)
    return score
