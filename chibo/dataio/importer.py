"""The bulk import engine: check every row of every table against preloaded dicts, then write in bulk.

Nothing is written unless every row of every table is valid. Each table is checked against the
database *and* the tables and rows before it in the same import (a workbook's members sheet makes its
memberships sheet valid), which is why checks read `Context`, never the database row by row.
"""

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction

from chibo.audit.models import Action
from chibo.audit.services import audit_bulk, snapshot
from chibo.common.dates import fmt, today
from chibo.common.text import clean_name, fold, name_error
from chibo.dataio.bulk import copy_audit, copy_members, new_member, use_copy
from chibo.dataio.formats import (
    FORMATS,
    CellError,
    Column,
    Format,
    parse_bool,
    parse_choice,
    parse_citizen_id,
    parse_date,
    parse_datetime,
    parse_int,
    parse_time,
    text_of,
)
from chibo.dataio.readers import Table
from chibo.members import rules
from chibo.members.access import member as member_policy
from chibo.members.access import writable_member_ids
from chibo.members.models import (
    Exemption,
    Member,
    Membership,
    MembershipKind,
    Position,
    TrainingKind,
    TrainingRecord,
    WorkStatus,
)
from chibo.members.services import fill_derived_names
from chibo.orgs.access import orgs_writable_by, registering_org_of
from chibo.orgs.models import Organisation, OrgKind, OrgParentPeriod, parent_kind_problem, top_path
from chibo.orgs.services import placeholder_path, segment

BATCH = 2000
# Names repeat a lot in a big file; normalising each distinct one once is measurably cheaper.
_clean_name = lru_cache(maxsize=200_000)(clean_name)


@dataclass
class RowError:
    row: int
    column: str
    message: str
    sheet: str = ""

    def __str__(self) -> str:
        where = f"Trang «{self.sheet}», dòng {self.row}" if self.sheet else f"Dòng {self.row}"
        column = f", cột «{self.column}»" if self.column else ""
        return f"{where}{column}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "sheet": self.sheet}


@dataclass
class Plan:
    """What one table would change: new rows, (row, before) updates, unchanged rows, errors."""

    kind: str
    sheet: str = ""
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Not errors: what the rows leave out that the indicators will read as "not met", and what to import next.
    notes: list[RowError] = field(default_factory=list)

    def counts(self) -> dict:
        return {"created": len(self.creates), "updated": len(self.updates), "unchanged": self.unchanged}


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def fetch_in(qs, field_name: str, values) -> list:
    """Rows of qs whose field is in values, without a query per value and within parameter limits."""
    values = [v for v in set(values) if v not in (None, "")]
    if not values:
        return []
    if len(values) > 20000:
        # Cheaper to read the whole table once than tens of thousands of IN lists.
        wanted = set(values)
        return [obj for obj in qs.iterator(chunk_size=5000) if getattr(obj, field_name) in wanted]
    size = 900 if connection.vendor == "sqlite" else 10000
    found = []
    for part in _chunks(values, size):
        found.extend(qs.filter(**{f"{field_name}__in": part}))
    return found


class Context:
    """Everything the checks need, read once: the organisations, and the members and their dated rows
    for the card numbers and cells that appear in the file, plus the rows planned so far."""

    def __init__(self, user):
        self.user = user
        self.superuser = user is None or getattr(user, "is_superuser", False)
        self.writable = None if self.superuser else set(orgs_writable_by(user).values_list("pk", flat=True))
        self.today = today()
        # Members created without a membership belong to this organisation until they get one.
        self.registered_by = registering_org_of(user)
        self.orgs: dict[str, Organisation] = {o.code: o for o in Organisation.objects.select_related(None)}
        self.org_by_pk = {o.pk: o for o in self.orgs.values()}
        self.new_orgs: set[str] = set()
        self.members: dict[str, Member] = {}
        self.new_members: set[str] = set()
        self._cards_looked_up: set[str] = set()
        self.ms_by_card: dict[str, list[Membership]] = defaultdict(list)
        self.ms_by_cell: dict[str, list[Membership]] = defaultdict(list)
        self._ms_pks: set[int] = set()
        self._ms_cards: set[str] = set()
        self._ms_cells: set[str] = set()
        self.pos_by_cell: dict[str, list[Position]] = defaultdict(list)
        self._pos_cells: set[str] = set()
        self.ex_by_card: dict[str, list[Exemption]] = defaultdict(list)
        self._ex_cards: set[str] = set()
        self.tr_by_key: dict[tuple, TrainingRecord] = {}
        self._tr_cards: set[str] = set()
        self._writable_asked: set[str] = set()
        self._writable_cards: set[str] = set()

    # -- scope ------------------------------------------------------------------------------------
    def can_write_org(self, org: Organisation) -> bool:
        return self.writable is None or org.code in self.new_orgs or org.pk in self.writable

    def preload_writable(self, cards) -> None:
        """Ask the members policy, for every card of a table at once, who the user may change."""
        if self.writable is None:
            return
        self.load_members(cards)
        pks = {
            self.members[c].pk: c
            for c in set(cards)
            if c in self.members and self.members[c].pk and c not in self._writable_asked
        }
        self._writable_asked.update(pks.values())
        self._writable_cards.update(pks[pk] for pk in writable_member_ids(self.user, pks, self.today))

    def visible_cards(self, cards) -> set[str]:
        """The cards, among these, of members the user may read (members.access `member`): an error about
        any other existing member reads exactly as if the card or citizen id were unknown."""
        cards = {c for c in cards if c}
        if self.superuser or not cards:
            return cards
        seen = fetch_in(member_policy.visible_qs(self.user).only("card_number"), "card_number", cards)
        return {m.card_number for m in seen} | (cards & self.new_members)

    def can_write_member(self, card: str) -> bool:
        """The web's rule (members.access `member.can_edit`: a membership valid today in a cell the user
        writes), asked of the policy for the rows in the database. Members created by this import, and
        memberships planned by it (not yet saved), count by the same rule applied to the file's rows."""
        if self.writable is None or card in self.new_members:
            return True
        self.preload_writable([card])
        if card in self._writable_cards:
            return True
        return any(
            ms.pk is None and ms.is_valid_on(self.today) and self.can_write_org(ms.cell)
            for ms in self.ms_by_card.get(card, ())
        )

    # -- preloading ---------------------------------------------------------------------------------
    def load_members(self, cards) -> None:
        missing = [c for c in set(cards) if c and c not in self.members and c not in self._cards_looked_up]
        self._cards_looked_up.update(missing)
        for member in fetch_in(Member.objects.all(), "card_number", missing):
            self.members[member.card_number] = member

    def _add_membership(self, ms: Membership) -> None:
        self.ms_by_card[ms.member.card_number].append(ms)
        self.ms_by_cell[ms.cell.code].append(ms)

    def load_memberships(self, *, cards=(), cells=()) -> None:
        cards = [c for c in set(cards) if c not in self._ms_cards]
        cells = [c for c in set(cells) if c not in self._ms_cells]
        self._ms_cards.update(cards)
        self._ms_cells.update(cells)
        member_pks = [self.members[c].pk for c in cards if c in self.members and self.members[c].pk]
        cell_pks = [self.orgs[c].pk for c in cells if c in self.orgs and self.orgs[c].pk]
        rows = fetch_in(Membership.objects.select_related("member"), "member_id", member_pks)
        rows += fetch_in(
            Membership.objects.select_related("member").filter(kind=MembershipKind.OFFICIAL),
            "cell_id",
            cell_pks,
        )
        for ms in rows:
            if ms.pk in self._ms_pks:
                continue
            self._ms_pks.add(ms.pk)
            # Share one instance per member and cell, so changes planned earlier in the import are seen.
            ms.member = self.members.setdefault(ms.member.card_number, ms.member)
            ms.cell = self.org_by_pk[ms.cell_id]
            self._add_membership(ms)

    def load_positions(self, cells) -> None:
        cells = [c for c in set(cells) if c not in self._pos_cells]
        self._pos_cells.update(cells)
        pks = [self.orgs[c].pk for c in cells if c in self.orgs and self.orgs[c].pk]
        for pos in fetch_in(Position.objects.select_related("member"), "cell_id", pks):
            pos.member = self.members.setdefault(pos.member.card_number, pos.member)
            pos.cell = self.org_by_pk[pos.cell_id]
            self.pos_by_cell[pos.cell.code].append(pos)

    def load_exemptions(self, cards) -> None:
        cards = [c for c in set(cards) if c not in self._ex_cards]
        self._ex_cards.update(cards)
        by_pk = {self.members[c].pk: c for c in cards if c in self.members and self.members[c].pk}
        for ex in fetch_in(Exemption.objects.all(), "member_id", list(by_pk)):
            ex.member = self.members[by_pk[ex.member_id]]
            self.ex_by_card[by_pk[ex.member_id]].append(ex)

    def load_trainings(self, cards) -> None:
        cards = [c for c in set(cards) if c not in self._tr_cards]
        self._tr_cards.update(cards)
        by_pk = {self.members[c].pk: c for c in cards if c in self.members and self.members[c].pk}
        for tr in fetch_in(TrainingRecord.objects.all(), "member_id", list(by_pk)):
            tr.member = self.members[by_pk[tr.member_id]]
            self.tr_by_key[(by_pk[tr.member_id], tr.course_title, tr.started_on)] = tr

    # -- facts for the rules ------------------------------------------------------------------------
    def officials_on(self, cell_code: str, day: dt.date) -> int:
        return len(
            {
                ms.member.card_number
                for ms in self.ms_by_cell.get(cell_code, ())
                if ms.kind == MembershipKind.OFFICIAL
                and rules.is_on(day, ms.valid_from, ms.valid_until)
                and ms.member.official_on is not None
                and ms.member.official_on <= day
            }
        )

    def home_on(self, card: str, day: dt.date) -> Membership | None:
        return next(
            (
                ms
                for ms in self.ms_by_card.get(card, ())
                if ms.kind == MembershipKind.OFFICIAL and rules.is_on(day, ms.valid_from, ms.valid_until)
            ),
            None,
        )


# -- reading the rows of a table -------------------------------------------------------------------

_PARSERS: dict[str, Callable] = {
    "date": parse_date,
    "time": parse_time,
    "datetime": parse_datetime,
    "bool": parse_bool,
    "citizen_id": parse_citizen_id,
    "int": parse_int,
}


def _header_map(table: Table, fmt_: Format, errors: list[RowError]) -> list[tuple[Column, int]]:
    by_key = {fold(c.header): c for c in fmt_.columns}
    found: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        name = text_of(header)
        if not name:
            continue
        column = by_key.get(fold(name))
        if column is None:
            errors.append(
                RowError(1, name, "Cột không có trong mẫu nhập; hãy xem tài liệu định dạng.", table.sheet)
            )
        elif column.header in found:
            errors.append(RowError(1, name, "Cột bị lặp lại.", table.sheet))
        else:
            found[column.header] = index
    for column in fmt_.columns:
        if column.required and column.header not in found:
            errors.append(RowError(1, column.header, "Thiếu cột bắt buộc.", table.sheet))
    return [(c, found[c.header]) for c in fmt_.columns if c.header in found]


def _reader(column: Column) -> Callable:
    """One function per column turning a non-empty cell into its value (or raising CellError)."""
    if column.type == "choice":
        choice = column.choice
        return lambda raw: parse_choice(raw, choice)
    if column.type in _PARSERS:
        return _PARSERS[column.type]
    limit = column.max_length

    def read_text(raw):
        value = raw.strip() if raw.__class__ is str else text_of(raw)
        if limit and len(value) > limit:
            raise CellError(f"Dài quá {limit} ký tự.")
        if column.type == "name" and (problem := name_error(value)):
            raise CellError(problem)
        if column.type == "email":
            try:
                validate_email(value)
            except ValidationError:
                raise CellError(f"Địa chỉ thư điện tử «{value}» không hợp lệ.") from None
        return value

    return read_text


def _parse_rows(table: Table, fmt_: Format, plan: Plan, progress: Callable[[int], None]):
    """Yield (row number, values by attr) for each row whose cells all read; record the others' errors."""
    columns = _header_map(table, fmt_, plan.errors)
    if plan.errors:
        return
    present = {c.attr for c, _ in columns}
    absent = [c.attr for c in fmt_.columns if c.attr not in present]
    readers = [(c.attr, index, c.required, _reader(c), c.header) for c, index in columns]
    sheet = table.sheet
    for count, (number, values) in enumerate(table.rows, start=1):
        if count % 5000 == 0:
            progress(5000)
        row: dict = dict.fromkeys(absent)
        bad = False
        width = len(values)
        for attr, index, required, read, header in readers:
            raw = values[index] if index < width else None
            if raw is None or raw == "" or (raw.__class__ is str and raw.isspace()):
                if required:
                    plan.errors.append(RowError(number, header, "Thiếu giá trị bắt buộc.", sheet))
                    bad = True
                row[attr] = None
                continue
            try:
                row[attr] = read(raw)
            except CellError as exc:
                plan.errors.append(RowError(number, header, str(exc), sheet))
                bad = True
        if not bad:
            yield number, row
    progress(len(table.rows) % 5000)


# Columns whose value may appear only once in a file.
UNIQUE_IN_FILE = {"orgs": ("code",), "members": ("card", "citizen_id")}


class Checker:
    """Builds a Plan per table; each error names the row, the column (by its header) and the problem."""

    def __init__(self, ctx: Context, progress: Callable[[int], None] | None = None):
        self.ctx = ctx
        self.progress = progress or (lambda n: None)
        self._member_rows: dict[str, tuple[Plan, int]] = {}  # card -> where the members table named it

    def plan(self, table: Table) -> Plan:
        plan = Plan(table.kind, table.sheet)
        fmt_ = FORMATS[table.kind]
        self._headers = {c.attr: c.header for c in fmt_.columns}
        present = {fold(text_of(h)) for h in table.headers}
        self._present = {c.attr for c in fmt_.columns if fold(c.header) in present}
        rows = list(_parse_rows(table, fmt_, plan, self.progress))
        self._duplicates_of_unread_rows(table, fmt_, plan, {number for number, _ in rows})
        getattr(self, f"_plan_{table.kind}")(plan, rows)
        plan.errors.sort(key=lambda e: (e.row, e.column))
        plan.notes.sort(key=lambda e: (e.row, e.column))
        return plan

    def finish(self, plans: list[Plan]) -> None:
        """After every table: notes that need them all (a meeting whose roll call no sheet filled)."""
        from chibo.dataio.meetings_import import finish

        finish(self.ctx, plans)

    def _duplicates_of_unread_rows(self, table: Table, fmt_: Format, plan: Plan, read: set[int]) -> None:
        """A row with a bad date still holds its card number or code: a duplicate of it is reported too.
        Duplicates between two rows that both read are left to the _plan_* methods."""
        attrs = [a for a in UNIQUE_IN_FILE.get(table.kind, ()) if a in self._present]
        if not attrs or len(read) == len(table.rows):
            return
        index = {c.attr: i for c, i in _header_map(table, fmt_, [])}
        for attr in attrs:
            first: dict[str, int] = {}
            for number, values in table.rows:
                raw = values[index[attr]] if index[attr] < len(values) else None
                key = text_of(raw).strip() if raw is not None else ""
                if not key:
                    continue
                if key not in first:
                    first[key] = number
                elif number not in read or first[key] not in read:
                    self._err(
                        plan, number, attr, f"{self._headers[attr]} «{key}» trùng với dòng {first[key]}."
                    )

    def _err(self, plan: Plan, number: int, attr: str, message: str) -> None:
        plan.errors.append(RowError(number, self._headers.get(attr, attr), message, plan.sheet))

    def _rule(self, plan: Plan, number: int, problem, fields: dict[str, str]) -> bool:
        """Record a members.rules problem under the column the rule's field maps to."""
        if problem is None:
            return False
        rule_field, message = problem
        self._err(plan, number, fields.get(rule_field, rule_field), message)
        return True

    # Model fields whose column has another name in the file.
    _FIELD_COLUMNS = {"citizen_id": "citizen_id", "ended_on": "valid_until"}

    def _diff(self, obj, values: dict) -> dict | None:
        """Apply values to obj; return the snapshot before if anything changed. A column left out of
        the file leaves its field alone: a file of names only must not wipe the phone numbers."""
        before = None
        for name, value in values.items():
            if self._FIELD_COLUMNS.get(name, name) not in self._present:
                continue
            if getattr(obj, name) != value:
                if before is None:
                    before = snapshot(obj)
                setattr(obj, name, value)
        return before

    def _record(self, plan: Plan, obj, before) -> None:
        if before is None:
            plan.unchanged += 1
        else:
            plan.updates.append((obj, before))

    def _preload_scope(self, rows) -> None:
        # Scope checks read the members' memberships: load them for the whole table at once.
        if not self.ctx.superuser:
            self.ctx.preload_writable([v["card"] for _, v in rows])

    def _member(self, plan: Plan, number: int, card: str, *, scoped: bool = True) -> Member | None:
        member = self.ctx.members.get(card)
        if member is not None and scoped and not self.ctx.can_write_member(card):
            if card not in self.ctx.visible_cards([card]):
                member = None  # someone else's member: answered as an unknown card
        if member is None:
            self._err(
                plan,
                number,
                "card",
                f"Không tìm thấy đảng viên có số thẻ «{card}» (trong cơ sở dữ liệu hoặc ở các dòng, các trang trước).",
            )
        elif scoped and not self.ctx.can_write_member(card):
            self._err(
                plan, number, "card", f"Bạn không có quyền sửa dữ liệu của đảng viên có số thẻ «{card}»."
            )
            return None
        return member

    def _cell(self, plan: Plan, number: int, code: str, day: dt.date) -> Organisation | None:
        cell = self.ctx.orgs.get(code)
        if cell is None:
            self._err(
                plan,
                number,
                "cell",
                f"Không tìm thấy chi bộ có mã «{code}» (trong cơ sở dữ liệu hoặc ở các dòng, các trang trước).",
            )
            return None
        if not self.ctx.can_write_org(cell):
            self._err(plan, number, "cell", f"Bạn không có quyền nhập dữ liệu cho «{cell.name}» (mã {code}).")
            return None
        problem = rules.cell_problem(
            is_cell=cell.kind == OrgKind.CELL, cell_name=cell.name, active=cell.is_active_on(day), day=day
        )
        return None if self._rule(plan, number, problem, {}) else cell

    # -- organisations -----------------------------------------------------------------------------
    def _plan_orgs(self, plan: Plan, rows) -> None:
        ctx, seen = self.ctx, {}
        for number, v in rows:
            code = v["code"]
            if code in seen:
                self._err(plan, number, "code", f"Mã tổ chức «{code}» trùng với dòng {seen[code]}.")
                continue
            seen[code] = number
            parent = None
            if v["parent"]:
                parent = ctx.orgs.get(v["parent"])
                if parent is None or parent.code == code:
                    self._err(
                        plan,
                        number,
                        "parent",
                        f"Không tìm thấy tổ chức cấp trên có mã «{v['parent']}» (trong cơ sở dữ liệu hoặc ở các dòng trên).",
                    )
                    continue
                problem = parent_kind_problem(v["kind"], parent.kind)
                if problem:
                    self._err(plan, number, "parent", problem)
                    continue
            elif v["kind"] == OrgKind.CELL and ("parent" in self._present or code not in ctx.orgs):
                self._err(plan, number, "parent", "Chi bộ phải trực thuộc một đảng bộ: hãy ghi mã cấp trên.")
                continue
            if v["founded_on"] and v["dissolved_on"] and v["dissolved_on"] < v["founded_on"]:
                self._err(plan, number, "dissolved_on", "Ngày giải thể phải sau ngày thành lập.")
                continue
            values = {
                "name": v["name"],
                "kind": v["kind"],
                "cell_kind": (v["cell_kind"] or "") if v["kind"] == OrgKind.CELL else "",
                "founded_on": v["founded_on"],
                "dissolved_on": v["dissolved_on"],
                "address": v["address"] or "",
            }
            org = ctx.orgs.get(code)
            if org is not None and code not in ctx.new_orgs:
                if not ctx.can_write_org(org):
                    self._err(
                        plan, number, "code", f"Bạn không có quyền sửa tổ chức «{org.name}» (mã {code})."
                    )
                    continue
                current_parent = ctx.org_by_pk.get(org.parent_id)
                current_code = current_parent.code if current_parent else None
                if "parent" in self._present and current_code != (parent.code if parent else None):
                    self._err(
                        plan,
                        number,
                        "parent",
                        "Không đổi cấp trên qua nhập dữ liệu: dùng chức năng chuyển tổ chức (có ngày chuyển).",
                    )
                    continue
                self._record(plan, org, self._diff(org, values))
                continue
            if org is not None:  # created by an earlier table of the same import: never twice
                self._err(plan, number, "code", f"Mã tổ chức «{code}» đã có ở trang trước.")
                continue
            if parent is None and not ctx.superuser:
                self._err(plan, number, "parent", "Chỉ quản trị hệ thống mới tạo được tổ chức cấp cao nhất.")
                continue
            if parent is not None and not ctx.can_write_org(parent):
                self._err(
                    plan,
                    number,
                    "parent",
                    f"Bạn không có quyền thêm tổ chức vào «{parent.name}» (mã {parent.code}).",
                )
                continue
            org = Organisation(
                code=code,
                parent=parent,
                path=placeholder_path(code),
                depth=parent.depth + 1 if parent else 1,
                **values,
            )
            ctx.orgs[code] = org
            ctx.new_orgs.add(code)
            plan.creates.append(org)

    # -- members ------------------------------------------------------------------------------------
    def _plan_members(self, plan: Plan, rows) -> None:
        ctx = self.ctx
        self._preload_scope(rows)
        ctx.load_members(v["card"] for _, v in rows)
        ctx.load_memberships(cards=[v["card"] for _, v in rows])
        cids = [v["citizen_id"] for _, v in rows if v["citizen_id"]]
        owner = {
            m.citizen_id: m.card_number
            for m in fetch_in(Member.objects.only("citizen_id", "card_number"), "citizen_id", cids)
        }
        visible_owners = ctx.visible_cards(owner.values())
        seen_card: dict[str, int] = {}
        seen_cid: dict[str, int] = {}
        for number, v in rows:
            card, cid = v["card"], v["citizen_id"]
            ok = True
            if card in seen_card:
                self._err(
                    plan, number, "card", f"Số thẻ đảng viên «{card}» trùng với dòng {seen_card[card]}."
                )
                continue
            seen_card[card] = number
            if cid:
                if cid in seen_cid:
                    self._err(plan, number, "citizen_id", f"Số CCCD «{cid}» trùng với dòng {seen_cid[cid]}.")
                    ok = False
                elif owner.get(cid, card) != card:
                    # The owner is named only to someone who may read that member's record.
                    named = owner[cid] in visible_owners
                    self._err(
                        plan,
                        number,
                        "citizen_id",
                        f"Số CCCD «{cid}» đã được dùng cho đảng viên có số thẻ «{owner[cid]}»."
                        if named
                        else f"Số CCCD «{cid}» đã có trong hồ sơ của một đảng viên khác; hãy kiểm tra lại.",
                    )
                    ok = False
                seen_cid.setdefault(cid, number)
            dates = rules.member_dates_problem(
                birth_date=v["birth_date"],
                admitted_on=v["admitted_on"],
                official_on=v["official_on"],
                today=ctx.today,
            )
            if dates:
                self._err(plan, number, *dates)
                ok = False
            elif card in ctx.members and card not in ctx.new_members:
                # A later admission date must not leave one of the member's memberships before it.
                starts = [m.valid_from for m in ctx.ms_by_card.get(card, ())]
                if starts and self._rule(
                    plan,
                    number,
                    rules.membership_start_problem(
                        start=min(starts),
                        admitted_on=v["admitted_on"],
                        member_name=_clean_name(v["full_name"]),
                        field="admitted_on",
                    ),
                    {},
                ):
                    ok = False
            if not ok:
                continue
            self._member_rows[card] = (plan, number)
            values = {
                "full_name": _clean_name(v["full_name"]),  # so a re-import of the same name is "unchanged"
                "gender": v["gender"],
                "birth_date": v["birth_date"],
                "citizen_id": cid or None,
                "phone": v["phone"] or "",
                "email": v["email"] or "",
                "admitted_on": v["admitted_on"],
                "official_on": v["official_on"],
                "work_status": v["work_status"] or WorkStatus.WORKING,
            }
            member = ctx.members.get(card)
            if member is not None and card not in ctx.new_members:
                if not ctx.can_write_member(card):
                    self._err(
                        plan,
                        number,
                        "card",
                        f"Bạn không có quyền sửa dữ liệu của đảng viên có số thẻ «{card}».",
                    )
                    continue
                before = self._diff(member, values)
                if before is not None:
                    fill_derived_names(member)
                self._record(plan, member, before)
                continue
            if member is not None:
                self._err(plan, number, "card", f"Số thẻ đảng viên «{card}» đã có ở trang trước.")
                continue
            member = new_member(
                {"card_number": card, "registered_by_id": getattr(ctx.registered_by, "pk", None), **values}
            )
            ctx.members[card] = member
            ctx.new_members.add(card)
            plan.creates.append(member)

    # -- memberships ----------------------------------------------------------------------------------
    def _plan_memberships(self, plan: Plan, rows) -> None:
        ctx = self.ctx
        ctx.load_members(v["card"] for _, v in rows)
        ctx.load_memberships(cards=[v["card"] for _, v in rows])
        seen: dict[tuple, int] = {}
        fields = {"valid_from": "valid_from", "valid_until": "valid_until", "cell": "cell", "member": "card"}
        for number, v in rows:
            card, start, end = v["card"], v["valid_from"], v["valid_until"]
            kind = v["kind"] or MembershipKind.OFFICIAL
            # The cell decides the scope here: a cell leader may take in a member from elsewhere.
            member = self._member(plan, number, card, scoped=False)
            cell = self._cell(plan, number, v["cell"], start)
            if member is None or cell is None:
                continue
            if self._rule(plan, number, rules.end_after_start(start, end), fields):
                continue
            problem = rules.membership_start_problem(
                start=start, admitted_on=member.admitted_on, member_name=member.full_name
            )
            if self._rule(plan, number, problem, fields):
                continue
            key = (card, cell.code, kind, start)
            if key in seen:
                self._err(
                    plan,
                    number,
                    "valid_from",
                    f"Trùng với dòng {seen[key]} (cùng đảng viên, chi bộ, hình thức, từ ngày).",
                )
                continue
            seen[key] = number
            mine = ctx.ms_by_card.get(card, [])
            existing = next(
                (m for m in mine if (m.cell.code, m.kind, m.valid_from) == (cell.code, kind, start)), None
            )
            others = [
                m
                for m in mine
                if m is not existing and rules.overlaps(start, end, m.valid_from, m.valid_until)
            ]
            if kind == MembershipKind.OFFICIAL:
                clash = next((m for m in others if m.kind == MembershipKind.OFFICIAL), None)
                problem = clash and rules.official_overlap_problem(
                    member_name=member.full_name, clash_cell_name=clash.cell.name, clash_from=clash.valid_from
                )
            else:
                problem = rules.temporary_problem(
                    start=start,
                    end=end,
                    official_here=any(m.kind == MembershipKind.OFFICIAL and m.cell is cell for m in others),
                    other_temporary=any(m.kind == MembershipKind.TEMPORARY for m in others),
                )
            if self._rule(plan, number, problem, fields):
                continue
            values = {"valid_until": end, "note": v["note"] or ""}
            if existing is not None:
                self._record(plan, existing, self._diff(existing, values))
                continue
            ms = Membership(member=member, cell=cell, kind=kind, valid_from=start, **values)
            ctx._add_membership(ms)
            plan.creates.append(ms)

    def unplaced_notes(self) -> list[RowError]:
        """After every table: the members of the members tables with no membership, in the database or
        in this import. They are in no cell's list yet, so the dry run says so and what to import next."""
        ctx = self.ctx
        ctx.load_memberships(cards=list(self._member_rows))
        owner = ctx.registered_by.name if ctx.registered_by else None
        seen_by = f"cán bộ của {owner}" if owner else "quản trị hệ thống"
        notes = []
        for card, (plan, number) in self._member_rows.items():
            if ctx.ms_by_card.get(card):
                continue
            member = ctx.members[card]
            note = RowError(
                number,
                self._headers_of("members").get("card", "card"),
                f"Đảng viên {member.full_name} (số thẻ {card}) chưa có chi bộ: nhập tiếp tệp memberships "
                f"(Sinh hoạt đảng) để đưa vào chi bộ. Đến lúc đó hồ sơ chỉ hiện với {seen_by}.",
                plan.sheet,
            )
            plan.notes.append(note)
            notes.append(note)
        return notes

    @staticmethod
    def _headers_of(kind: str) -> dict[str, str]:
        return {c.attr: c.header for c in FORMATS[kind].columns}

    # -- positions ----------------------------------------------------------------------------------
    def _plan_positions(self, plan: Plan, rows) -> None:
        ctx = self.ctx
        cards, cells = [v["card"] for _, v in rows], [v["cell"] for _, v in rows]
        ctx.load_members(cards)
        ctx.load_memberships(cards=cards, cells=cells)
        ctx.load_positions(cells)
        seen: dict[tuple, int] = {}
        fields = {"valid_until": "valid_until", "member": "card", "kind": "kind", "cell": "cell"}
        for number, v in rows:
            card, start, end, kind = v["card"], v["valid_from"], v["valid_until"], v["kind"]
            member = self._member(plan, number, card, scoped=False)  # the cell decides the scope
            cell = self._cell(plan, number, v["cell"], start)
            if member is None or cell is None:
                continue
            key = (card, cell.code, kind, start)
            if key in seen:
                self._err(
                    plan,
                    number,
                    "valid_from",
                    f"Trùng với dòng {seen[key]} (cùng đảng viên, chi bộ, chức vụ, từ ngày).",
                )
                continue
            seen[key] = number
            in_cell = ctx.pos_by_cell[cell.code]
            existing = next(
                (p for p in in_cell if (p.member.card_number, p.kind, p.valid_from) == (card, kind, start)),
                None,
            )
            home = ctx.home_on(card, start)
            problem = rules.position_problem(
                kind=kind,
                member_key=card,
                member_name=member.full_name,
                cell_name=cell.name,
                start=start,
                end=end,
                is_official=member.is_official_on(start),
                home_is_this_cell=home is not None and home.cell is cell,
                others=[
                    rules.Term(p.member.card_number, p.member.full_name, p.kind, p.valid_from)
                    for p in in_cell
                    if p is not existing and rules.overlaps(start, end, p.valid_from, p.valid_until)
                ],
                officials=ctx.officials_on(cell.code, start),
            )
            if self._rule(plan, number, problem, fields):
                continue
            values = {"valid_until": end, "decision_ref": v["decision_ref"] or ""}
            if existing is not None:
                self._record(plan, existing, self._diff(existing, values))
                continue
            pos = Position(member=member, cell=cell, kind=kind, valid_from=start, **values)
            in_cell.append(pos)
            plan.creates.append(pos)

    # -- exemptions ---------------------------------------------------------------------------------
    def _plan_exemptions(self, plan: Plan, rows) -> None:
        ctx = self.ctx
        self._preload_scope(rows)
        cards = [v["card"] for _, v in rows]
        ctx.load_members(cards)
        ctx.load_exemptions(cards)
        seen: dict[tuple, int] = {}
        fields = {"valid_until": "valid_until", "valid_from": "valid_from"}
        for number, v in rows:
            card, start, end = v["card"], v["valid_from"], v["valid_until"]
            member = self._member(plan, number, card)
            if member is None:
                continue
            if (card, start) in seen:
                self._err(
                    plan,
                    number,
                    "valid_from",
                    f"Trùng với dòng {seen[card, start]} (cùng đảng viên, từ ngày).",
                )
                continue
            seen[card, start] = number
            mine = ctx.ex_by_card[card]
            existing = next((e for e in mine if e.valid_from == start), None)
            clash = any(
                e is not existing and rules.overlaps(start, end, e.valid_from, e.valid_until) for e in mine
            )
            if self._rule(plan, number, rules.exemption_problem(start=start, end=end, clash=clash), fields):
                continue
            values = {"valid_until": end, "reason": v["reason"], "decision_ref": v["decision_ref"] or ""}
            if existing is not None:
                self._record(plan, existing, self._diff(existing, values))
                continue
            ex = Exemption(member=member, valid_from=start, **values)
            mine.append(ex)
            plan.creates.append(ex)

    # -- training records ---------------------------------------------------------------------------
    def _plan_trainings(self, plan: Plan, rows) -> None:
        ctx = self.ctx
        self._preload_scope(rows)
        cards = [v["card"] for _, v in rows]
        ctx.load_members(cards)
        ctx.load_trainings(cards)
        seen: dict[tuple, int] = {}
        for number, v in rows:
            card, start, end = v["card"], v["valid_from"], v["valid_until"]
            member = self._member(plan, number, card)
            if member is None:
                continue
            if end is not None and end < start:
                self._err(plan, number, "valid_until", "Ngày kết thúc không được trước ngày bắt đầu.")
                continue
            key = (card, v["course_title"], start)
            if key in seen:
                self._err(
                    plan,
                    number,
                    "course_title",
                    f"Trùng với dòng {seen[key]} (cùng đảng viên, lớp, từ ngày).",
                )
                continue
            seen[key] = number
            values = {
                "kind": v["kind"] or TrainingKind.PARTY_WORK,
                "organiser": v["organiser"] or "",
                "ended_on": end,
                "completed": bool(v["completed"]),
            }
            existing = ctx.tr_by_key.get(key)
            if existing is not None:
                self._record(plan, existing, self._diff(existing, values))
                continue
            record = TrainingRecord(member=member, course_title=v["course_title"], started_on=start, **values)
            ctx.tr_by_key[key] = record
            plan.creates.append(record)

    # -- supervision assignments (DOMAIN §9) -----------------------------------------------------------
    def _plan_supervision(self, plan: Plan, rows) -> None:
        from chibo.dataio.supervision_import import plan_assignments

        plan_assignments(self, plan, rows)

    def _note(self, plan: Plan, number: int, attr: str, message: str) -> None:
        plan.notes.append(RowError(number, self._headers.get(attr, attr), message, plan.sheet))

    # -- meetings and roll calls (issue 3 §8) ---------------------------------------------------------
    # Checked in their own module, which builds on the helpers above (scope, cells, members).
    def _plan_meetings(self, plan: Plan, rows) -> None:
        from chibo.dataio.meetings_import import plan_meetings

        plan_meetings(self, plan, rows)

    def _plan_attendances(self, plan: Plan, rows) -> None:
        from chibo.dataio.meetings_import import plan_attendances

        plan_attendances(self, plan, rows)

    # -- tasks given at past meetings (issue 4) -----------------------------------------------------
    def _plan_tasks(self, plan: Plan, rows) -> None:
        from chibo.dataio.tasks_import import plan_tasks

        plan_tasks(self, plan, rows)

    # -- courses and their participants (docs/training.md §3) -------------------------------------------
    def _plan_courses(self, plan: Plan, rows) -> None:
        from chibo.dataio.training_import import plan_courses

        plan_courses(self, plan, rows)


# -- writing ---------------------------------------------------------------------------------------

UPDATE_FIELDS = {
    "orgs": ["name", "kind", "cell_kind", "founded_on", "dissolved_on", "address"],
    "members": [
        "full_name",
        "given_name",
        "sort_name",
        "search_name",
        "gender",
        "birth_date",
        "citizen_id",
        "phone",
        "email",
        "admitted_on",
        "official_on",
        "work_status",
    ],
    "memberships": ["valid_until", "note"],
    "positions": ["valid_until", "decision_ref"],
    "exemptions": ["valid_until", "reason", "decision_ref"],
    "trainings": ["kind", "organiser", "ended_on", "completed"],
}
MODELS = {
    "orgs": Organisation,
    "members": Member,
    "memberships": Membership,
    "positions": Position,
    "exemptions": Exemption,
    "trainings": TrainingRecord,
}


def _org_path(obj, ctx: Context) -> str:
    if isinstance(obj, Organisation):
        return obj.path
    if isinstance(obj, Membership | Position):
        return obj.cell.path
    card = obj.card_number if isinstance(obj, Member) else obj.member.card_number
    rows = ctx.ms_by_card.get(card)
    if rows:
        return max(rows, key=lambda m: m.valid_from).cell.path
    # A member without a cell yet: the entry goes to the organisation that registered them.
    home = ctx.registered_by
    if home and isinstance(obj, Member) and obj.registered_by_id == home.pk:
        return home.path
    # Registered from the command line, by no organisation: filed at the top of the tree (once per import).
    if not hasattr(ctx, "top_path"):
        ctx.top_path = top_path()
    return ctx.top_path


def _update_fields(kind: str) -> list[str]:
    return list(UPDATE_FIELDS[kind])


def _create_orgs(orgs: list[Organisation]) -> None:
    # Parents before children: a child's row needs its parent's id, and its path the parent's path.
    for depth in sorted({o.depth for o in orgs}):
        level = [o for o in orgs if o.depth == depth]
        Organisation.objects.bulk_create(level, batch_size=BATCH)
        for org in level:
            org.path = (org.parent.path if org.parent else "") + segment(org.pk)
        Organisation.objects.bulk_update(level, ["path"], batch_size=BATCH)
    OrgParentPeriod.objects.bulk_create(
        [OrgParentPeriod(organisation=o, parent=o.parent, valid_from=o.founded_on) for o in orgs],
        batch_size=BATCH,
    )


def write_plans(plans: list[Plan], ctx: Context, *, audit_rows: bool = True) -> dict[str, float]:
    """Write every plan in one transaction; return the seconds spent on rows and on the audit log."""
    timings = {"write": 0.0, "audit": 0.0}
    try:
        with transaction.atomic():
            for plan in plans:
                start = time.perf_counter()
                if plan.kind in ("meetings", "attendances"):
                    from chibo.dataio.meetings_import import write_plan

                    write_plan(plan, ctx, audit_rows=audit_rows)
                    timings["write"] += time.perf_counter() - start
                    continue
                if plan.kind == "supervision":
                    from chibo.dataio.supervision_import import write_plan as write_assignments

                    write_assignments(plan, ctx, audit_rows=audit_rows)
                    timings["write"] += time.perf_counter() - start
                    continue
                if plan.kind == "tasks":
                    from chibo.dataio.tasks_import import write_plan as write_tasks

                    write_tasks(plan, ctx, audit_rows=audit_rows)
                    timings["write"] += time.perf_counter() - start
                    continue
                if plan.kind == "courses":
                    from chibo.dataio.training_import import write_plan as write_courses

                    write_courses(plan, ctx, audit_rows=audit_rows)
                    timings["write"] += time.perf_counter() - start
                    continue
                model = MODELS[plan.kind]
                if plan.kind == "orgs":
                    _create_orgs(plan.creates)
                elif plan.kind == "members" and use_copy(plan.creates):
                    copy_members(plan.creates)
                else:
                    model.objects.bulk_create(plan.creates, batch_size=BATCH)
                if plan.updates:
                    model.objects.bulk_update(
                        [o for o, _ in plan.updates], _update_fields(plan.kind), batch_size=BATCH
                    )
                timings["write"] += time.perf_counter() - start
                start = time.perf_counter()
                if audit_rows:
                    if plan.kind in ("members", "exemptions", "trainings"):
                        # The entry carries the member's cell path, so staff find it in their subtree's log.
                        objs = plan.creates + [o for o, _ in plan.updates]
                        ctx.load_memberships(
                            cards=[
                                o.card_number if plan.kind == "members" else o.member.card_number
                                for o in objs
                            ]
                        )
                    entries = [(Action.CREATE, o, _org_path(o, ctx), None) for o in plan.creates]
                    entries += [(Action.UPDATE, o, _org_path(o, ctx), before) for o, before in plan.updates]
                    if use_copy(entries):
                        copy_audit(entries, user=ctx.user)
                    else:
                        audit_bulk(entries, user=ctx.user)
                timings["audit"] += time.perf_counter() - start
    except IntegrityError as exc:
        # The checks above mirror every constraint; this is the database's last word if one slipped.
        raise ImportRejected([RowError(0, "", f"Cơ sở dữ liệu từ chối dữ liệu: {exc}")]) from exc
    return timings


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


__all__ = ["Checker", "Context", "Plan", "RowError", "write_plans", "ImportRejected", "fmt"]
