"""What to fix (cần khắc phục) at the city root, against a bare authenticated view measured in the same run
(issue 14 §3), on a fresh PostgreSQL database.

    .venv/bin/python bench/fixes.py --small                  # 50 cells: well under a minute (CI)
    .venv/bin/python bench/fixes.py --cells 500 --keep       # the issue's size
    .venv/bin/python bench/fixes.py --reuse --db chibo_bench_fixes

Steps: (1) create the database, migrate, build the dataset with the demo generator (seed_hanoi.py's code)
and the facts of its months, then ANALYZE; (2) in this process, through Django's test client (the whole middleware
stack: session, login, second factor, no HTTP server), GET in turn a bare authenticated view (the floor),
the root's "what to fix" page, a ward's, and page 2 of the root's longest list; (3) print p50/p95 of each,
its p95 as a ratio of the floor's p95, and each list's count. It exits with status 1 if the root page's
p95 is above --target times the floor's (5 by default; --no-target only prints the verdict) or a page
does not answer 200.
Timings on a shared machine are noisy; the ratio, taken in one run, is the figure to compare.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import types
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import indicators  # noqa: E402  (bench/ is not a package)
import seed_hanoi  # noqa: E402

SMALL_CELLS = 50
TARGET_RATIO = 5.0  # issue 14 §3: the root "what to fix" p95 ≤ 5× the bare view's p95


def build(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from chibo.reporting import facts

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    result, built = seed_hanoi.build(
        cells=args.cells, members_per_cell=args.members_per_cell, months=args.months, seed=args.seed
    )
    seed_hanoi.print_counts(result, args.db)
    for month in facts.recent_months(args.months):
        facts.rebuild_month(month)
    # A bulk load leaves the planner without statistics until autovacuum passes; production tables have them.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.1f} s (generator {built:.1f} s)")


def ensure_facts(months: int) -> None:
    from chibo.reporting import facts
    from chibo.reporting.models import FactMonth

    for month in facts.recent_months(months):
        if not FactMonth.objects.filter(month=month, rebuilt_at__isnull=False).exists():
            facts.rebuild_month(month)


def install_bare_view() -> None:
    """The project's URLs plus /bench-bare/: an authenticated view that only answers (the floor)."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    import chibo.urls

    module = types.ModuleType("bench_fixes_urls")
    module.urlpatterns = [
        path("bench-bare/", lambda request: HttpResponse(f"ok {request.user.pk}")),
        *chibo.urls.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    # Plain static storage (as indicators.py without --collectstatic): {% static %} is a lookup either way.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    clear_url_caches()


def staff_client(root):
    """A test client logged in as staff of the root, its session past the second factor."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chibo.orgs.models import Role, RoleKind
    from chibo.security import services as security_services

    user, _ = get_user_model().objects.get_or_create(username="bench-khac-phuc")
    Role.objects.get_or_create(user=user, organisation=root, role=RoleKind.STAFF)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = security_services.pending_totp(user)
        security_services.totp_confirm(device=device, by=user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure(client, url: str, runs: int, failures: list) -> list[float]:
    def get():
        response = client.get(url)
        if response.status_code != 200 and f"{url} answered {response.status_code}" not in failures:
            failures.append(f"{url} answered {response.status_code}")
        return response

    times, _ = indicators.timed(get, runs, warmup=2)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help=f"{SMALL_CELLS} cells: cheap enough for CI")
    parser.add_argument("--cells", type=int, default=500)
    parser.add_argument("--members-per-cell", type=int, default=seed_hanoi.FULL_MEMBERS_PER_CELL)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=30, help="requests per page (p50/p95)")
    parser.add_argument("--target", type=float, default=TARGET_RATIO, help="largest root p95 / floor p95")
    parser.add_argument(
        "--no-target",
        action="store_true",
        help="print the verdict without failing on it (CI: the small size keeps the script working)",
    )
    parser.add_argument("--server", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db", help="database name (default chibo_bench_fixes, _small with --small)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on a kept database (facts built if missing)"
    )
    args = parser.parse_args()
    if args.small:
        args.cells = SMALL_CELLS
    args.db = args.db or ("chibo_bench_fixes_small" if args.small else "chibo_bench_fixes")

    if not args.reuse:
        seed_hanoi.create_database(args.server, args.db)
    seed_hanoi.setup_django(args.server, args.db)
    failures: list[str] = []
    try:
        from chibo.common.dates import today
        from chibo.orgs.models import Organisation, OrgKind
        from chibo.reporting import fixes, periods

        if args.reuse:
            ensure_facts(args.months)
        else:
            build(args)
        install_bare_view()
        # The last whole month: every list is judged (the month in progress waits for its meetings).
        last = today().replace(day=1) - dt.timedelta(days=1)
        period = periods.month(last.year, last.month)
        root = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
        ward = Organisation.objects.filter(parent=root).order_by("pk").first()
        cells = Organisation.objects.filter(kind=OrgKind.CELL).count()
        client = staff_client(root)
        counts = {code: fix.listing(root, period).count() for code, fix in fixes.LISTS.items()}
        longest = max(counts, key=counts.get)
        pages = [
            ("bare authenticated view (floor)", "/bench-bare/"),
            (
                f"what to fix, city root ({cells:,} cells)",
                f"/chi-tieu/{root.pk}/can-khac-phuc/?ky={period.code}",
            ),
            ("what to fix, a ward", f"/chi-tieu/{ward.pk}/can-khac-phuc/?ky={period.code}"),
            (
                f"root list {longest}, page 2",
                f"/chi-tieu/{root.pk}/can-khac-phuc/{longest}/?ky={period.code}&trang=2",
            ),
        ]
        print(
            f"\ndatabase {args.db}, {period.label}, {args.runs} requests per page, load {indicators.load_average()}"
        )
        for code, n in counts.items():
            print(f"  {code:<22} {n:>7,} rows")
        results = {label: measure(client, url, args.runs, failures) for label, url in pages}
        floor = indicators.percentile(results[pages[0][0]], 95)
        print("\n| page | p50 | p95 | p95 ÷ floor p95 |\n|---|---|---|---|")
        for label, times in results.items():
            p95 = indicators.percentile(times, 95)
            print(
                f"| {label} | {indicators.ms(statistics.median(times))} | {indicators.ms(p95)} | {p95 / floor:.1f} |"
            )
        ratio = indicators.percentile(results[pages[1][0]], 95) / floor
        verdict = "met" if ratio <= args.target else "MISSED"
        print(f"\nroot what to fix: {ratio:.1f}× the floor's p95 (target ≤ {args.target:g}×: {verdict})")
        if ratio > args.target and not args.no_target:
            failures.append(f"root what to fix p95 is {ratio:.1f}× the floor's (target ≤ {args.target:g}×)")
    finally:
        if args.keep or args.reuse:
            from django.db import connections

            connections.close_all()
        else:
            seed_hanoi.drop_database(args.server, args.db)
    if failures:
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
