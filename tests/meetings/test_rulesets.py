import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.meetings.models import Meeting, MeetingKind, RuleSet
from chibo.meetings.services.planning import meeting_create, meeting_update
from chibo.meetings.services.rulesets import (
    criterion_update,
    rule_set_for,
    ruleset_copy,
    rulesets_switch,
    rulestep_update,
)

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=19, mm=30):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


def copy_for_ward(cast, valid_from=dt.date(2026, 1, 1)):
    hd42 = RuleSet.objects.get(code="HD42")
    return ruleset_copy(
        source=hd42, owner=cast.ward, code="BD-2026", name="Quy định phường Ba Đình", valid_from=valid_from, by=SYSTEM
    )


def test_the_two_defaults_are_shipped_with_steps_and_sheets(db):
    hd12, hd42 = RuleSet.objects.get(code="HD12"), RuleSet.objects.get(code="HD42")
    assert hd12.owner is None and hd42.owner is None
    assert hd12.valid_until == hd42.valid_from == dt.date(2025, 10, 28)
    assert (hd42.min_minutes_regular, hd42.min_minutes_combined) == (90, 120)
    assert (hd42.materials_days_before, hd42.minutes_days_after) == (1, 2)
    regular = {s.code: s for s in hd42.steps.filter(meeting_kind=MeetingKind.REGULAR)}
    for code in ("roll_call", "task_review", "discussion", "assign_tasks", "vote", "minutes"):
        assert regular[code].mandatory
    for code in ("party_fees", "praise", "requests"):
        assert not regular[code].mandatory
    assert hd42.steps.filter(meeting_kind=MeetingKind.THEMATIC).count() >= 5
    sheet = hd42.sheets.get()
    assert [c.max_points for c in sheet.criteria.all()] == [5, 5, 10, 40, 5, 30, 5]
    assert (sheet.good_from, sheet.fair_from, sheet.average_from) == (90, 70, 50)
    assert sum(c.max_points for c in hd12.sheets.get().criteria.all()) == 100


def test_a_meeting_on_27_october_2025_gets_hd12_and_on_the_28th_hd42(cast):
    before = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2025, 10, 27), by=SYSTEM
    )
    after = meeting_create(
        cell=cast.cell, kind=MeetingKind.THEMATIC, scheduled_at=at(2025, 10, 28), by=SYSTEM
    )
    assert before.rule_set.code == "HD12"
    assert after.rule_set.code == "HD42"


def test_late_evening_is_judged_by_the_local_date_not_utc(cast):
    # 28/10/2025 06:30 in Hanoi is still 27/10 in UTC.
    meeting = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2025, 10, 28, 6, 30), by=SYSTEM
    )
    assert meeting.rule_set.code == "HD42"


def test_the_switch_command_moves_the_boundary_and_rule_set_for_follows(cast):
    planned = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2025, 11, 5), by=SYSTEM
    )
    assert planned.rule_set.code == "HD42"
    call_command("rulesets", "switch", "--date", "01/12/2025")
    assert rule_set_for(cell=cast.cell, day=dt.date(2025, 11, 30)).code == "HD12"
    assert rule_set_for(cell=cast.cell, day=dt.date(2025, 12, 1)).code == "HD42"
    planned.refresh_from_db()
    assert planned.rule_set.code == "HD12"  # a planned meeting follows the new boundary


def test_the_switch_refuses_a_date_before_hd12_starts(db):
    with pytest.raises(ValidationError):
        rulesets_switch(on=dt.date(2018, 1, 1), by=SYSTEM)
    with pytest.raises(Exception, match="dd/mm/yyyy"):
        call_command("rulesets", "switch", "--date", "2025-12-01")


def test_a_committee_copy_wins_for_its_subtree_only(cast):
    copy = copy_for_ward(cast)
    assert copy.steps.count() == RuleSet.objects.get(code="HD42").steps.count()
    assert copy.sheets.get().criteria.count() == 7
    assert rule_set_for(cell=cast.cell, day=dt.date(2026, 2, 1)) == copy
    assert rule_set_for(cell=cast.cell2, day=dt.date(2026, 2, 1)) == copy
    assert rule_set_for(cell=cast.other_cell, day=dt.date(2026, 2, 1)).code == "HD42"
    # Before the copy starts the defaults still apply.
    assert rule_set_for(cell=cast.cell, day=dt.date(2025, 12, 31)).code == "HD42"


def test_the_nearest_owner_wins_over_a_higher_one(cast):
    hd42 = RuleSet.objects.get(code="HD42")
    city = ruleset_copy(
        source=hd42, owner=cast.city, code="HN", name="Thành phố", valid_from=dt.date(2026, 1, 1), by=SYSTEM
    )
    ward = copy_for_ward(cast)
    assert rule_set_for(cell=cast.cell, day=dt.date(2026, 3, 1)) == ward
    assert rule_set_for(cell=cast.other_cell, day=dt.date(2026, 3, 1)) == city


def test_a_planned_meeting_keeps_its_rule_set_until_its_date_changes(cast):
    meeting = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=at(2026, 2, 5), by=SYSTEM)
    assert meeting.rule_set.code == "HD42"
    copy = copy_for_ward(cast)
    meeting.refresh_from_db()
    assert meeting.rule_set.code == "HD42"
    meeting_update(meeting=meeting, scheduled_at=at(2026, 2, 6), by=SYSTEM)
    assert Meeting.objects.get(pk=meeting.pk).rule_set == copy


def test_a_copy_code_must_be_new_and_one_copy_per_document_per_owner(cast):
    copy_for_ward(cast)
    hd42 = RuleSet.objects.get(code="HD42")
    with pytest.raises(ValidationError) as err:
        ruleset_copy(source=hd42, owner=cast.ward2, code="BD-2026", name="x", valid_from=dt.date(2026, 1, 1), by=SYSTEM)
    assert "code" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        ruleset_copy(source=hd42, owner=cast.ward, code="BD-2", name="x", valid_from=dt.date(2026, 1, 1), by=SYSTEM)
    assert "source" in err.value.error_dict


def test_steps_and_criteria_of_a_copy_are_editable_but_the_defaults_are_not(cast):
    copy = copy_for_ward(cast)
    step = copy.steps.get(meeting_kind=MeetingKind.REGULAR, code="party_fees")
    rulestep_update(step=step, order=step.order, title="Báo cáo thu đảng phí", mandatory=True, by=SYSTEM)
    step.refresh_from_db()
    assert step.mandatory and step.title == "Báo cáo thu đảng phí"
    criterion = copy.sheets.get().criteria.get(code="attendance")
    criterion_update(criterion=criterion, title=criterion.title, max_points=5, full_marks_for_good=True, by=SYSTEM)
    assert copy.sheets.get().criteria.get(code="attendance").full_marks_for_good
    default_step = RuleSet.objects.get(code="HD42").steps.first()
    with pytest.raises(ValidationError):
        rulestep_update(step=default_step, order=1, title="x", mandatory=False, by=SYSTEM)


def test_the_migration_reads_the_switch_date_from_the_environment(monkeypatch):
    import importlib

    migration = importlib.import_module("chibo.meetings.migrations.0002_default_rule_sets")
    monkeypatch.delenv("CHIBO_RULESET_SWITCH_DATE", raising=False)
    assert migration.switch_date() == dt.date(2025, 10, 28)
    monkeypatch.setenv("CHIBO_RULESET_SWITCH_DATE", "01/11/2025")
    assert migration.switch_date() == dt.date(2025, 11, 1)
    monkeypatch.setenv("CHIBO_RULESET_SWITCH_DATE", "2025-12-01")
    assert migration.switch_date() == dt.date(2025, 12, 1)


def test_the_list_command_names_both_defaults(db, capsys):
    call_command("rulesets", "list")
    out = capsys.readouterr().out
    assert "HD12\t06/07/2018 – 28/10/2025" in out and "HD42\t28/10/2025 – nay" in out


def test_docs_rule_sets_lists_every_shipped_step_with_its_code_title_and_mandatory_flag(db):
    """A paper minutes book is imported by step code or title (docs/import-formats.md §9), read from
    docs/rule-sets.md: its tables must be the shipped steps, HD 12's too (meetings before the switch)."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "rule-sets.md").read_text(encoding="utf-8")
    for rule_set in RuleSet.objects.filter(code__in=["HD12", "HD42"]):
        for step in rule_set.steps.all():
            line = f"| `{step.code}` | {step.title} | {'có' if step.mandatory else 'không'} |"
            assert line in doc, (rule_set.code, step.meeting_kind, line)
