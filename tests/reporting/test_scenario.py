"""The hand-built scenario (scenario.py): every indicator's numerator and denominator, from the base
tables, from the fact tables after a rebuild and after incremental refreshes, and through the CLI."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from chibo.reporting import engine, facts, periods
from chibo.reporting.indicators import KEYS
from tests.reporting.scenario import EXPECTED_BD, EXPECTED_BD01, MARCH, build
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def pairs(result):
    return {key: (ind.numerator, ind.denominator) for key, ind in result.items()}


@pytest.fixture
def scenario(cast, task_rules):  # noqa: F811
    return build(cast, task_rules)


def test_every_indicator_of_the_ward_from_the_base_tables(cast, scenario):
    assert pairs(engine.compute(cast.ward, periods.month(2025, 3))) == EXPECTED_BD


def test_the_cell_on_its_own(cast, scenario):
    assert pairs(engine.compute(cast.cell, periods.month(2025, 3))) == EXPECTED_BD01


def test_the_fact_tables_give_the_same_numbers(cast, scenario):
    facts.rebuild_month(MARCH)
    assert pairs(engine.from_facts(cast.ward, periods.month(2025, 3))) == EXPECTED_BD
    assert pairs(engine.from_facts(cast.cell, periods.month(2025, 3))) == EXPECTED_BD01
    city = pairs(engine.from_facts(cast.city, periods.month(2025, 3)))
    assert city == pairs(engine.compute(cast.city, periods.month(2025, 3)))
    assert city["regular_meeting_rate"] == (3, 4)  # HK-09 joins at the city level


def test_json_from_the_cli_has_exactly_the_domain_keys(cast, scenario):
    out = StringIO()
    call_command("indicators", "BD", "--month", "2025-03", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == list(KEYS)
    for key, (num, den) in EXPECTED_BD.items():
        assert data[key] == {"numerator": num, "denominator": den, "value": num / den}


def test_cli_text(cast, scenario):
    out = StringIO()
    call_command("indicators", "BD-01", "--month", "2025-03", stdout=out)
    text = out.getvalue()
    assert "Chi bộ Tổ dân phố số 1 (BD-01) — tháng 3/2025" in text
    assert "attendance_rate" in text and "7 / 9 lượt" in text.replace("  ", " ")
    out = StringIO()
    call_command("indicators", "BD", "--quarter", "2025-Q1", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if "regular_meeting_rate" in line)
    assert "lượt chi bộ-tháng" in line  # cells summed over three months are cell-months
