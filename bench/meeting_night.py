"""Meeting night (issue 14 §2): secretaries running whole meetings while members read schedules and
staff read dashboards, over HTTP through gunicorn, each concurrency against a bare signed-in page
measured in the same run.

    .venv/bin/python bench/meeting_night.py --small                      # 20 cells, 10 users, 20 s (CI)
    .venv/bin/python bench/meeting_night.py --cells 2000 --keep          # 25, 50 and 200 users
    .venv/bin/python bench/meeting_night.py --cells 2000 --reuse --users 50 --write-results

Steps: (1) create the database, migrate and build the dataset with the demo generator (seed_hanoi.py's
code), ANALYZE, rebuild the current month's facts (what the nightly job leaves); or --reuse a kept one.
(2) Accounts as a real deployment makes them: members' accounts with `accounts_create` and activated
with their code (`account_activate`, a password of their choice); staff of the city and of wards with a
role and a confirmed authenticator (CHIBO_REQUIRE_2FA stays on). Tonight's meetings planned for the
secretaries' cells. (3) gunicorn (gthread: --workers 2 --threads 8 by default) on a free loopback port.
(4) Every account signs in over HTTP: the login form, then for staff the second-factor form with the
code of their authenticator computed from its key, as the phone app would (timed, outside the mix).
(5) Per concurrency: locust headless, first every user on /suc-khoe/ (the floor), then the mix; then
every write the server acknowledged is looked for in the database (lost, doubled). Prints throughput,
its ratio to the floor, p50/p95/p99 per request kind, errors, and PASS/FAIL per target of the issue.
Exit status: 1 on a failed target only with --strict; with --strict-writes, only on errors or on a
lost or doubled write (what CI asserts: the throughput ratios move with the machine's load).
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import indicators  # noqa: E402  (bench/ is not a package)
import seed_hanoi  # noqa: E402

PASSWORD = "dem-sinh-hoat-2026"
SHARES = {"secretary": 5, "member": 3, "staff": 2}  # the locust users' weights (meeting_night_locust.py)
RATIO_TARGETS = {50: 0.5, 200: 0.3}  # mixed throughput / floor's, at these concurrencies (issue 14 §2)
P95_TIMES_FLOOR = 10  # no request kind's p95 above 10 times the floor's


def needed(users: int, role: str) -> int:
    """Accounts of a role for `users` locust users (locust rounds the weights; two to spare)."""
    return math.ceil(users * SHARES[role] / sum(SHARES.values())) + 2


# --- dataset and accounts -----------------------------------------------------------------------------


def step_dataset(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from chibo.common.dates import today
    from chibo.reporting import facts

    if not args.reuse:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        result, built = seed_hanoi.build(
            cells=args.cells, members_per_cell=args.members_per_cell, months=args.months, seed=args.seed
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"dataset built in {time.perf_counter() - started:.1f} s (generation {built:.1f} s)")
        seed_hanoi.print_counts(result, args.db)
        started = time.perf_counter()
        month = today().replace(day=1)
        facts.rebuild_month(month)
        print(f"facts of {month:%m/%Y} rebuilt in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orgs_organisation WHERE kind = 'cell'")
        (cells,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM members_member")
        (members,) = cursor.fetchone()
    args.size = f"{cells:,} cells, {members:,} members"
    print(f"dataset: {args.size}")


def _activate(user) -> None:
    from chibo.accounts.models import ActivationCode
    from chibo.accounts.services import account_activate

    if user.has_usable_password():
        return
    code = ActivationCode.objects.filter(user=user, used_at__isnull=True).order_by("-pk").first()
    account_activate(activation=code, password=PASSWORD)


def step_accounts(args) -> dict:
    """The accounts and tonight's meetings; returns the plan without cookies."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chibo.accounts.services import accounts_create
    from chibo.common.access import SYSTEM
    from chibo.common.dates import today
    from chibo.common.forms import DATE_FORMAT
    from chibo.meetings.models import Meeting, MeetingKind
    from chibo.meetings.services.planning import meeting_create
    from chibo.members.models import Position, PositionKind
    from chibo.members.selectors import roster_on
    from chibo.orgs.models import Organisation, OrgKind, Role, RoleKind
    from chibo.security import services as security_services

    started = time.perf_counter()
    day = today()
    top = max(args.users)
    User = get_user_model()
    root = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
    admin, _ = User.objects.get_or_create(username="bench-quan-tri")
    Role.objects.get_or_create(user=admin, organisation=root, role=RoleKind.ADMIN)

    # Secretaries of active cells; one cell each, as on the night.
    cells, secretaries = [], []
    positions = (
        Position.objects.valid_on(day)
        .filter(kind=PositionKind.SECRETARY, cell__kind=OrgKind.CELL)
        .select_related("member", "cell")
        .order_by("cell_id", "pk")
    )
    for position in positions:
        if position.cell in cells or not position.cell.is_active_on(day):
            continue
        cells.append(position.cell)
        secretaries.append(position.member)
        if len(cells) == needed(top, "secretary"):
            break
    if len(cells) < needed(top, "secretary"):
        raise SystemExit(f"only {len(cells)} cells with a secretary: too few for {top} users")
    for cell in cells:
        accounts_create(org=cell, by=admin, day=day)
    plan: dict = {"tz": timezone.get_current_timezone_name(), "date_format": DATE_FORMAT}
    plan["secretaries"] = []
    for cell, member in zip(cells, secretaries, strict=True):
        member.refresh_from_db()
        _activate(member.user)
        plan["secretaries"].append({"login": member.user.username, "cell": cell.pk, "member": member.pk})

    # Members who read their schedule: one or two a cell, not the secretary.
    plan["members"] = []
    rosters = [
        [m for m in roster_on(cell, day).select_related("user")[:4] if m.pk != sec.pk]
        for cell, sec in zip(cells, secretaries, strict=True)
    ]
    for member, cell in (
        (r[i], c) for i in range(2) for r, c in zip(rosters, cells, strict=True) if len(r) > i
    ):
        if len(plan["members"]) == needed(top, "member"):
            break
        if member.user is None:
            continue
        _activate(member.user)
        plan["members"].append({"login": member.user.username, "cell": cell.pk})

    # Staff of the city and of wards, each with their own authenticator.
    wards = list(Organisation.objects.filter(parent=root).order_by("pk")[: needed(top, "staff")])
    plan["staff"] = []
    for i in range(needed(top, "staff")):
        org, level = (root, "city") if i % 2 == 0 else (wards[i // 2 % len(wards)], "ward")
        user, created = User.objects.get_or_create(username=f"bench-can-bo-{i}")
        if created or not user.has_usable_password():
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        Role.objects.get_or_create(user=user, organisation=org, role=RoleKind.STAFF)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = security_services.pending_totp(user)
            security_services.totp_confirm(device=device, by=user)
        plan["staff"].append({"login": user.username, "org": org.pk, "level": level, "device": device.pk})

    # Tonight's meetings, planned beforehand: a pool per secretary and step, started three hours ago
    # (so they are long enough to close now) a minute apart (a cell's meetings differ by their time).
    base = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    count = 0
    for i, secretary in enumerate(plan["secretaries"]):
        cell = cells[i]
        taken = set(
            Meeting.objects.filter(cell=cell, kind=MeetingKind.REGULAR).values_list("scheduled_at", flat=True)
        )
        moments = (m for k in range(24 * 60) if (m := base - dt.timedelta(minutes=k)) not in taken)
        pools = []
        for users in args.users:
            pool = []
            if i < needed(users, "secretary"):
                for _ in range(args.meetings_per_cell):
                    moment = next(moments)
                    meeting = meeting_create(
                        cell=cell,
                        kind=MeetingKind.REGULAR,
                        scheduled_at=moment,
                        extra_reason="Họp thêm trong đêm đo tải",
                        by=SYSTEM,
                    )
                    count += 1
                    pool.append(
                        {"pk": meeting.pk, "day": moment.strftime(DATE_FORMAT), "start": f"{moment:%H:%M}"}
                    )
            pools.append(pool)
        secretary["pools"] = pools
    print(
        f"accounts: {len(plan['secretaries'])} secretaries, {len(plan['members'])} members, "
        f"{len(plan['staff'])} staff; {count} meetings planned; {time.perf_counter() - started:.1f} s"
    )
    return plan


# --- the server and the logins ------------------------------------------------------------------------


def start_server(args):
    from django.conf import settings

    env = dict(os.environ)
    # Plain static storage: the production storage needs collectstatic's manifest (a minute of hashing),
    # and {% static %} is a dictionary lookup either way (as bench/indicators.py).
    module_dir = Path(settings.DATA_DIR) / "bench_settings"
    module_dir.mkdir(parents=True, exist_ok=True)
    (module_dir / "bench_settings.py").write_text(
        "from chibo.settings import *\n\n"
        "STORAGES = {**STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
    )
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    env["PYTHONPATH"] = os.pathsep.join([str(module_dir), str(BENCH.parent)])
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    port = indicators.free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "chibo.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(command, env=env, cwd=str(BENCH.parent))
    indicators.wait_for(port, proc)
    print(f"gunicorn: {' '.join(command[1:])}")
    return proc, port


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _sign_in(base: str, account: dict, key: bytes | None) -> tuple[dict, float]:
    import requests
    from django_otp.oath import TOTP

    started = time.perf_counter()
    session = requests.Session()
    session.get(f"{base}/dang-nhap/", timeout=120)
    token = session.cookies.get("csrftoken", "")
    data = {"username": account["login"], "password": PASSWORD, "csrfmiddlewaretoken": token}
    answer = session.post(f"{base}/dang-nhap/", data=data, allow_redirects=False, timeout=120)
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {account['login']} answered {answer.status_code}")
    if key is not None:  # the authenticator's code, as the app on the phone computes it
        session.get(f"{base}/bao-mat/xac-thuc/", timeout=120)
        code = str(TOTP(key).token()).zfill(6)
        data = {"code": code, "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
        answer = session.post(f"{base}/bao-mat/xac-thuc/", data=data, allow_redirects=False, timeout=120)
        if answer.status_code != 302:
            raise RuntimeError(f"second factor of {account['login']} answered {answer.status_code}")
    check = session.get(f"{base}/suc-khoe/", allow_redirects=False, timeout=120)
    if check.status_code != 200:
        raise RuntimeError(f"{account['login']} is not signed in after login ({check.status_code})")
    return dict(session.cookies), time.perf_counter() - started


def step_logins(plan: dict, port: int) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    base = f"http://127.0.0.1:{port}"
    keys = {d.pk: d.bin_key for d in TOTPDevice.objects.filter(pk__in=[s["device"] for s in plan["staff"]])}
    jobs = [(a, None) for a in plan["secretaries"] + plan["members"]]
    jobs += [(a, keys[a["device"]]) for a in plan["staff"]]
    from django.db import connections

    connections.close_all()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda job: _sign_in(base, *job), jobs))
    times = []
    for (account, _key), (cookies, seconds) in zip(jobs, results, strict=True):
        account["cookies"] = cookies
        times.append(seconds)
    return f"{len(times)} sign-ins (4 at a time, before the steps): {indicators.p50_p95(times)}"


# --- one concurrency ----------------------------------------------------------------------------------


def run_locust(args, port: int, mode: str, users: int, plan_file: Path, acks: Path, prefix: Path) -> dict:
    env = dict(os.environ, BENCH_NIGHT_PLAN=str(plan_file), BENCH_NIGHT_MODE=mode, BENCH_NIGHT_ACKS=str(acks))
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(BENCH / "meeting_night_locust.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "0",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "ERROR",
    ]
    subprocess.run(command, env=env, cwd=str(BENCH.parent), stdout=subprocess.DEVNULL, check=False)
    kinds = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            kinds[row["Name"]] = {
                "count": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
            }
    failures = []
    with open(f"{prefix}_failures.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            failures.append(f"{row['Occurrences']} × {row['Name']}: {row['Error']}"[:400])
    # An exception in a user's code (a page that could not be read) is an error too.
    exceptions = 0
    with open(f"{prefix}_exceptions.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            exceptions += int(row["Count"])
            failures.append(f"{row['Count']} × exception: {row['Message']}"[:400])
    kinds["Aggregated"]["errors"] += exceptions
    return {"kinds": kinds, "failures": failures}


def check_writes(acks_file: Path) -> dict:
    """Every acknowledged write, looked for in the database: lost (not there as acknowledged) and
    doubled (there twice)."""
    from django.db.models import Count

    from chibo.meetings.models import Attendance, Meeting, MeetingStatus, MeetingStep, Minutes, Vote

    acks = [json.loads(line) for line in acks_file.read_text(encoding="utf-8").splitlines() if line]
    kinds = Counter(a["kind"] for a in acks)
    lost: Counter = Counter()
    doubled: Counter = Counter()
    meetings = {a["meeting"] for a in acks if "meeting" in a}
    status = dict(Meeting.objects.filter(pk__in=meetings).values_list("pk", "status"))
    lines = {
        pk: (meeting, st)
        for pk, meeting, st in Attendance.objects.filter(meeting_id__in=meetings).values_list(
            "pk", "meeting_id", "status"
        )
    }
    done = set(MeetingStep.objects.filter(meeting_id__in=meetings, done=True).values_list("pk", flat=True))
    votes = Counter(Vote.objects.filter(meeting_id__in=meetings).values_list("meeting_id", "motion"))
    minutes = Counter(Minutes.objects.filter(meeting_id__in=meetings).values_list("meeting_id", flat=True))
    for ack in acks:
        kind, meeting = ack["kind"], ack.get("meeting")
        if kind == "open":
            ok = status.get(meeting) in (MeetingStatus.OPEN, MeetingStatus.HELD)
        elif kind == "close":
            ok = status.get(meeting) == MeetingStatus.HELD
        elif kind == "attendance":
            ok = lines.get(ack["line"]) == (meeting, ack["status"])
        elif kind == "step":
            ok = ack["step"] in done
        elif kind == "vote":
            found = votes[(meeting, ack["motion"])]
            ok = found >= 1
            doubled[kind] += found > 1
        elif kind == "minutes":
            ok = minutes[meeting] >= 1
            doubled[kind] += minutes[meeting] > 1
        else:
            continue
        lost[kind] += not ok
    # A roll call or the steps created twice by a repeated opening.
    doubled["roll call line"] = (
        Attendance.objects.filter(meeting_id__in=meetings)
        .values("meeting_id", "member_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    doubled["step"] = (
        MeetingStep.objects.filter(meeting_id__in=meetings)
        .values("meeting_id", "order")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "acked": {k: v for k, v in kinds.items() if k != "exhausted"},
        "exhausted": kinds["exhausted"],
        "lost": sum(lost.values()),
        "lost_by_kind": {k: v for k, v in lost.items() if v},
        "doubled": sum(doubled.values()),
        "doubled_by_kind": {k: v for k, v in doubled.items() if v},
        "meetings_held": sum(1 for m in meetings if status.get(m) == MeetingStatus.HELD),
    }


def step_concurrency(args, port: int, plan: dict, index: int, users: int, work: Path) -> dict:
    step_plan = {
        **{k: plan[k] for k in ("tz", "date_format")},
        "secretaries": [
            {**s, "meetings": s["pools"][index]} for s in plan["secretaries"][: needed(users, "secretary")]
        ],
        "members": plan["members"][: needed(users, "member")],
        "staff": plan["staff"][: needed(users, "staff")],
    }
    plan_file = work / f"plan-{users}.json"
    plan_file.write_text(json.dumps(step_plan), encoding="utf-8")
    acks = work / f"acks-{users}.jsonl"
    acks.write_text("")
    floor = run_locust(args, port, "floor", users, plan_file, acks, work / f"floor-{users}")
    mix = run_locust(args, port, "mix", users, plan_file, acks, work / f"mix-{users}")
    writes = check_writes(acks)
    return {"users": users, "floor": floor, "mix": mix, "writes": writes}


# --- report -------------------------------------------------------------------------------------------


def verdicts(result: dict) -> list[tuple[str, bool]]:
    users = result["users"]
    floor = result["floor"]["kinds"]["Aggregated"]
    mix = result["mix"]["kinds"]
    out = []
    ratio = mix["Aggregated"]["rps"] / floor["rps"] if floor["rps"] else 0.0
    if users in RATIO_TARGETS:
        out.append(
            (
                f"throughput ≥ {RATIO_TARGETS[users]} of the floor (is {ratio:.2f})",
                ratio >= RATIO_TARGETS[users],
            )
        )
    limit = P95_TIMES_FLOOR * floor["p95"]
    worst = max((k for k in mix if k != "Aggregated"), key=lambda k: mix[k]["p95"])
    out.append(
        (
            f"every kind's p95 ≤ {P95_TIMES_FLOOR}× the floor's ({limit:.0f} ms; worst {worst}: {mix[worst]['p95']:.0f} ms)",
            mix[worst]["p95"] <= limit,
        )
    )
    errors = result["floor"]["kinds"]["Aggregated"]["errors"] + mix["Aggregated"]["errors"]
    out.append((f"no errors (is {errors})", errors == 0))
    writes = result["writes"]
    out.append((f"nothing lost (is {writes['lost']})", writes["lost"] == 0))
    out.append((f"nothing doubled (is {writes['doubled']})", writes["doubled"] == 0))
    return out


def report(result: dict) -> list[str]:
    users = result["users"]
    floor = result["floor"]["kinds"]["Aggregated"]
    mix = result["mix"]["kinds"]
    ratio = mix["Aggregated"]["rps"] / floor["rps"] if floor["rps"] else 0.0
    lines = [
        f"### {users} users",
        "",
        f"Throughput: mix {mix['Aggregated']['rps']:.1f} requests/s, floor (GET /suc-khoe/) "
        f"{floor['rps']:.1f} requests/s: **ratio {ratio:.2f}**. Floor p50/p95/p99 "
        f"{floor['p50']:.0f} / {floor['p95']:.0f} / {floor['p99']:.0f} ms.",
        "",
        "| request kind | requests | errors | p50 ms | p95 ms | p99 ms | p95 / floor's |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in sorted(mix.items(), key=lambda item: (item[0] == "Aggregated", -item[1]["p95"])):
        times = row["p95"] / floor["p95"] if floor["p95"] else 0
        lines.append(
            f"| {name} | {row['count']:,} | {row['errors']} | {row['p50']:.0f} | {row['p95']:.0f} | "
            f"{row['p99']:.0f} | {times:.1f}× |"
        )
    writes = result["writes"]
    acked = ", ".join(f"{k} {v:,}" for k, v in sorted(writes["acked"].items()))
    lines += [
        "",
        f"Acknowledged writes: {acked or 'none'}; meetings held: {writes['meetings_held']}. "
        f"Counted in the database afterwards: **lost {writes['lost']}, doubled {writes['doubled']}**"
        + (f" (lost {writes['lost_by_kind']})" if writes["lost"] else "")
        + (f" (doubled {writes['doubled_by_kind']})" if writes["doubled"] else "")
        + ".",
    ]
    if writes["exhausted"]:
        lines.append(f"(Secretaries out of meetings: {writes['exhausted']} schedule reads instead.)")
    failures = result["floor"]["failures"] + result["mix"]["failures"]
    if failures:
        lines += ["", "Errors:", *[f"- {f}" for f in failures[:8]]]
    lines += ["", *[f"- {'PASS' if ok else 'FAIL'}: {label}" for label, ok in verdicts(result)], ""]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="20 cells, 10 users, 20 s: cheap enough for CI")
    parser.add_argument("--cells", type=int, default=2000)
    parser.add_argument("--members-per-cell", type=int, default=seed_hanoi.FULL_MEMBERS_PER_CELL)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--users", default="25,50,200", help="concurrencies, comma-separated")
    parser.add_argument("--duration", type=int, default=30, help="seconds of each floor and each mix")
    parser.add_argument(
        "--meetings-per-cell", type=int, default=4, help="tonight's meetings a secretary has per step"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (gthread)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--server", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db", help="database name (default chibo_bench_night, _small with --small)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="run on a kept database without rebuilding it")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any target fails")
    parser.add_argument(
        "--strict-writes", action="store_true", help="exit 1 on errors or a lost or doubled write (CI)"
    )
    parser.add_argument("--write-results", action="store_true", help="append a dated section to RESULTS.md")
    args = parser.parse_args()
    if args.small:
        args.cells, args.users, args.duration = 20, "10", min(args.duration, 20)
        args.meetings_per_cell = max(args.meetings_per_cell, 8)
    args.users = [int(u) for u in args.users.split(",") if u.strip()]
    args.db = args.db or ("chibo_bench_night_small" if args.small else "chibo_bench_night")

    started_at = dt.datetime.now(dt.UTC)
    load_start = indicators.load_average()
    if not args.reuse:
        seed_hanoi.create_database(args.server, args.db)
    seed_hanoi.setup_django(args.server, args.db)
    results, proc = [], None
    work = Path(tempfile.mkdtemp(prefix="chibo-night-"))
    try:
        print(f"database {args.db} on {args.server}; load average {load_start}")
        step_dataset(args)
        plan = step_accounts(args)
        proc, port = start_server(args)
        print(step_logins(plan, port))
        for index, users in enumerate(args.users):
            result = step_concurrency(args, port, plan, index, users, work)
            results.append(result)
            print("\n".join(report(result)), flush=True)
        info = indicators.machine()
        load_end = indicators.load_average()
        print(f"load average at the end {load_end}")
        if args.write_results:
            write_results(args, results, info, (load_start, load_end), started_at)
    finally:
        if proc is not None:
            stop_server(proc)
        shutil.rmtree(work, ignore_errors=True)
        if args.keep or args.reuse:
            from django.db import connections

            connections.close_all()
        else:
            seed_hanoi.drop_database(args.server, args.db)
    checks = [(label, ok) for r in results for label, ok in verdicts(r)]
    correctness = re.compile(r"^no errors|^nothing ")
    if args.strict and not all(ok for _, ok in checks):
        return 1
    if args.strict_writes and not all(ok for label, ok in checks if correctness.match(label)):
        return 1
    return 0


def write_results(args, results, info, loads, started) -> None:
    lines = [
        "",
        f"## Đêm sinh hoạt: `bench/meeting_night.py` ({started:%d/%m/%Y %H:%M} UTC)",
        "",
        f"Size: {args.size}; {args.duration} s per floor and per mix; gunicorn gthread, "
        f"{args.workers} workers × {args.threads} threads; locust (one process) on the same machine.",
        f"Machine: {info['cpu']}, {info['ram']} RAM, {info['os']}, PostgreSQL {info['postgresql']}, "
        f"Python {info['python']}. Load average (1/5/15 min) at the start {loads[0]}, at the end {loads[1]}.",
        "",
    ]
    for result in results:
        lines += report(result)
    with (BENCH / "RESULTS.md").open("a", encoding="utf-8") as out:
        out.write("\n".join(lines))
    print(f"\nappended to {BENCH / 'RESULTS.md'}")


if __name__ == "__main__":
    sys.exit(main())
