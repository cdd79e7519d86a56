"""Throw-away PostgreSQL clusters on loopback: a primary and its streaming replica (`pg_basebackup -R`).

The shared server on 5432 is left alone: replication needs settings a running server may not have, and a
base backup of it would copy every other database. Each cluster lives in a temporary directory, on a free
port, and is stopped and removed afterwards. As root the binaries run as the `postgres` user (initdb
refuses root)."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bindir() -> Path | None:
    """The newest PostgreSQL server binaries on this machine, or None."""
    for candidate in sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True
    ):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_basebackup").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_basebackup") else None


def missing_reason() -> str | None:
    """Why clusters cannot be started here (None when they can)."""
    if pg_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a `postgres` system user to run initdb as"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clusters:
    """A primary and, after `start_replica`, a hot standby streaming from it."""

    def __init__(self):
        self.bindir = pg_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="chibo-pg-"))
        self.root.chmod(0o755)
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.primary_port = free_port()
        self.replica_port: int | None = None
        self.started: list[Path] = []

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=300, **kwargs)

    def url(self, port: int, db: str = "chibo") -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{db}"

    def _start(self, data: Path, port: int) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(data.parent / f"{data.name}.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port}",
            "start",
        )
        self.started.append(data)

    def start_primary(self) -> None:
        data = self.root / "primary"
        self._run(
            "initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
        )
        # Streaming replication is the default configuration (wal_level=replica, max_wal_senders=10, and
        # initdb's pg_hba lets loopback replicate); only what a throw-away cluster can spare is turned off.
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "shared_buffers = 32MB\nmax_connections = 40\n"
            )
        self._start(data, self.primary_port)
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "chibo")

    def start_replica(self) -> None:
        data = self.root / "replica"
        self.replica_port = free_port()
        # -R writes standby.signal and primary_conninfo: the copy starts as a hot standby of the primary.
        self._run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        self._start(data, self.replica_port)

    def stop(self) -> None:
        for data in reversed(self.started):
            try:
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass
        self.started.clear()
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for(condition, timeout: float = 60, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
