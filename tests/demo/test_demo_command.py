"""End to end: `chibo demo` in a fresh data directory serves, every printed account logs in over
HTTP, Ctrl-C stops the server and its background worker, and a second run reuses the data."""

import base64
import http.cookiejar
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

ADDRESS = re.compile(r"(http://127\.0\.0\.1:\d+/)")
ACCOUNT = re.compile(r"tài khoản (\S+) / mật khẩu (\S+)")
SECRET = re.compile(r"xác thực hai lớp: khóa bí mật ([A-Z2-7 ]+) \(")
RECOVERY = re.compile(r"mã khôi phục \(dùng một lần\): ([a-z0-9]{5}-[a-z0-9]{5})")
OTPAUTH = re.compile(r"otpauth://totp/Chibo%3A(\S+)\?secret=([A-Z2-7]+)&\S*issuer=Chibo")
SMALL = ["--cells", "4", "--members-per-cell", "8", "--months", "6", "--workers", "1", "--threads", "2"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Demo:
    def __init__(self, data_dir: Path, port: int):
        script = Path(sys.executable).with_name("chibo")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "chibo.cli"]
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "STATIC_ROOT", "MEDIA_ROOT"}
        }
        env["CHIBO_DATA_DIR"] = str(data_dir)
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        self.process = subprocess.Popen(
            [*command, "demo", "--port", str(port), *SMALL],
            cwd=data_dir.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=open(data_dir.parent / f"demo-{port}.err", "ab"),  # noqa: SIM115
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for_address(self, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail("chibo demo stopped early:\n" + "\n".join(self.lines))
            self.lines.append(line)
            found = ADDRESS.search(line)
            if found:
                return found.group(1)
        pytest.fail("no address printed:\n" + "\n".join(self.lines))

    def drain(self, timeout: float = 10) -> None:
        """Collect what the process printed until it closed its output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                return
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def children(self) -> list[int]:
        pid = self.process.pid
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            return self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def second_factors(output: str) -> dict[str, tuple[str, str]]:
    """{username: (base32 secret, recovery code)} from the lines printed under each account."""
    found, current = {}, None
    for line in output.splitlines():
        account = ACCOUNT.search(line)
        if account:
            current = account.group(1)
        secret, recovery = SECRET.search(line), RECOVERY.search(line)
        if secret:
            found[current] = (secret.group(1).replace(" ", ""), "")
        if recovery:
            found[current] = (found[current][0], recovery.group(1))
    return found


def totp_now(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return str(TOTP(key, step=30, t0=0, digits=6, drift=0).token()).zfill(6)


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def log_in(base: str, username: str, password: str, secret: str = "") -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login_url = urllib.parse.urljoin(base, reverse("login"))
    page = opener.open(login_url, timeout=30).read().decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": _csrf(page), "username": username, "password": password}
    )
    response = opener.open(
        urllib.request.Request(login_url, data=form.encode(), headers={"Referer": login_url}), timeout=30
    )
    body = response.read().decode()
    assert response.status == 200
    assert reverse("login") not in response.geturl(), f"{username} stayed on the login page"
    if secret:
        # Staff, supervisor and administrator: the second factor, with the code of the printed secret.
        verify_url = response.geturl()
        assert reverse("security:verify") in verify_url, f"{username} was not asked for the second factor"
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": _csrf(body), "code": totp_now(secret)})
        response = opener.open(
            urllib.request.Request(verify_url, data=form.encode(), headers={"Referer": verify_url}),
            timeout=30,
        )
        body = response.read().decode()
        assert reverse("security:verify") not in response.geturl(), f"{username}: the TOTP code was refused"
    # The nav names the person (Vietnamese order from the member record), the login only for a nameless account.
    assert re.search(r"Đăng xuất \([^)<]+\)", body)
    return body


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to follow the worker")
def test_demo_serves_every_printed_account_and_a_second_run_reuses_the_data(tmp_path):
    data_dir = tmp_path / "data"
    port = free_port()

    demo = Demo(data_dir, port)
    try:
        base = demo.wait_for_address()
        assert base == f"http://127.0.0.1:{port}/"
        assert "Đang nạp dữ liệu mẫu" in demo.output
        assert (data_dir / "chibo.sqlite3").exists()
        accounts = dict(ACCOUNT.findall(demo.output))
        assert set(accounts) == {"quantri", "canbo", "phutrach", "bithu", "dangvien"}
        factors = second_factors(demo.output)
        assert set(factors) == {"quantri", "canbo", "phutrach"}
        assert all(recovery for _secret, recovery in factors.values())
        assert {user: secret for user, secret in OTPAUTH.findall(demo.output)} == {
            user: secret for user, (secret, _) in factors.items()
        }
        for username, password in accounts.items():
            log_in(base, username, password, factors.get(username, ("", ""))[0])
        worker = [p for p in demo.children() if "db_worker" in Path(f"/proc/{p}/cmdline").read_text()]
        assert len(worker) == 1
    finally:
        code = demo.stop()
    assert code == 0
    demo.drain()
    assert "Đã dừng Chibo." in demo.output
    deadline = time.monotonic() + 15
    while alive(worker[0]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(worker[0]), "the background worker outlived the server"

    again = Demo(data_dir, port)
    try:
        base = again.wait_for_address(timeout=120)
        assert "Dữ liệu mẫu đã có sẵn" in again.output
        assert "Đang nạp dữ liệu mẫu" not in again.output
        assert "Đang tạo cơ sở dữ liệu" not in again.output
        # The printed secrets stay valid across runs.
        assert {u: secret for u, (secret, _) in second_factors(again.output).items()} == {
            u: secret for u, (secret, _) in factors.items()
        }
        log_in(base, "bithu", accounts["bithu"])
    finally:
        assert again.stop() == 0
