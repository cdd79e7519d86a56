"""Build a Hanoi-sized dataset (about 20,000 cells, 500,000 members) on a fresh PostgreSQL database.

    .venv/bin/python bench/seed_hanoi.py --small          # 50 cells, a few seconds (CI)
    .venv/bin/python bench/seed_hanoi.py --full           # 20,000 cells x 25 members
    .venv/bin/python bench/seed_hanoi.py --cells 2000 --members-per-cell 25 --keep

It creates the database `chibo_bench_seed` (dropped at the end unless --keep), migrates it, runs the
demo generator (members with their history, the months' meetings with their roll calls, steps,
votes, minutes, materials and scores, and their resolutions, conclusions and tasks) and prints the
row counts, the build time and the peak memory of this process. bench/indicators.py reuses its
functions (create_database, setup_django, build, print_counts).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FULL_CELLS, FULL_MEMBERS_PER_CELL = 20_000, 25


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def create_database(server: str, db: str) -> None:
    """Drop `db` if it exists and create it empty."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db}"')
        admin.execute(f'CREATE DATABASE "{db}"')


def drop_database(server: str, db: str) -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db}"')


def setup_django(server: str, db: str) -> None:
    """Point Django at the bench database (before anything imports a model)."""
    os.environ["DATABASE_URL"] = f"{server}/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "chibo.settings"
    os.environ.setdefault("CHIBO_DATA_DIR", tempfile.mkdtemp(prefix="chibo-bench-"))
    # A PostgreSQL start needs an explicit key (chibo/settings.py); the bench's processes share this one.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

    import django

    django.setup()


def build(*, cells: int, members_per_cell: int, months: int, seed: int):
    """Run the demo generator; returns (SeedResult, seconds)."""
    from chibo.demo.generator import SeedSpec
    from chibo.demo.generator import seed as run_seed

    started = time.perf_counter()
    result = run_seed(SeedSpec(cells=cells, members_per_cell=members_per_cell, months=months, seed=seed))
    return result, time.perf_counter() - started


def print_counts(result, db: str) -> int:
    """Print the rows written; returns the number of members."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orgs_organisation WHERE kind = 'cell'")
        (cells,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM members_member")
        (members,) = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        (size,) = cursor.fetchone()
    counts = result.counts
    print(f"database        {db} ({connection.pg_version // 10000}), size {size}")
    print(f"organisations   {counts['organisation']:,}")
    print(f"cells           {cells:,} in {len(result.ward_ids)} wards")
    print(f"members         {members:,}")
    print(f"memberships     {counts['membership']:,}")
    print(f"positions       {counts['position']:,}")
    print(f"exemptions      {counts['exemption']:,}")
    print(f"trainings       {counts['trainingrecord']:,}")
    print(f"meetings        {counts['meeting']:,}")
    print(f"meeting steps   {counts['meetingstep']:,}")
    print(f"attendances     {counts['attendance']:,}")
    print(f"speeches        {counts['speech']:,}")
    print(f"votes           {counts['vote']:,}")
    print(f"minutes         {counts['minutes']:,}")
    print(f"materials       {counts['meetingmaterial']:,}")
    print(f"scores          {counts['score']:,} ({counts['scoreitem']:,} items)")
    print(f"resolutions     {counts['resolution']:,} (resolutions and conclusions)")
    print(f"tasks           {counts['task']:,} ({counts['tasknote']:,} progress notes)")
    return members


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cells", type=int, default=50)
    parser.add_argument("--members-per-cell", type=int, default=FULL_MEMBERS_PER_CELL)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--small", action="store_true", help="50 cells (the default): cheap enough for CI")
    parser.add_argument("--full", action="store_true", help=f"{FULL_CELLS:,} cells x {FULL_MEMBERS_PER_CELL}")
    parser.add_argument("--server", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db", default="chibo_bench_seed")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.full:
        args.cells, args.members_per_cell = FULL_CELLS, FULL_MEMBERS_PER_CELL
    elif args.small:
        args.cells = 50

    create_database(args.server, args.db)
    setup_django(args.server, args.db)
    from django.core.management import call_command

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrated = time.perf_counter() - started
        before = peak_mib()
        result, built = build(
            cells=args.cells, members_per_cell=args.members_per_cell, months=args.months, seed=args.seed
        )
        print(f"migrate         {migrated:.1f} s")
        members = print_counts(result, args.db)
        rows = sum(result.counts.values())
        print(f"build time      {built:.1f} s ({members / built:,.0f} members/s, {rows / built:,.0f} rows/s)")
        print(f"peak memory     {peak_mib():.0f} MiB (before seeding {before:.0f} MiB)")
    finally:
        if args.keep:
            from django.db import connections

            connections.close_all()
        else:
            drop_database(args.server, args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
