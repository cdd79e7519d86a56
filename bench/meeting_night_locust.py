"""Locust users of bench/meeting_night.py (run by it, headless; not on its own).

The plan comes from the JSON file named by BENCH_NIGHT_PLAN (accounts' session cookies, meetings to run,
pages to read); every write the server acknowledged is appended to the JSON lines file BENCH_NIGHT_ACKS
when the run stops, for meeting_night.py to look for in the database. BENCH_NIGHT_MODE is `floor` (every
user asks for the bare signed-in page) or `mix` (secretaries, members and staff).

Secretaries use the web pages as their phones do: plain forms with the CSRF token, htmx requests
(HX-Request) for the roll-call lines and the steps, whose answers are the swapped block.
"""

import datetime as dt
import itertools
import json
import os
import random
import re
import uuid
from zoneinfo import ZoneInfo

from locust import HttpUser, constant, events, task

PLAN = json.loads(open(os.environ["BENCH_NIGHT_PLAN"], encoding="utf-8").read())
MODE = os.environ.get("BENCH_NIGHT_MODE", "mix")
TZ = ZoneInfo(PLAN["tz"])
ACKS: list[dict] = []
SECRETARIES = iter(PLAN["secretaries"])
MEMBERS = itertools.cycle(PLAN["members"])
STAFF = itertools.cycle(PLAN["staff"])
EVERYONE = itertools.cycle(PLAN["secretaries"] + PLAN["members"] + PLAN["staff"])

LINE = re.compile(r'action="/sinh-hoat/(\d+)/diem-danh/(\d+)/"')
STEP = re.compile(r'action="/sinh-hoat/(\d+)/dieu-hanh/buoc/(\d+)/"')
NEXT_PAGE = re.compile(r'href="\?trang=(\d+)"')


@events.test_stop.add_listener
def _write_acks(**_kw):
    with open(os.environ["BENCH_NIGHT_ACKS"], "a", encoding="utf-8") as out:
        for ack in ACKS:
            out.write(json.dumps(ack) + "\n")
    ACKS.clear()


class Signed(HttpUser):
    abstract = True
    wait_time = constant(0)  # closed loop: each user sends its next request as soon as one is answered

    def sign_in(self, account: dict) -> None:
        # The session only: the CSRF cookie comes with the first page that has a form, as in a browser.
        self.client.cookies.set("sessionid", account["cookies"]["sessionid"], domain="127.0.0.1", path="/")
        self.account = account

    def csrf(self) -> str:
        tokens = [c.value for c in self.client.cookies if c.name == "csrftoken"]
        return tokens[-1] if tokens else ""

    def get(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                # Status 0: no answer at all (the connection was refused, reset or timed out).
                response.failure(f"{path}: {response.status_code} {response.error or ''}".strip())
                return ""
            return response.text

    def post(self, path: str, name: str, data: dict, *, htmx: bool = False, expect: int = 302) -> bool:
        headers = {"X-CSRFToken": self.csrf(), "HX-Request": "true"} if htmx else {}
        data = data if htmx else {**data, "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(
            path, data=data, headers=headers, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != expect:
                snippet = re.sub(r"\s+", " ", response.text)[:300]
                response.failure(f"{path}: {response.status_code} (expected {expect}): {snippet}")
                return False
            self.last = response.text
            return True


if MODE == "floor":

    class Floor(Signed):
        def on_start(self):
            self.sign_in(next(EVERYONE))

        @task
        def alive(self):
            self.get("/suc-khoe/", "floor: GET /suc-khoe/")

else:

    class Secretary(Signed):
        """Runs the cell's meetings of tonight one after the other, each from opening to minutes."""

        weight = 5

        def on_start(self):
            try:
                self.sign_in(next(SECRETARIES))
            except StopIteration:
                raise RuntimeError("more secretaries simulated than planned") from None
            self.meetings = list(self.account["meetings"])

        @task
        def run_meeting(self):
            if not self.meetings:  # tonight's meetings are done: look at the schedule now and then
                self.get(f"/sinh-hoat/chi-bo/{self.account['cell']}/", "secretary: cell schedule")
                ACKS.append({"kind": "exhausted", "cell": self.account["cell"]})
                self._sleep(1)
                return
            meeting = self.meetings.pop(0)
            self.one_meeting(meeting)

        def _sleep(self, seconds):
            import gevent

            gevent.sleep(seconds)

        def one_meeting(self, meeting: dict) -> None:
            pk = meeting["pk"]
            base = f"/sinh-hoat/{pk}"
            if not self.get(f"{base}/dieu-hanh/", "secretary: run page"):
                return
            opened = self.post(
                f"{base}/dieu-hanh/bat-dau/",
                "secretary: open",
                {"day": meeting["day"], "start": meeting["start"], "chair": "", "minute_taker": ""},
            )
            if not opened:
                return
            ACKS.append({"kind": "open", "meeting": pk})
            # The roll call, page by page, one line at a time (a few absent with a reason).
            lines: list[int] = []
            page, seen = 1, set()
            while page not in seen:
                seen.add(page)
                html = self.get(f"{base}/diem-danh/?trang={page}", "secretary: roll call page")
                lines += [
                    int(line) for m, line in LINE.findall(html) if int(m) == pk and int(line) not in lines
                ]
                later = [int(p) for p in NEXT_PAGE.findall(html) if int(p) > page]
                page = min(later) if later else page
            present = 0
            for line in lines:
                if random.random() < 0.9:
                    status, data = "present", {"status": "present"}
                else:
                    status, data = (
                        "excused",
                        {"status": "excused", "reason": "Đi công tác", "accepted_by": ""},
                    )
                if self.post(
                    f"{base}/diem-danh/{line}/", "secretary: mark a line", data, htmx=True, expect=200
                ):
                    ACKS.append({"kind": "attendance", "meeting": pk, "line": line, "status": status})
                    present += status == "present"
            # The steps, each ticked done.
            html = self.get(f"{base}/dieu-hanh/", "secretary: run page")
            for step in dict.fromkeys(int(s) for m, s in STEP.findall(html) if int(m) == pk):
                if self.post(
                    f"{base}/dieu-hanh/buoc/{step}/",
                    "secretary: tick a step",
                    {"done": "1", "notes": ""},
                    htmx=True,
                    expect=200,
                ):
                    ACKS.append({"kind": "step", "meeting": pk, "step": step})
            # A vote: two thirds of those present in favour (probationary members do not vote).
            self.get(f"{base}/bieu-quyet/", "secretary: votes page")
            motion = f"Thông qua nghị quyết tháng (đo tải {uuid.uuid4().hex[:12]})"
            if self.post(
                f"{base}/bieu-quyet/",
                "secretary: vote",
                {
                    "kind": "resolution",
                    "motion": motion,
                    "in_favour": max(1, present * 2 // 3),
                    "against": 0,
                    "abstain": 0,
                },
            ):
                ACKS.append({"kind": "vote", "meeting": pk, "motion": motion})
            now = dt.datetime.now(TZ)
            if not self.post(
                f"{base}/dieu-hanh/ket-thuc/",
                "secretary: close",
                {"day": now.strftime(PLAN["date_format"]), "end": now.strftime("%H:%M")},
            ):
                return
            ACKS.append({"kind": "close", "meeting": pk})
            if self.post(f"{base}/bien-ban/lap/", "secretary: build minutes", {}):
                ACKS.append({"kind": "minutes", "meeting": pk})
            self.get(f"{base}/bien-ban/", "secretary: minutes page")

    class Member(Signed):
        """Reads the schedule: their own and their cell's."""

        weight = 3

        def on_start(self):
            self.sign_in(next(MEMBERS))

        @task(3)
        def my_schedule(self):
            self.get("/sinh-hoat/cua-toi/", "member: my schedule")

        @task(1)
        def cell_schedule(self):
            self.get(f"/sinh-hoat/chi-bo/{self.account['cell']}/", "member: cell schedule")

    class Staff(Signed):
        """Reads the indicators dashboard of their committee (the city's or a ward's)."""

        weight = 2

        def on_start(self):
            self.sign_in(next(STAFF))

        @task
        def dashboard(self):
            self.get(f"/chi-tieu/{self.account['org']}/", f"staff: dashboard ({self.account['level']})")
