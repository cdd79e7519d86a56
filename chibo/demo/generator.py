"""Demo and benchmark data: a city committee, its wards and cells, members with their dated history.

Everything is drawn from one `random.Random(seed)` and anchored to the first day of the current month,
so the same seed gives the same data all month long. Rows are built as plain tuples with ids allocated
up front (an organisation's path needs the ids of its ancestors), then written in bulk one ward at a
time: COPY on PostgreSQL, one executemany per table on SQLite. No row is saved one by one, so the
number of queries depends on the number of wards, not on the number of cells or members.
"""

import bisect
import datetime as dt
import itertools
import math
import queue
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from chibo.audit.models import Action, AuditEntry
from chibo.common.dates import add_months, today
from chibo.common.text import fold
from chibo.demo import meetings, names, tasks
from chibo.members.models import (
    Exemption,
    Gender,
    Member,
    Membership,
    MembershipKind,
    Position,
    PositionKind,
    TrainingKind,
    TrainingRecord,
    WorkStatus,
)
from chibo.members.rules import COMMITTEE_MAX, COMMITTEE_MIN_OFFICIAL
from chibo.members.services import fill_derived_names
from chibo.orgs.models import SEGMENT, CellKind, Organisation, OrgKind, OrgParentPeriod

# Hanoi has about 20,000 cells in 126 wards and communes: about 160 cells each.
CELLS_PER_WARD = 160
DEFAULT_ROOT_CODE = "HN"
DEFAULT_ROOT_NAME = "Đảng bộ Thành phố Hà Nội"
PROBATION_MONTHS = 12
TRAINING_VALID_MONTHS = 30
DAY = dt.timedelta(days=1)

# Share of non-residential cells by kind.
OTHER_CELL_KINDS = [
    (CellKind.SCHOOL, 30),
    (CellKind.AGENCY, 20),
    (CellKind.PUBLIC_SERVICE, 20),
    (CellKind.STATE_ENTERPRISE, 10),
    (CellKind.PRIVATE_ENTERPRISE, 15),
    (CellKind.ARMED_FORCES, 5),
]
CELL_KIND_NAMES = {
    CellKind.SCHOOL: names.SCHOOL_NAMES,
    CellKind.AGENCY: names.AGENCY_NAMES,
    CellKind.PUBLIC_SERVICE: names.PUBLIC_SERVICE_NAMES,
    CellKind.STATE_ENTERPRISE: names.STATE_ENTERPRISE_NAMES,
    CellKind.PRIVATE_ENTERPRISE: names.PRIVATE_ENTERPRISE_NAMES,
    CellKind.ARMED_FORCES: names.ARMED_FORCES_NAMES,
}
# Units of the ward itself carry the ward's name ("Chi bộ Trạm Y tế phường Ba Đình").
WARD_SUFFIXED = {CellKind.AGENCY, CellKind.PUBLIC_SERVICE, CellKind.ARMED_FORCES}
PROVINCE_CODES = ["001"] * 14 + ["030", "033", "034", "035", "036", "037", "038", "040", "025", "027", "031"]
PHONE_PREFIXES = "090 091 093 094 096 097 098 086 088 032 033 034 035 036 037 038 039 070 076 077 078 079 081 082 083 084 085".split()
EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]  # reserved names: no real mailbox
# Working / retired / other by cell kind (None: every other kind). Residential cells are mostly
# retired people; agencies, schools and enterprises mostly working ones.
STATUS_MIX = {
    CellKind.RESIDENTIAL: [(WorkStatus.RETIRED, 70), (WorkStatus.WORKING, 22), (WorkStatus.OTHER, 8)],
    CellKind.ARMED_FORCES: [(WorkStatus.WORKING, 1)],
    None: [(WorkStatus.WORKING, 94), (WorkStatus.RETIRED, 3), (WorkStatus.OTHER, 3)],
}
TEMPORARY_NOTES = ["Đi làm ăn xa", "Đi học", "Công tác biệt phái", "Chăm sóc người thân"]


@dataclass(frozen=True)
class SeedSpec:
    cells: int = 40
    members_per_cell: int = 30
    months: int = 12
    seed: int = 2021
    wards: int = 0  # 0: one ward per CELLS_PER_WARD cells
    root_code: str = DEFAULT_ROOT_CODE
    root_name: str = DEFAULT_ROOT_NAME
    today: dt.date | None = None


@dataclass
class SeedResult:
    root_id: int
    ward_ids: list[int]
    counts: Counter
    # A cell with a secretary and an ordinary member untouched by events: the demo accounts use it.
    showcase_cell_id: int | None = None
    showcase_secretary_id: int | None = None
    showcase_member_id: int | None = None


class SeedError(Exception):
    pass


def _weighted(pairs):
    values = [v for v, _ in pairs]
    cum = list(itertools.accumulate(w for _, w in pairs))
    return values, cum


class _Picker:
    """Weighted choice by bisection: much faster than rng.choices for millions of draws."""

    def __init__(self, rng: random.Random, pairs):
        self.rng = rng
        self.values, self.cum = _weighted(pairs)
        self.total = self.cum[-1]

    def __call__(self):
        return self.values[bisect.bisect_right(self.cum, self.rng.random() * self.total)]


@dataclass(eq=False)
class _Cell:
    id: int
    kind: str
    founded_on: dt.date
    dissolved_on: dt.date | None = None
    new: bool = False  # founded during the period
    path: str = ""
    address: str = ""
    term_start: dt.date | None = None
    name: str = ""
    secretary: "_Person | None" = None
    people: list = field(default_factory=list)


@dataclass(eq=False)
class _Person:
    id: int
    cell: _Cell
    gender: str
    birth: dt.date
    admitted: dt.date
    official_on: dt.date | None
    work_status: str
    joined: dt.date | None = None  # start of the membership in the first cell
    membership: list | None = None  # its row, still open to a transfer's end date
    busy: bool = False  # holds a position or takes part in an event: left out of further events


def _add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


class _Writer:
    """Ids allocated up front, rows written in bulk per table."""

    MODELS = [
        Organisation,
        OrgParentPeriod,
        Member,
        Membership,
        Position,
        Exemption,
        TrainingRecord,
        *meetings.MODELS,
        *tasks.MODELS,
    ]

    def __init__(self, using: str = "default"):
        self.connection = connections[using]
        self.vendor = self.connection.vendor
        self.counts = Counter()
        self.ids = {}
        self.copier = None

    def start(self):
        if self.vendor == "postgresql":
            tables = ", ".join(self.connection.ops.quote_name(m._meta.db_table) for m in self.MODELS)
            with self.connection.cursor() as cursor:
                # Ids are allocated from MAX(id): keep concurrent writers out until the seed commits.
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        for model in self.MODELS:
            top = model.objects.aggregate(top=Max("pk"))["top"] or 0
            self.ids[model] = itertools.count(top + 1)

    def next_id(self, model) -> int:
        return next(self.ids[model])

    def write(self, model, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        fields = {f.attname: f for f in model._meta.concrete_fields}
        # Columns the generator does not know about (added later) get their model default.
        extra = [f for name, f in fields.items() if name not in columns]
        if isinstance(rows[0], list):
            rows = [tuple(row) for row in rows]
        if extra:
            defaults = tuple(f.get_db_prep_save(_default(f), self.connection) for f in extra)
            columns = columns + [f.attname for f in extra]
            rows = [row + defaults for row in rows]
        table = model._meta.db_table
        quote = self.connection.ops.quote_name
        column_sql = ", ".join(quote(c) for c in columns)
        if self.vendor == "postgresql":
            if self.copier is None:
                self.copier = _CopyThread(self.connection)
            self.copier.put(f"COPY {quote(table)} ({column_sql}) FROM STDIN", rows)
        elif self.vendor == "sqlite":
            convert = [_sqlite_converter(fields[c]) for c in columns]
            if any(convert):
                rows = [
                    tuple(v if c is None or v is None else c(v) for v, c in zip(row, convert, strict=True))
                    for row in rows
                ]
            marks = ", ".join(["%s"] * len(columns))
            with self.connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {quote(table)} ({column_sql}) VALUES ({marks})", rows)
        else:
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
            )
        self.counts[model._meta.model_name] += len(rows)

    def close(self) -> None:
        if self.copier is not None:
            copier, self.copier = self.copier, None
            copier.close()

    def finish(self) -> None:
        self.close()
        # Explicit ids leave PostgreSQL's sequences behind; SQLite's AUTOINCREMENT follows by itself.
        statements = self.connection.ops.sequence_reset_sql(no_style(), self.MODELS)
        if statements:
            with self.connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


class _CopyThread:
    """COPY on a second thread: PostgreSQL indexes one ward while Python generates the next.

    It drives the same connection, so the rows join the caller's transaction; the caller sends no
    query of its own until close() has waited for the queue to drain.
    """

    def __init__(self, connection):
        connection.ensure_connection()
        self.raw = connection.connection
        self.jobs = queue.Queue(maxsize=14)  # about two wards in flight bounds the memory
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="chibo-seed-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is not None:
                continue
            sql, rows = job
            try:
                with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            except BaseException as error:  # handed to the caller's thread
                self.error = error

    def put(self, sql: str, rows: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        self.jobs.put((sql, rows))

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _default(f):
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    return f.get_default()


def _sqlite_datetime(value):
    # As Django stores it on SQLite: naive UTC text (values already prepared are strings).
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    return value


def _sqlite_converter(f):
    if isinstance(f, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(f, models.DateField):
        return dt.date.isoformat
    if isinstance(f, models.BooleanField):
        return int
    return None


ORG_COLUMNS = [
    "id",
    "code",
    "name",
    "kind",
    "cell_kind",
    "parent_id",
    "path",
    "depth",
    "founded_on",
    "dissolved_on",
    "address",
]
PERIOD_COLUMNS = ["id", "organisation_id", "parent_id", "valid_from", "valid_until", "note"]
MEMBERSHIP_COLUMNS = ["id", "member_id", "cell_id", "kind", "valid_from", "valid_until", "note"]
POSITION_COLUMNS = ["id", "member_id", "cell_id", "kind", "valid_from", "valid_until", "decision_ref"]
EXEMPTION_COLUMNS = ["id", "member_id", "valid_from", "valid_until", "reason", "decision_ref"]
TRAINING_COLUMNS = [
    "id",
    "member_id",
    "course_title",
    "kind",
    "organiser",
    "started_on",
    "ended_on",
    "completed",
]
MEMBER_BASE_COLUMNS = [
    "id",
    "full_name",
    "gender",
    "birth_date",
    "card_number",
    "citizen_id",
    "phone",
    "email",
    "admitted_on",
    "official_on",
    "work_status",
    "user_id",
]


class _Generator:
    def __init__(self, spec: SeedSpec, writer: _Writer):
        if spec.cells < 1 or spec.members_per_cell < 3 or spec.months < 1:
            raise SeedError("Cần ít nhất 1 chi bộ, 3 đảng viên mỗi chi bộ và 1 tháng.")
        self.spec = spec
        self.w = writer
        self.rng = random.Random(spec.seed)
        self.anchor = (spec.today or today()).replace(day=1)
        self.period_start = add_months(self.anchor, -(spec.months - 1))
        self.probation_floor = add_months(self.anchor, -PROBATION_MONTHS) + DAY
        self.family = _Picker(self.rng, names.FAMILY_NAMES)
        self.middle = {}
        for gender, pairs in names.MIDDLE_NAMES.items():
            traditional = names.TRADITIONAL_MIDDLE[gender]
            young = [(n, w // 3 if n == traditional else w) for n, w in pairs]
            self.middle[gender] = (_Picker(self.rng, pairs), _Picker(self.rng, young))
        self.status_mix = {kind: _Picker(self.rng, mix) for kind, mix in STATUS_MIX.items()}
        self.used_cards: set[str] = set()
        self.used_ids: set[str] = set()
        self.derived: dict[str, tuple] = {}
        # The columns fill_derived_names() sets, whatever they are today (sort, search, given name...).
        sample = fill_derived_names(SimpleNamespace(full_name="Nguyễn Văn An"))
        self.derived_columns = [
            f.attname
            for f in Member._meta.concrete_fields
            if not f.editable
            and not f.primary_key
            and f.attname != "full_name"
            and hasattr(sample, f.attname)
        ]
        self.result = SeedResult(root_id=0, ward_ids=[], counts=writer.counts)
        self.rows = {}
        self.meetings = None

    # -- small draws -------------------------------------------------------------------------------
    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def card_number(self) -> str:
        while True:
            card = str(self.rng.randrange(10_000_000, 100_000_000))
            if card not in self.used_cards:
                self.used_cards.add(card)
                return card

    def citizen_id(self, gender: str, birth: dt.date) -> str:
        # CCCD layout: province of birth (3), century and gender (1), year (2), serial (6).
        century = 0 if birth.year < 2000 else 2
        head = (
            self.rng.choice(PROVINCE_CODES)
            + str(century + (1 if gender == Gender.FEMALE else 0))
            + f"{birth.year % 100:02d}"
        )
        while True:
            value = head + f"{self.rng.randrange(1_000_000):06d}"
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def full_name(self, gender: str, birth: dt.date) -> str:
        old, young = self.middle[gender]
        middle = (old if birth.year < 1980 else young)()
        parts = [self.family(), middle]
        if middle == "Thị" and self.chance(0.25):
            parts.append(self.rng.choice(names.SECOND_MIDDLE_FEMALE))
        given = self.rng.choice(names.GIVEN_NAMES[gender])
        if given == parts[-1]:
            given = self.rng.choice(names.GIVEN_NAMES[gender])
        return " ".join([*parts, given])

    def derived_names(self, full_name: str) -> tuple:
        cached = self.derived.get(full_name)
        if cached is None:
            # The same derivation as the services (sort key, accent-free search key, ...), on a plain
            # object: a model instance per member costs more than the rest of the member together.
            member = fill_derived_names(SimpleNamespace(full_name=full_name))
            cached = (member.full_name, *(getattr(member, c) for c in self.derived_columns))
            self.derived[full_name] = cached
        return cached

    # -- the tree ------------------------------------------------------------------------------------
    def run(self) -> SeedResult:
        spec = self.spec
        wards = spec.wards or max(1, math.ceil(spec.cells / CELLS_PER_WARD))
        wards = min(wards, spec.cells)
        if Organisation.objects.filter(code=spec.root_code).exists():
            raise SeedError(f"Đã có tổ chức mã {spec.root_code}: dữ liệu mẫu đã được nạp.")
        if Member.objects.exists():
            # Keep clear of card numbers and citizen IDs already in the database.
            self.used_cards.update(Member.objects.values_list("card_number", flat=True))
            self.used_ids.update(Member.objects.exclude(citizen_id=None).values_list("citizen_id", flat=True))
        # The months' meetings: from the first month of the period to this one, and next month's planned.
        self.meetings = meetings.MeetingMaker(
            seed=spec.seed,
            writer=self.w,
            months=[add_months(self.period_start, i) for i in range(spec.months)],
            today=spec.today or today(),
        )
        root_id = self.w.next_id(Organisation)
        root_path = str(root_id).zfill(SEGMENT)
        self.result.root_id = root_id
        self._reset_rows()
        self._org(root_id, spec.root_code, spec.root_name, OrgKind.CITY, None, root_path, 1, None, None)
        self._flush()
        base, extra = divmod(spec.cells, wards)
        for index in range(wards):
            self._ward(index, base + (1 if index < extra else 0), root_id, root_path)
        return self.result

    def _reset_rows(self):
        self.rows = {
            model: []
            for model in (
                Organisation,
                OrgParentPeriod,
                Member,
                Membership,
                Position,
                Exemption,
                TrainingRecord,
            )
        }

    def _org(
        self, org_id, code, name, kind, parent_id, path, depth, founded, dissolved, cell_kind="", address=""
    ):
        self.rows[Organisation].append(
            (org_id, code, name, kind, cell_kind, parent_id, path, depth, founded, dissolved, address)
        )
        self.rows[OrgParentPeriod].append(
            (self.w.next_id(OrgParentPeriod), org_id, parent_id, founded, None, "")
        )

    def _flush(self):
        w = self.w
        w.write(Organisation, ORG_COLUMNS, self.rows[Organisation])
        w.write(OrgParentPeriod, PERIOD_COLUMNS, self.rows[OrgParentPeriod])
        w.write(
            Member,
            MEMBER_BASE_COLUMNS[:2] + self.derived_columns + MEMBER_BASE_COLUMNS[2:],
            self.rows[Member],
        )
        w.write(Membership, MEMBERSHIP_COLUMNS, self.rows[Membership])
        w.write(Position, POSITION_COLUMNS, self.rows[Position])
        w.write(Exemption, EXEMPTION_COLUMNS, self.rows[Exemption])
        w.write(TrainingRecord, TRAINING_COLUMNS, self.rows[TrainingRecord])
        self._reset_rows()

    def _ward(self, index: int, n_cells: int, root_id: int, root_path: str) -> None:
        rng, spec = self.rng, self.spec
        ward_place = names.WARD_NAMES[index] if index < len(names.WARD_NAMES) else f"phường số {index + 1}"
        ward_id = self.w.next_id(Organisation)
        ward_path = root_path + str(ward_id).zfill(SEGMENT)
        ward_code = f"{spec.root_code}-{index + 1:03d}"
        self.result.ward_ids.append(ward_id)
        self._org(
            ward_id, ward_code, f"Đảng bộ {ward_place}", OrgKind.GRASSROOTS, root_id, ward_path, 2, None, None
        )

        # Cell kinds: about 55% residential (tổ dân phố), the rest agencies, schools, enterprises...
        n_res = max(1, round(n_cells * 0.55)) if n_cells > 1 else 1
        other = _Picker(rng, OTHER_CELL_KINDS)
        kinds = [CellKind.RESIDENTIAL] * n_res + [other() for _ in range(n_cells - n_res)]
        # Partial committees (đảng bộ bộ phận) group a few residential cells: depth 4 below them.
        n_partial = n_cells // 20 if n_cells >= 20 else (1 if n_cells >= 6 else 0)
        partial_of = {}
        per_partial = min(5, max(1, (n_res - 1) // max(1, n_partial)))
        for k in range(n_partial):
            pid = self.w.next_id(Organisation)
            self._org(
                pid,
                f"{ward_code}-B{k + 1:02d}",
                f"Đảng bộ bộ phận Khu dân cư số {k + 1}",
                OrgKind.PARTIAL,
                ward_id,
                ward_path + str(pid).zfill(SEGMENT),
                3,
                None,
                None,
            )
            for c in range(k * per_partial, min(n_res, (k + 1) * per_partial)):
                partial_of[c] = (pid, ward_path + str(pid).zfill(SEGMENT))

        # A few cells are founded or dissolved during the period (never the same cell).
        events = spec.months >= 2 and n_cells >= 4
        n_new = max(1, round(n_cells * 0.03)) if events else 0
        n_gone = max(1, round(n_cells * 0.02)) if events else 0
        order = list(range(1, n_cells))  # cell 0 (Tổ dân phố số 1) stays stable for the demo accounts
        rng.shuffle(order)
        new_set, gone_set = set(order[:n_new]), set(order[n_new : n_new + n_gone])

        cells: list[_Cell] = []
        used_names = Counter()
        decks = {}
        for c, kind in enumerate(kinds):
            cid = self.w.next_id(Organisation)
            if kind == CellKind.RESIDENTIAL:
                name = f"Chi bộ Tổ dân phố số {c + 1}"
                address = f"Tổ dân phố số {c + 1}, {ward_place}"
            else:
                # Draw unit names without replacement, so a ward has few look-alike cells.
                if not decks.get(kind):
                    decks[kind] = rng.sample(CELL_KIND_NAMES[kind], len(CELL_KIND_NAMES[kind]))
                name = "Chi bộ " + decks[kind].pop()
                if kind in WARD_SUFFIXED:
                    name += f" {ward_place}"
                address = ""
            used_names[name] += 1
            if used_names[name] > 1:
                name += f" (số {used_names[name]})"
            if c in new_set:
                founded = self.date_between(self.period_start, self.anchor - dt.timedelta(days=20))
                cell = _Cell(cid, kind, founded, new=True, term_start=founded)
            else:
                founded = self.date_between(dt.date(1960, 1, 1), _add_years(self.period_start, -3))
                term = self.date_between(
                    add_months(self.period_start, -30), add_months(self.period_start, -1)
                )
                cell = _Cell(cid, kind, founded, term_start=term)
                if c in gone_set:
                    cell.dissolved_on = self.date_between(add_months(self.period_start, 1), self.anchor)
            parent_id, parent_path = partial_of.get(c, (ward_id, ward_path))
            self._org(
                cid,
                f"{ward_code}-{c + 1:04d}",
                name,
                OrgKind.CELL,
                parent_id,
                parent_path + str(cid).zfill(SEGMENT),
                len(parent_path) // SEGMENT + 1,
                cell.founded_on,
                cell.dissolved_on,
                cell_kind=kind,
                address=address,
            )
            cell.name = name
            cell.path = parent_path + str(cid).zfill(SEGMENT)
            cell.address = address
            cells.append(cell)

        sizes = self._sizes(n_cells)
        for cell, size in zip(cells, sizes, strict=True):
            for i in range(size):
                self._person(cell, force_official=i < 3)
        for cell in cells:
            self._positions(cell, ward_place)
        self._events(cells)
        self._showcase(cells)
        self.meetings.ward(
            index,
            cells,
            self.rows,
            names={row[0]: row[1] for row in self.rows[Member]},
            official_on={p.id: p.official_on for c in cells for p in c.people},
            ward_place=ward_place,
            work={p.id: p.work_status for c in cells for p in c.people},
            showcase=self.result.showcase_member_id,
        )
        self._flush()
        self.meetings.write()

    def _sizes(self, n_cells: int) -> list[int]:
        """Cell sizes around members_per_cell, summing exactly to cells x members_per_cell."""
        m = self.spec.members_per_cell
        total = n_cells * m
        floor = min(m, 5)
        weights = [self.rng.uniform(0.4, 1.6) for _ in range(n_cells)]
        spare = total - floor * n_cells
        scale = sum(weights)
        raw = [spare * w / scale for w in weights]
        sizes = [floor + int(r) for r in raw]
        # Hand out what rounding left, largest remainders first.
        for i in sorted(range(n_cells), key=lambda i: raw[i] - int(raw[i]), reverse=True)[
            : total - sum(sizes)
        ]:
            sizes[i] += 1
        return sizes

    # -- people -------------------------------------------------------------------------------------
    def _person(self, cell: _Cell, *, force_official: bool) -> None:
        rng, anchor = self.rng, self.anchor
        residential = cell.kind == CellKind.RESIDENTIAL
        # Probationary members were admitted in the last 12 months; few in residential cells.
        probation_end = (cell.dissolved_on - DAY) if cell.dissolved_on else anchor
        probationary = (
            not force_official
            and self.chance(0.01 if residential else 0.05)
            and probation_end >= self.probation_floor
        )
        if probationary:
            status = WorkStatus.WORKING if self.chance(0.9) else WorkStatus.OTHER
            age = rng.randint(22, 35)
        else:
            status = self.status_mix[cell.kind if cell.kind in self.status_mix else None]()
            if status == WorkStatus.RETIRED:
                # Mostly over 60; a few retired early.
                age = rng.randint(56, 59) if self.chance(0.05) else min(90, int(rng.triangular(60, 91, 70)))
            elif status == WorkStatus.WORKING:
                hi = 55 if cell.kind == CellKind.ARMED_FORCES else 60
                age = int(rng.triangular(23, hi + 1, 38))
            else:
                age = rng.randint(30, 70)
        if cell.kind == CellKind.ARMED_FORCES:
            gender = Gender.MALE if self.chance(0.9) else Gender.FEMALE
        elif cell.kind == CellKind.SCHOOL:
            gender = Gender.FEMALE if self.chance(0.7) else Gender.MALE
        else:
            gender = Gender.MALE if self.chance(0.52) else Gender.FEMALE
        birth = _add_years(anchor, -age) - dt.timedelta(days=rng.randint(1, 364))

        if probationary:
            admitted = self.date_between(self.probation_floor, probation_end)
            official_on = None
        else:
            latest = add_months(anchor, -PROBATION_MONTHS) - DAY
            if force_official:
                # The first three of a cell were official members when its current term began.
                latest = min(latest, add_months(cell.term_start, -PROBATION_MONTHS) - DAY)
                age = max(age, 30)
                birth = _add_years(anchor, -age) - dt.timedelta(days=rng.randint(1, 364))
            admit_age = rng.randint(18, max(18, min(45, age - 2)))
            admitted = min(_add_years(birth, admit_age) + dt.timedelta(days=rng.randint(0, 300)), latest)
            official_on = add_months(admitted, PROBATION_MONTHS)

        # Membership in this cell: from its founding (new cells), else some time before the term began.
        if cell.new:
            joined = max(admitted, cell.founded_on)
        else:
            earliest = max(cell.founded_on, admitted)
            joined = (
                self.date_between(earliest, cell.term_start - DAY) if earliest < cell.term_start else admitted
            )
            if probationary:
                joined = admitted

        pid = self.w.next_id(Member)
        person = _Person(pid, cell, gender, birth, admitted, official_on, status, joined)
        cell.people.append(person)

        full_name = self.full_name(gender, birth)
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10_000_000):07d}" if self.chance(0.9) else ""
        email = ""
        if self.chance(0.6 if status == WorkStatus.WORKING else 0.15):
            email = f"{fold(full_name).replace(' ', '')}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}"
        self.rows[Member].append(
            (
                pid,
                *self.derived_names(full_name),
                gender,
                birth,
                self.card_number(),
                self.citizen_id(gender, birth),
                phone,
                email,
                admitted,
                official_on,
                status,
                None,
            )
        )
        self.rows[Membership].append(
            [self.w.next_id(Membership), pid, cell.id, MembershipKind.OFFICIAL, joined, None, ""]
        )
        person.membership = self.rows[Membership][-1]

    # -- positions ----------------------------------------------------------------------------------
    def _positions(self, cell: _Cell, ward_place: str) -> None:
        rng, ts = self.rng, cell.term_start
        officials = [p for p in cell.people if p.official_on and p.official_on <= ts and p.joined <= ts]
        if not officials:
            return
        rng.shuffle(officials)
        if len(officials) >= COMMITTEE_MIN_OFFICIAL:
            size = rng.choice(
                [3, 3, 5] if len(officials) < 15 else [3, 5, 5, 7] if len(officials) < 30 else [5, 7, 7]
            )
            size = min(size, COMMITTEE_MAX, len(officials))
            kinds = [PositionKind.SECRETARY]
            kinds += [PositionKind.DEPUTY] if self.chance(0.9) else [PositionKind.COMMITTEE]
            kinds += [PositionKind.COMMITTEE] * (size - 2)
        else:
            kinds = [PositionKind.SECRETARY]
            if len(officials) >= 3 and self.chance(0.35):
                kinds.append(PositionKind.DEPUTY)
        decision = f"{rng.randint(10, 400)}-QĐ/ĐU"
        for person, kind in zip(officials, kinds, strict=False):
            person.busy = True
            self.rows[Position].append(
                (self.w.next_id(Position), person.id, cell.id, kind, ts, cell.dissolved_on, decision)
            )
            self._training(person, ward_place)
        cell.secretary = officials[0]
        # The previous term's secretary, for some cells: history before the current term.
        if not cell.new and self.chance(0.3):
            prev_start = add_months(ts, -rng.choice([30, 60]))
            earlier = [
                p
                for p in officials[len(kinds) :]
                if p.joined <= prev_start and p.official_on <= prev_start and prev_start >= cell.founded_on
            ]
            if earlier:
                self.rows[Position].append(
                    (
                        self.w.next_id(Position),
                        earlier[0].id,
                        cell.id,
                        PositionKind.SECRETARY,
                        prev_start,
                        ts,
                        f"{rng.randint(10, 400)}-QĐ/ĐU",
                    )
                )

    def _training(self, person: _Person, ward_place: str) -> None:
        """T6: most leaders trained within 30 months, some long ago, some never."""
        rng, roll = self.rng, self.rng.random()
        if roll < 0.08:
            return
        if roll < 0.90:
            started = self.date_between(
                add_months(self.anchor, -(TRAINING_VALID_MONTHS - 2)), self.anchor - DAY * 7
            )
        else:
            started = self.date_between(
                add_months(self.anchor, -60), add_months(self.anchor, -(TRAINING_VALID_MONTHS + 1))
            )
        title = rng.choice(names.TRAINING_COURSES)
        if title.endswith("năm"):
            title += f" {started.year}"
        organiser = rng.choice(
            [f"Ban Tổ chức Đảng ủy {ward_place}", "Trường Chính trị Tô Hiệu", f"Đảng ủy {ward_place}"]
        )
        self.rows[TrainingRecord].append(
            (
                self.w.next_id(TrainingRecord),
                person.id,
                title,
                TrainingKind.PARTY_WORK,
                organiser,
                started,
                started + dt.timedelta(days=rng.randint(1, 4)),
                True,
            )
        )

    # -- events within the period ---------------------------------------------------------------------
    def _events(self, cells: list[_Cell]) -> None:
        rng, start, anchor = self.rng, self.period_start, self.anchor
        people = [p for c in cells for p in c.people]
        if self.spec.months < 2 or len(cells) < 2:
            return
        stable = [c for c in cells if c.dissolved_on is None]

        # Dissolved cells: every member moves to another cell of the ward on the dissolution date.
        for cell in cells:
            if cell.dissolved_on is None:
                continue
            d = cell.dissolved_on
            targets = [c for c in stable if c.founded_on < d]
            # The cell merges into one cell, of the same kind where the ward has one.
            target = rng.choice([c for c in targets if c.kind == cell.kind] or targets)
            for person in cell.people:
                person.busy = True
                if person.joined >= d:
                    # Admitted after the merger: their first cell is the one it merged into.
                    person.membership[2] = target.id
                    continue
                self._move(person, target, d, f"Chuyển do sáp nhập {cell.name} vào {target.name}")

        def pool(condition):
            return [p for p in people if not p.busy and p.cell.dissolved_on is None and condition(p)]

        # Transfers between cells of the ward.
        movers = pool(lambda p: len(p.cell.people) >= 8)
        for person in rng.sample(movers, min(len(movers), max(1, round(len(people) * 0.02)))):
            d = self.date_between(max(start, person.joined + DAY), anchor)
            targets = [c for c in stable if c is not person.cell and c.founded_on < d]
            if not targets or d <= person.joined or d > anchor:
                continue
            person.busy = True
            self._move(person, rng.choice(targets), d, "Chuyển sinh hoạt đảng chính thức")

        # Temporary membership in another cell for 3 to 12 months.
        guests = pool(lambda p: True)
        for person in rng.sample(guests, min(len(guests), max(1, round(len(people) * 0.015)))):
            begin = self.date_between(max(start, person.joined + DAY), anchor)
            hosts = [c for c in stable if c is not person.cell and c.founded_on <= begin]
            if not hosts or begin <= person.joined or begin > anchor:
                continue
            person.busy = True
            self.rows[Membership].append(
                [
                    self.w.next_id(Membership),
                    person.id,
                    rng.choice(hosts).id,
                    MembershipKind.TEMPORARY,
                    begin,
                    add_months(begin, rng.randint(3, 12)),
                    rng.choice(TEMPORARY_NOTES),
                ]
            )

        # Exemptions for old members who asked for them; a few have since asked to return.
        old = pool(lambda p: p.official_on is not None and (anchor - p.birth).days >= 70 * 365)
        for person in rng.sample(old, min(len(old), max(1, round(len(people) * 0.02)))):
            person.busy = True
            # Asked for at 65 or older, within the last six years.
            floor = max(
                person.joined, person.official_on, _add_years(anchor, -6), _add_years(person.birth, 65)
            )
            begin = self.date_between(floor, anchor)
            until = None
            if self.chance(0.2) and begin < add_months(anchor, -2):
                until = self.date_between(add_months(begin, 1), anchor)
            self.rows[Exemption].append(
                (
                    self.w.next_id(Exemption),
                    person.id,
                    begin,
                    until,
                    rng.choice(names.EXEMPTION_REASONS),
                    f"{rng.randint(1, 60)}-NQ/CB",
                )
            )

    def _move(self, person: _Person, target: _Cell, on: dt.date, note: str) -> None:
        person.membership[5] = on  # close the current official membership ...
        self.rows[Membership].append(  # ... and open the next one the same day: no gap, no overlap
            [self.w.next_id(Membership), person.id, target.id, MembershipKind.OFFICIAL, on, None, note]
        )

    def _showcase(self, cells: list[_Cell]) -> None:
        if self.result.showcase_cell_id is not None:
            return
        for cell in cells:
            if cell.new or cell.dissolved_on or cell.secretary is None:
                continue
            ordinary = [p for p in cell.people if not p.busy and p.official_on]
            if ordinary:
                self.result.showcase_cell_id = cell.id
                self.result.showcase_secretary_id = cell.secretary.id
                self.result.showcase_member_id = ordinary[0].id
                return


def seed(spec: SeedSpec | None = None, *, using: str = "default") -> SeedResult:
    """Build the whole dataset in one transaction; raises SeedError if the root code is taken."""
    spec = spec or SeedSpec()
    writer = _Writer(using)
    with transaction.atomic(using=using):
        writer.start()
        try:
            result = _Generator(spec, writer).run()
        finally:
            writer.close()
        writer.finish()
        root_path = str(result.root_id).zfill(SEGMENT)
        # One summary entry instead of one per row: the generator is a bulk load, not user edits.
        AuditEntry.objects.using(using).create(
            action=Action.CREATE,
            model="demo.seed",
            object_id=str(result.root_id),
            object_repr=(
                f"Dữ liệu mẫu: {writer.counts['organisation']} tổ chức, {writer.counts['member']} đảng viên, "
                f"{writer.counts['meeting']} buổi sinh hoạt, {writer.counts['task']} nhiệm vụ "
                f"(seed {spec.seed}, {spec.months} tháng)"
            )[:255],
            org_path=root_path,
        )
    return result
