"""`chibo demo`: the whole application on one machine, from an empty directory, in one command.

First run: create the database (SQLite in the data directory unless DATABASE_URL is set), migrate,
seed the demo ward, collect static files. Every run: serve with gunicorn (threaded workers, as in
production) on 127.0.0.1 and run the background worker beside it; Ctrl-C stops both.
"""

import argparse
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from chibo.demo.accounts import accounts_exist, create_demo_accounts
from chibo.demo.console import needs_migrations, print_accounts
from chibo.demo.extras import seed_extras
from chibo.demo.generator import DEFAULT_ROOT_CODE, SeedSpec, seed
from chibo.orgs.models import Organisation
from chibo.reporting import facts

HIDDEN = argparse.SUPPRESS


def _static_is_stale() -> bool:
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if os.path.getmtime(storage.path(path)) > built:
                return True
    return False


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    # Linux: the worker gets SIGTERM if the demo process dies without cleaning up (kill -9).
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "chibo.cli", "db_worker", "--no-reload"],
        env=os.environ.copy(),
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def serve(*, host: str, port: int, workers: int, threads: int, when_ready) -> None:
    from gunicorn.app.base import BaseApplication

    class DemoServer(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                "timeout": 120,
                "graceful_timeout": 5,
                "loglevel": "warning",
                "accesslog": None,
                "proc_name": "chibo-demo",
                "when_ready": lambda _server: when_ready(),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from django.core.wsgi import get_wsgi_application

            return get_wsgi_application()

    DemoServer().run()


class Command(BaseCommand):
    help = "Chạy bản dùng thử trên máy này: tạo cơ sở dữ liệu, nạp dữ liệu mẫu và phục vụ tại 127.0.0.1."
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="cổng phục vụ (mặc định 8000)")
        parser.add_argument("--host", default="127.0.0.1", help=HIDDEN)
        parser.add_argument("--cells", type=int, default=SeedSpec.cells, help=HIDDEN)
        parser.add_argument("--members-per-cell", type=int, default=SeedSpec.members_per_cell, help=HIDDEN)
        parser.add_argument("--months", type=int, default=SeedSpec.months, help=HIDDEN)
        parser.add_argument("--seed", type=int, default=SeedSpec.seed, help=HIDDEN)
        parser.add_argument("--workers", type=int, default=2, help=HIDDEN)
        # Threads, as in production (README): one slow page holds a thread, not a whole process.
        parser.add_argument("--threads", type=int, default=8, help=HIDDEN)
        parser.add_argument("--no-worker", action="store_true", help=HIDDEN)
        parser.add_argument("--no-serve", action="store_true", help=HIDDEN)

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, **options):
        host, port = options["host"], options["port"]
        if not options["no_serve"] and not _port_is_free(host, port):
            raise CommandError(f"Cổng {port} đang được dùng. Hãy chạy lại với --port {port + 1}.")
        settings.DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        db = settings.DATABASES["default"]
        where = (
            db["NAME"]
            if db["ENGINE"].endswith("sqlite3")
            else f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
        )
        self.say(f"Dữ liệu: {where}")

        if needs_migrations():
            self.say("Đang tạo cơ sở dữ liệu…")
            call_command("migrate", interactive=False, verbosity=0)
        if Organisation.objects.filter(code=DEFAULT_ROOT_CODE).exists():
            self.say("Dữ liệu mẫu đã có sẵn: dùng lại.")
        else:
            self.say("Đang nạp dữ liệu mẫu (một đảng bộ phường)…")
            started = time.perf_counter()
            spec = SeedSpec(
                cells=options["cells"],
                members_per_cell=options["members_per_cell"],
                months=options["months"],
                seed=options["seed"],
            )
            # Data and accounts together or not at all: a half-loaded demo would be reused as is.
            with transaction.atomic():
                result = seed(spec)
                if not accounts_exist():
                    create_demo_accounts(result)
                seed_extras(result)
                # The dashboards read facts: build them for the seeded months now, not on the first visit.
                for month in facts.recent_months(spec.months):
                    facts.rebuild_month(month)
            self.say(
                f"Đã nạp {options['cells']} chi bộ, {result.counts['member']} đảng viên "
                f"trong {time.perf_counter() - started:.1f} giây."
            )
        if _static_is_stale():
            self.say("Đang chuẩn bị giao diện (static files)…")
            call_command("collectstatic", interactive=False, verbosity=0)
        # Also gives the staff, supervisor and administrator their second factor if the data predates it.
        print_accounts(self.say)
        # Gunicorn forks: no connection may be shared between the processes.
        connections.close_all()

        if options["no_serve"]:
            return

        def ready():
            self.say(f"Chibo đang chạy tại http://{host}:{port}/  (nhấn Ctrl-C để dừng)")

        worker = None if options["no_worker"] else start_worker()
        master = os.getpid()
        try:
            serve(
                host=host, port=port, workers=options["workers"], threads=options["threads"], when_ready=ready
            )
        finally:
            # Gunicorn's forked web workers unwind through here too when they exit: only the master
            # owns the background worker.
            if os.getpid() == master:
                if worker is not None:
                    stop_worker(worker)
                self.say("Đã dừng Chibo.")
