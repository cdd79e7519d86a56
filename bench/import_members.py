"""Import a Hanoi-sized member file (DOMAIN §10: ~500,000 members) into a fresh PostgreSQL database.

    .venv/bin/python bench/import_members.py --rows 500000
    .venv/bin/python bench/import_members.py --rows 500000 --per-row-audit   # force one audit entry per row

Generates a CSV in the import format, creates the database chibo_bench_import (dropped first if it
exists, dropped again at the end unless --keep), migrates it, imports the file through the same code as
`chibo import-data members`, and prints the parse / validate / write / audit / total times and the peak
memory of the process. PostgreSQL: --pg-url (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Kim", "Phương", "Minh"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tuấn",
]
GIVEN_F = [
    "Anh",
    "Ánh",
    "Chi",
    "Dung",
    "Hà",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Thảo",
    "Yến",
]
HEADERS = [
    "Số thẻ đảng viên",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD",
    "Điện thoại",
    "Thư điện tử",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Tình trạng công tác",
]


def generate(path: Path, rows: int, seed: int = 11) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for i in range(rows):
            female = rnd.random() < 0.45
            name = " ".join(
                [
                    rnd.choice(FAMILY),
                    rnd.choice(MIDDLE_F if female else MIDDLE_M),
                    rnd.choice(GIVEN_F if female else GIVEN_M),
                ]
            )
            born = rnd.randint(1940, 2003)
            admitted = rnd.randint(born + 18, min(born + 50, 2025))
            official = (
                ""
                if admitted == 2025 and rnd.random() < 0.7
                else f"{rnd.randint(1, 28):02d}/06/{admitted + 1}"
            )
            writer.writerow(
                [
                    f"{i + 1:08d}",
                    name,
                    "Nữ" if female else "Nam",
                    f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{born}",
                    f"001{i + 1:09d}",
                    f"09{rnd.randint(0, 99999999):08d}" if rnd.random() < 0.8 else "",
                    "",
                    f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 5):02d}/{admitted}",
                    official,
                    "Nghỉ hưu" if born < 1965 else "Đang công tác",
                ]
            )


def recreate_database(pg_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--db", default="chibo_bench_import")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--per-row-audit",
        action="store_true",
        help="one audit entry per row even above CHIBO_IMPORT_AUDIT_ROWS_MAX (default: one entry for the file)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="chibo-bench-import-"))
    csv_path = workdir / "dang-vien.csv"
    started = time.perf_counter()
    generate(csv_path, args.rows)
    print(
        f"generated {args.rows:,} rows ({csv_path.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - started:.1f} s"
    )

    recreate_database(args.pg_url, args.db)
    os.environ.update(
        DATABASE_URL=f"{args.pg_url}/{args.db}",
        DJANGO_SETTINGS_MODULE="chibo.settings",
        CHIBO_DATA_DIR=str(workdir),
        SECRET_KEY="bench-only",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from chibo.dataio.services import import_data
    from chibo.members.models import Member

    call_command("migrate", verbosity=0)
    if args.per_row_audit:
        settings.CHIBO_IMPORT_AUDIT_ROWS_MAX = 10**9
    per_row = args.rows <= settings.CHIBO_IMPORT_AUDIT_ROWS_MAX
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    result = import_data(data=csv_path.read_bytes(), filename=csv_path.name, kind="members")
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if result.errors:
        print("\n".join(map(str, result.errors[:20])))
        sys.exit(1)
    assert Member.objects.count() == args.rows
    t = result.timings
    print(f"rows {args.rows:,} · audit per row: {'yes' if per_row else 'no (one entry for the file)'}")
    print(
        f"parse {t['parse']:.1f} s · validate {t['validate']:.1f} s · write {t['write']:.1f} s · "
        f"audit {t['audit']:.1f} s · total {total:.1f} s ({args.rows / total:,.0f} rows/s)"
    )
    print(f"peak RSS {peak / 1024:.0f} MiB (before the import: {rss_before / 1024:.0f} MiB)")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(args.pg_url, args.db, drop_only=True)


if __name__ == "__main__":
    main()
