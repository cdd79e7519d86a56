"""Run by tests/scale/test_replica.py in a process of its own, with DATABASE_URL on a throw-away primary and
DATABASE_REPLICA_URL on its streaming replica (the replica alias exists only at settings time). It drives
the pages through Django's test client and prints what it saw as one JSON line."""

import datetime as dt
import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from chibo.common.replica import reading_replica  # noqa: E402
from chibo.orgs.models import OrgKind, RoleKind  # noqa: E402
from chibo.reporting import facts  # noqa: E402
from chibo.reporting.models import OrgMonthFact  # noqa: E402
from tests.factories import make_member, make_org, make_user  # noqa: E402

ZONE = timezone.get_current_timezone()
SEEN = dt.datetime(2021, 3, 4, 5, 6, tzinfo=ZONE)  # replicated before the pause
HIDDEN = dt.datetime(2022, 7, 8, 9, 10, tzinfo=ZONE)  # written on the primary while replay is paused
SAVED: list[str] = []  # the time stamped by the save inside a reporting read (computed_at is auto_now)


def sql(alias: str, query: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()[0]


def caught_up() -> None:
    target = sql("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sql("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    sys.exit("the replica did not catch up within 60 s")


class Capture:
    """Which alias ran which statement."""

    def __init__(self):
        self.statements: list[tuple[str, str]] = []

    def wrapper(self, alias):
        def wrap(execute, sql, params, many, context):
            self.statements.append((alias, sql))
            return execute(sql, params, many, context)

        return wrap

    def __enter__(self):
        self._managers = [connections[a].execute_wrapper(self.wrapper(a)) for a in ("default", "replica")]
        for manager in self._managers:
            manager.__enter__()
        return self

    def __exit__(self, *exc):
        for manager in reversed(self._managers):
            manager.__exit__(*exc)

    def tables_on(self, alias: str) -> list[str]:
        return sorted({t for a, q in self.statements if a == alias for t in TABLES if t in q})

    def writes_on(self, alias: str) -> list[str]:
        verbs = ("INSERT", "UPDATE", "DELETE")
        return [q for a, q in self.statements if a == alias and q.lstrip().upper().startswith(verbs)]


TABLES = (
    '"reporting_orgmonthfact"',
    '"reporting_factmonth"',
    '"reporting_stalecellmonth"',
    '"orgs_organisation"',
    '"django_session"',
)


def page(client: Client, url: str) -> dict:
    with Capture() as capture:
        response = client.get(url)
    text = response.content.decode()
    return {
        "status": response.status_code,
        "seen": "Số liệu tính lúc 05:06 04/03/2021" in text,
        "hidden": "Số liệu tính lúc 09:10 08/07/2022" in text,
        "saved": bool(SAVED) and f"Số liệu tính lúc {SAVED[0]}" in text,
        "replica_tables": capture.tables_on("replica"),
        "default_tables": capture.tables_on("default"),
        "replica_writes": capture.writes_on("replica"),
        "default_writes": len(capture.writes_on("default")),
    }


def main() -> None:
    city = make_org("Đảng bộ Thành phố", kind=OrgKind.CITY, code="HN")
    ward = make_org("Đảng bộ phường Ba Đình", kind=OrgKind.GRASSROOTS, parent=city, code="BD")
    cell = make_org("Chi bộ Tổ dân phố số 1", parent=ward, code="BD-01", cell_kind="residential")
    make_member(cell, full_name="Lê Văn An")
    staff = make_user("canbo", role=RoleKind.STAFF, org=ward)
    facts.build_missing()
    OrgMonthFact.objects.update(computed_at=SEEN)
    client = Client()
    client.force_login(staff)
    caught_up()
    dashboard = reverse("reporting:dashboard", args=[ward.pk])
    fixes = reverse("reporting:fixes", args=[ward.pk])
    out: dict = {"facts": OrgMonthFact.objects.filter(org=ward).count(), "before": page(client, dashboard)}

    # Hold replay: what the primary writes now is not on the replica yet (a lagging replica).
    sql("replica", "SELECT pg_wal_replay_pause()")
    while sql("replica", "SELECT pg_get_wal_replay_pause_state()") != "paused":
        time.sleep(0.05)
    OrgMonthFact.objects.update(computed_at=HIDDEN)
    out["lagging_dashboard"] = page(client, dashboard)
    out["lagging_fixes"] = page(client, fixes)

    # A write inside a reporting read: the row comes from the replica, the save goes to the primary.
    with Capture() as capture, reading_replica() as alias:
        fact = OrgMonthFact.objects.filter(org=ward).order_by("month").last()
        read_from = fact._state.db
        fact.save(update_fields=["computed_at"])
    SAVED.append(timezone.localtime(fact.computed_at).strftime("%H:%M %d/%m/%Y"))
    out["write"] = {
        "alias": alias,
        "read_from": read_from,
        "replica_writes": capture.writes_on("replica"),
        "default_writes": capture.writes_on("default"),
        "on_primary": OrgMonthFact.objects.using("default")
        .filter(pk=fact.pk, computed_at=fact.computed_at)
        .exists(),
        "on_replica": OrgMonthFact.objects.using("replica")
        .filter(pk=fact.pk, computed_at=fact.computed_at)
        .exists(),
    }
    # A page that writes (the reports page expires old jobs) is not a reporting read: primary.
    with Capture() as capture:
        status = client.get(reverse("reporting:reports", args=[ward.pk])).status_code
    out["reports_page"] = {"status": status, "replica_tables": capture.tables_on("replica")}

    sql("replica", "SELECT pg_wal_replay_resume()")
    caught_up()
    out["caught_up_dashboard"] = page(client, dashboard)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
