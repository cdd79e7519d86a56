"""The procedure rule (DOMAIN §4, T3) exists twice: meetings.rules.procedure over one meeting's rows
(the scoring screen, the "what to fix" list) and meetings.selectors.full_procedure_q in SQL (the facts
of thousands of meetings). On every shape of step records, both say the same meetings are full, and a
held regular meeting with no step records is never full: not in the facts, and named in what to fix."""

import datetime as dt

import pytest

from chibo.meetings.models import Meeting, MeetingKind, MeetingStatus, MeetingStep, RuleSet, RuleStep
from chibo.meetings.rules import StepRecord, procedure
from chibo.meetings.selectors import full_procedure_q, procedures_of
from chibo.reporting import facts, fixes, periods
from chibo.reporting.models import CellMonthFact
from tests.factories import make_org
from tests.meetings.scoring_data import local

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)


@pytest.fixture
def ward():
    return make_org("Phường Thử", kind="grassroots")


@pytest.fixture
def rules():
    rs = RuleSet.objects.create(
        code="PROC-TEST",
        name="Quy định thử bước",
        document_number="09-HD/TEST",
        document_date=dt.date(2018, 1, 1),
        valid_from=dt.date(2018, 1, 1),
    )
    for order, (code, title, mandatory) in enumerate(
        [("open", "Khai mạc", True), ("roll", "Điểm danh", True), ("news", "Thông tin thời sự", False)],
        start=1,
    ):
        RuleStep.objects.create(
            rule_set=rs,
            meeting_kind=MeetingKind.REGULAR,
            order=order,
            code=code,
            title=title,
            mandatory=mandatory,
        )
    RuleStep.objects.create(
        rule_set=rs, meeting_kind=MeetingKind.THEMATIC, order=1, code="topic", title="Trình bày chuyên đề"
    )
    return rs


def _meeting(cell, rule_set, day=5, kind=MeetingKind.REGULAR):
    at = local(2025, 3, day, 19, 30)
    return Meeting.objects.create(
        cell=cell,
        rule_set=rule_set,
        kind=kind,
        scheduled_at=at,
        status=MeetingStatus.HELD,
        started_at=at,
        ended_at=at + dt.timedelta(hours=2),
    )


def _record(meeting, rule_step, done, *, order=None, mandatory=None, title=None):
    return MeetingStep.objects.create(
        meeting=meeting,
        rule_step=rule_step,
        order=order or (rule_step.order if rule_step else 99),
        title=title or rule_step.title,
        mandatory=rule_step.mandatory if mandatory is None else mandatory,
        done=done,
    )


def _copy(meeting, rules, *, undone=()):
    for rs in RuleStep.objects.filter(rule_set=rules, meeting_kind=meeting.kind):
        _record(meeting, rs, rs.code not in undone)


@pytest.fixture
def shapes(ward, rules):
    """name → meeting: every shape of step records the app, imports and later rule edits can leave."""
    open_, roll, news = RuleStep.objects.filter(rule_set=rules, meeting_kind=MeetingKind.REGULAR).order_by(
        "order"
    )
    bare = RuleSet.objects.create(
        code="BARE", name="Không có bước bắt buộc", document_number="10-HD/TEST",
        document_date=dt.date(2018, 1, 1), valid_from=dt.date(2018, 1, 1),
    )  # fmt: skip
    optional = RuleStep.objects.create(
        rule_set=bare, meeting_kind=MeetingKind.REGULAR, order=1, code="x", title="Tùy chọn", mandatory=False
    )
    m = {}
    for day, name in enumerate(
        ["all_done", "no_records", "mandatory_undone", "optional_undone", "partial_records",
         "only_done_imported", "unlinked_record_undone", "unlinked_record_done", "demoted_copy",
         "bare_with_record", "bare_without_record", "thematic_steps_ignored"],
        start=1,
    ):  # fmt: skip
        cell = make_org(f"Chi bộ {name}", parent=ward)
        rule_set = bare if name.startswith("bare") else rules
        m[name] = _meeting(cell, rule_set, day=day)
    _copy(m["all_done"], rules)
    _copy(m["mandatory_undone"], rules, undone={"roll"})
    _copy(m["optional_undone"], rules, undone={"news"})
    # Records for some steps only: the unrecorded mandatory one is not done.
    _record(m["partial_records"], open_, True)
    _record(m["partial_records"], news, True)
    _record(m["only_done_imported"], open_, True)
    _record(m["only_done_imported"], roll, True)
    # A record whose rule step was deleted since (rule_step empty): its own flag decides.
    _copy(m["unlinked_record_undone"], rules)
    _record(m["unlinked_record_undone"], None, False, order=50, mandatory=True, title="Bước đã xóa")
    _copy(m["unlinked_record_done"], rules)
    _record(m["unlinked_record_done"], None, True, order=50, mandatory=True, title="Bước đã xóa")
    # Copied as optional, made mandatory in the rule set later: the meeting's record decides.
    _record(m["demoted_copy"], open_, True)
    _record(m["demoted_copy"], roll, False, mandatory=False)
    _record(m["bare_with_record"], optional, False)
    # A thematic step of the same rule set does not make a regular meeting's procedure incomplete.
    _copy(m["thematic_steps_ignored"], rules)
    return m


FULL = {"all_done", "optional_undone", "only_done_imported", "unlinked_record_done", "demoted_copy",
        "bare_with_record", "thematic_steps_ignored"}  # fmt: skip


def test_the_in_memory_rule_and_the_sql_twin_agree_on_every_shape(shapes):
    meetings = list(shapes.values())
    in_memory = {pk for pk, p in procedures_of(meetings).items() if p.full}
    in_sql = set(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .filter(full_procedure_q())
        .values_list("pk", flat=True)
    )
    assert in_memory == in_sql
    assert {name for name, m in shapes.items() if m.pk in in_sql} == FULL
    # The negation, as the "what to fix" list reads it, is the complement.
    not_full = set(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .filter(~full_procedure_q())
        .values_list("pk", flat=True)
    )
    assert not_full == {m.pk for m in meetings} - in_sql


def test_what_is_missing_names_the_unrecorded_and_undone_mandatory_steps(shapes):
    p = procedures_of(shapes.values())
    assert p[shapes["partial_records"].pk].missing == ("Điểm danh",)
    assert p[shapes["mandatory_undone"].pk].missing == ("Điểm danh",)
    assert p[shapes["unlinked_record_undone"].pk].missing == ("Bước đã xóa",)
    none = p[shapes["no_records"].pk]
    assert (none.recorded, none.full, none.missing) == (False, False, ("Khai mạc", "Điểm danh"))
    bare = p[shapes["bare_without_record"].pk]
    assert (bare.recorded, bare.full, bare.mandatory) == (False, False, ())


def test_the_pure_rule():
    assert not procedure([], []).full
    assert procedure([StepRecord(None, "Khai mạc", True, True)], []).full
    assert procedure(
        [StepRecord(1, "Khai mạc", True, True)], [(1, "Khai mạc"), (2, "Điểm danh")]
    ).missing == ("Điểm danh",)


def test_a_held_meeting_without_step_records_is_not_a_full_procedure(ward, rules):
    # Given two cells that held their March meeting: one recorded every step done, one recorded none
    done, bare = make_org("Chi bộ Đủ bước", parent=ward), make_org("Chi bộ Chưa ghi", parent=ward)
    _copy(_meeting(done, rules), rules)
    silent = _meeting(bare, rules, day=12)
    # When the facts are rebuilt
    facts.rebuild_month(MARCH)
    # Then only the first counts for T3, though both held a regular meeting
    rows = {f.cell_id: f for f in CellMonthFact.objects.filter(month=MARCH)}
    assert (rows[done.pk].regular_ok, rows[done.pk].procedure_ok) == (1, 1)
    assert (rows[bare.pk].regular_ok, rows[bare.pk].procedure_ok) == (1, 0)
    # And the "what to fix" list names the silent meeting: no steps recorded, not a list of titles
    [gap] = [
        r for r in fixes.meetings_missing_steps_or_materials(ward, periods.month(2025, 3)) if r.cell == bare
    ]
    assert gap.meeting == silent
    assert (gap.steps_recorded, gap.missing_steps) == (False, ())
    assert gap.steps_text == "chưa ghi các bước sinh hoạt"
    # Recording the steps (all done) makes it full
    _copy(silent, rules)
    facts.rebuild_month(MARCH)
    assert CellMonthFact.objects.get(month=MARCH, cell=bare).procedure_ok == 1


def test_the_materials_rule_and_its_sql_form_agree_at_the_24_hour_edge(ward, rules):
    """T2 (DOMAIN §8) is meetings.rules.materials_on_time; the "what to fix" list filters it in SQL."""
    offsets = {"none": None, "day_minus_a_minute": 24 * 60 - 1, "exactly_a_day": 24 * 60, "two_days": 48 * 60}
    cells = {}
    for day, (name, minutes) in enumerate(offsets.items(), start=1):
        cell = cells[name] = make_org(f"Chi bộ {name}", parent=ward)
        meeting = _meeting(cell, rules, day=day)
        _copy(meeting, rules)
        if minutes is not None:
            meeting.materials_published_at = meeting.started_at - dt.timedelta(minutes=minutes)
            meeting.save(update_fields=["materials_published_at"])
    facts.rebuild_month(MARCH)
    on_time = {
        name for name, cell in cells.items() if CellMonthFact.objects.get(month=MARCH, cell=cell).materials_ok
    }
    listed = {
        name
        for gap in fixes.meetings_missing_steps_or_materials(ward, periods.month(2025, 3))
        for name, cell in cells.items()
        if gap.cell == cell and gap.materials_late
    }
    assert on_time == {"exactly_a_day", "two_days"}
    assert listed == set(offsets) - on_time
