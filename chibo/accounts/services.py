"""Accounts for the members of the registry: created in bulk, activated with a code printed on a slip,
reset by a new slip. The login is the party card number; no e-mail is needed anywhere."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chibo.accounts import codes
from chibo.accounts.access import require_issue_slip, require_manage_accounts
from chibo.accounts.models import MAX_FAILURES, ActivationCode, CodePurpose
from chibo.audit.models import Action, AuditEntry
from chibo.audit.services import user_row
from chibo.common.dates import fmt, today
from chibo.common.people import person_name
from chibo.members.models import Member, Membership, MembershipKind
from chibo.members.selectors import members_of
from chibo.orgs.models import Organisation, in_subtree_q

AGAIN = "Xin bí thư chi bộ hoặc văn phòng cấp ủy cấp phiếu mới."


@dataclass(frozen=True)
class Slip:
    """What one printed slip shows; `code` exists only here, in memory, until the PDF is made."""

    name: str
    cell: str
    login: str
    code: str
    expires_on: dt.date
    purpose: str = CodePurpose.ACTIVATE

    @property
    def code_shown(self) -> str:
        return codes.shown(self.code)


@dataclass
class CreateResult:
    created: list[Slip] = field(default_factory=list)
    existing: int = 0  # members in scope who already had an account
    conflicts: list[str] = field(default_factory=list)  # card numbers already used as another account's login


class ActivationError(Exception):
    def __init__(self, message: str, field_name: str = "code"):
        super().__init__(message)
        self.message, self.field = message, field_name


def expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.CHIBO_ACTIVATION_DAYS)


def split_name(full_name: str) -> tuple[str, str]:
    """(first_name, last_name) in Django's convention: the given name, then family + middle."""
    family, _, given = (full_name or "").strip().rpartition(" ")
    return given, family


def is_pending(user) -> bool:
    """Created and not yet activated: no password the member chose."""
    return not user.has_usable_password()


def _member_cells(member_ids, day: dt.date, within: Organisation | None = None) -> dict[int, tuple[str, str]]:
    """member id -> (cell name, cell path) on `day`, the official cell before a temporary one: one query."""
    qs = Membership.objects.valid_on(day).filter(member__in=member_ids)
    if within is not None:
        qs = qs.filter(in_subtree_q(within, via="cell"))
    rows = sorted(
        qs.values_list("member_id", "kind", "cell__name", "cell__path"),
        key=lambda r: r[1] != MembershipKind.OFFICIAL,
    )
    cells: dict[int, tuple[str, str]] = {}
    for member_id, _kind, name, path in rows:
        cells.setdefault(member_id, (name, path))
    return cells


def _entry(*, action, account_id, login, name, by, org_path, after=None) -> AuditEntry:
    # Never a snapshot of the user row: it holds the password hash.
    return AuditEntry(
        user=user_row(by),
        action=action,
        model="auth.user",
        object_id=str(account_id),
        object_repr=f"{name} ({login})"[:255],
        org_path=org_path or "",
        after={"username": login, **(after or {})},
    )


def _new_codes(user_ids: list[int], *, by, purpose: str) -> dict[int, tuple[str, ActivationCode]]:
    """Replace the unused codes of these users with fresh ones: one update and one insert."""
    now, until = timezone.now(), expiry()
    ActivationCode.objects.filter(user_id__in=user_ids, used_at=None, replaced_at=None).update(
        replaced_at=now
    )
    issued = {}
    for user_id in user_ids:
        code = codes.new_code()
        row = ActivationCode(
            user_id=user_id,
            code_hash=codes.code_hash(user_id, code),
            purpose=purpose,
            created_at=now,
            created_by=user_row(by),
            expires_at=until,
        )
        issued[user_id] = (code, row)
    ActivationCode.objects.bulk_create([row for _code, row in issued.values()], batch_size=1000)
    return issued


@transaction.atomic
def accounts_create(*, org: Organisation, by, day: dt.date | None = None) -> CreateResult:
    """An account for each member with an official or temporary membership in `org`'s subtree on `day`
    who has none yet (login = card number, no usable password, a fresh activation code). Idempotent;
    a fixed number of queries whatever the number of members."""
    require_manage_accounts(by, org)
    day = day or today()
    User = get_user_model()
    in_scope = members_of(org, day)
    result = CreateResult(existing=in_scope.filter(user__isnull=False).count())
    without = in_scope.filter(user__isnull=True)
    taken = set(
        User.objects.filter(username__in=without.values("card_number")).values_list("username", flat=True)
    )
    members: list[Member] = []
    conflicts: list[Member] = []
    for member in without.only("pk", "card_number", "full_name", "email", "sort_name").order_by("pk"):
        (conflicts if member.card_number in taken else members).append(member)
    result.conflicts = sorted(m.card_number for m in conflicts)
    if not members:
        return result
    users = []
    for member in members:
        first, last = split_name(member.full_name)
        users.append(
            User(
                username=member.card_number,
                first_name=first[:150],
                last_name=last[:150],
                email=member.email or "",
                password=make_password(None),
            )
        )
    User.objects.bulk_create(users, batch_size=500)
    if any(u.pk is None for u in users):  # a database that does not return ids from a bulk insert
        ids = dict(
            User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
        )
        for u in users:
            u.pk = u.id = ids[u.username]
    for member, user in zip(members, users, strict=True):
        member.user = user
    Member.objects.bulk_update(members, ["user"], batch_size=500)
    issued = _new_codes([u.pk for u in users], by=by, purpose=CodePurpose.ACTIVATE)
    cells = _member_cells([m.pk for m in members], day, within=org)
    entries = []
    for member, user in zip(members, users, strict=True):
        cell_name, cell_path = cells.get(member.pk, ("", org.path))
        code, row = issued[user.pk]
        result.created.append(
            Slip(member.full_name, cell_name, user.username, code, timezone.localdate(row.expires_at))
        )
        entries.append(
            _entry(
                action=Action.ACCOUNT,
                account_id=user.pk,
                login=user.username,
                name=member.full_name,
                by=by,
                org_path=cell_path,
                after={"member_id": member.pk},
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return result


def pending_accounts(org: Organisation, day: dt.date | None = None):
    """Members of the subtree on `day` whose account waits for activation."""
    return members_of(org, day or today()).filter(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)


def _sorted_slips(members, cells, issued) -> list[Slip]:
    slips = []
    for member in sorted(members, key=lambda m: (cells.get(m.pk, ("", ""))[1], m.sort_name, m.pk)):
        code, row = issued[member.user_id]
        slips.append(
            Slip(
                member.full_name,
                cells.get(member.pk, ("", ""))[0],
                member.card_number if member.user is None else member.user.username,
                code,
                timezone.localdate(row.expires_at),
                row.purpose,
            )
        )
    return slips


def too_many_slips_message(org: Organisation, count: int) -> str:
    command = f"«chibo accounts slips {org.code} --out phieu.pdf»"
    return f"{org.name} có {count} tài khoản chờ kích hoạt, quá nhiều để in một lần trên web: " + (
        f"hãy dùng lệnh {command}."
        if org.is_cell
        else f"hãy in theo từng chi bộ bên dưới, hoặc dùng lệnh {command}."
    )


@transaction.atomic
def slips_issue(*, org: Organisation, by, day: dt.date | None = None, limit: int | None = None) -> list[Slip]:
    """Fresh activation codes for every account of the subtree still waiting for activation (the unused
    codes stop working), as slips to print. Logged as one export.

    With `limit` (the web and the API: one request must render in time), more pending accounts than that
    raise ValidationError before any code is replaced; the command line has no limit."""
    require_manage_accounts(by, org)
    day = day or today()
    members = list(
        pending_accounts(org, day)
        .select_related("user")
        .only("pk", "full_name", "sort_name", "card_number", "user__username")
    )
    if not members:
        return []
    if limit is not None and len(members) > limit:
        raise ValidationError(too_many_slips_message(org, len(members)), code="too_many_slips")
    issued = _new_codes([m.user_id for m in members], by=by, purpose=CodePurpose.ACTIVATE)
    cells = _member_cells([m.pk for m in members], day, within=org)
    AuditEntry.objects.create(
        user=user_row(by),
        action=Action.EXPORT,
        model="accounts.activationcode",
        object_id=str(org.pk),
        object_repr=f"Phiếu kích hoạt tài khoản: {len(members)} đảng viên · {org.name}"[:255],
        org_path=org.path,
        after={"org": org.code, "slips": len(members)},
    )
    return _sorted_slips(members, cells, issued)


@transaction.atomic
def reset_slip_issue(*, member: Member, by, day: dt.date | None = None) -> Slip:
    """A new slip (password reset) for one member: a fresh code, the unused ones stop working. The
    current password keeps working until the code is used."""
    require_issue_slip(by, member)
    day = day or today()
    member = Member.objects.select_related("user").get(pk=member.pk)
    account = member.user
    if account is None:
        raise ValidationError("Đảng viên này chưa có tài khoản: hãy tạo tài khoản cho chi bộ trước.")
    purpose = CodePurpose.ACTIVATE if is_pending(account) else CodePurpose.RESET
    issued = _new_codes([account.pk], by=by, purpose=purpose)
    cells = _member_cells([member.pk], day)
    AuditEntry.objects.bulk_create(
        [
            _entry(
                action=Action.RESET,
                account_id=account.pk,
                login=account.username,
                name=member.full_name,
                by=by,
                org_path=cells.get(member.pk, ("", ""))[1],
                after={"member_id": member.pk, "by_slip": True},
            )
        ]
    )
    return _sorted_slips([member], cells, issued)[0]


# --- activation ----------------------------------------------------------------------------------


def activation_check(*, login: str, code: str) -> ActivationCode:
    """The open code of this login if `code` is it; else an ActivationError with a Vietnamese message.
    Writes only the failure counter of the open code when the code is wrong."""
    login = (login or "").strip()
    User = get_user_model()
    user = User.objects.filter(username=login).first() if login else None
    if user is None:
        if login and Member.objects.filter(card_number=login).exists():
            raise ActivationError(
                "Số thẻ đảng viên: đảng viên này chưa được tạo tài khoản. Xin văn phòng cấp ủy tạo tài khoản "
                "và in phiếu kích hoạt.",
                "login",
            )
        raise ActivationError(
            "Số thẻ đảng viên: không có tài khoản nào với số thẻ này. Hãy kiểm tra lại số thẻ ghi trên phiếu.",
            "login",
        )
    rows = list(ActivationCode.objects.filter(user=user)[:20])
    current = next((r for r in rows if r.is_open), None)
    if current is not None and codes.matches(user.pk, code, current.code_hash):
        if current.is_blocked:
            raise ActivationError(f"Mã kích hoạt đã bị khóa sau {MAX_FAILURES} lần nhập sai. {AGAIN}")
        if current.is_expired():
            expired_on = fmt(timezone.localdate(current.expires_at))
            raise ActivationError(f"Mã kích hoạt đã hết hạn từ ngày {expired_on}. {AGAIN}")
        return current
    for row in rows:
        if row is not current and codes.matches(user.pk, code, row.code_hash):
            if row.used_at is not None:
                raise ActivationError(f"Mã kích hoạt này đã được dùng, không dùng lại được. {AGAIN}")
            raise ActivationError(
                "Mã kích hoạt này đã được thay bằng phiếu mới hơn: hãy dùng mã trên phiếu mới nhất."
            )
    if current is None:
        if user.has_usable_password():
            raise ActivationError(
                "Số thẻ đảng viên: tài khoản này đã được kích hoạt. Hãy đăng nhập bằng mật khẩu của mình; "
                f"nếu quên mật khẩu, {AGAIN[0].lower()}{AGAIN[1:]}",
                "login",
            )
        raise ActivationError(f"Tài khoản này không có mã kích hoạt còn hiệu lực. {AGAIN}")
    if current.is_blocked:
        raise ActivationError(f"Mã kích hoạt đã bị khóa sau {MAX_FAILURES} lần nhập sai. {AGAIN}")
    # The one write of a refused attempt, outside any transaction of the caller's, so it stays.
    ActivationCode.objects.filter(pk=current.pk).update(failures=F("failures") + 1)
    left = MAX_FAILURES - current.failures - 1
    if left <= 0:
        raise ActivationError(
            f"Mã kích hoạt không đúng. Mã đã bị khóa sau {MAX_FAILURES} lần nhập sai. {AGAIN}"
        )
    raise ActivationError(f"Mã kích hoạt không đúng. Hãy nhập đúng mã ghi trên phiếu (còn {left} lần thử).")


@transaction.atomic
def account_activate(*, activation: ActivationCode, password: str):
    """Use the code: set the chosen password (validated by the caller's form). Audit ACTIVATE."""
    row = ActivationCode.objects.select_for_update().select_related("user").get(pk=activation.pk)
    if not row.is_open or row.is_blocked or row.is_expired():
        raise ActivationError(f"Mã kích hoạt không còn hiệu lực. {AGAIN}")
    user = row.user
    user.set_password(password)
    user.save(update_fields=["password"])
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    member = getattr(user, "member", None)
    cells = _member_cells([member.pk], today()) if member is not None else {}
    AuditEntry.objects.bulk_create(
        [
            _entry(
                action=Action.ACTIVATE,
                account_id=user.pk,
                login=user.username,
                name=person_name(user),
                by=user,
                org_path=cells[member.pk][1] if member is not None and member.pk in cells else "",
                after={"purpose": row.purpose},
            )
        ]
    )
    return user


def user_org_path(user) -> str:
    """The path of the user's cell today (audit entries about their own account)."""
    member = getattr(user, "member", None)
    if member is None:
        return ""
    return _member_cells([member.pk], today()).get(member.pk, ("", ""))[1]


def password_changed_log(*, user, action: str = Action.PASSWORD, note: str = "") -> None:
    """Audit a password the user changed themself (change page, e-mailed reset link)."""
    AuditEntry.objects.bulk_create(
        [
            _entry(
                action=action,
                account_id=user.pk,
                login=user.get_username(),
                name=person_name(user),
                by=user,
                org_path=user_org_path(user),
                after={"how": note} if note else None,
            )
        ]
    )
