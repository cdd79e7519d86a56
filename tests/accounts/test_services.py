import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chibo.accounts import codes, services
from chibo.accounts.models import ActivationCode
from chibo.audit.models import Action, AuditEntry
from chibo.common.access import SYSTEM
from chibo.members.models import Member
from tests.factories import make_member

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_creation_is_idempotent_and_names_follow_djangos_convention(cast, crowd):
    first = services.accounts_create(org=cast.ward, by=cast.staff)
    # cell's two members already have accounts (bithu, dangvien); cell2's three get one each.
    assert (len(first.created), first.existing, first.conflicts) == (3, 2, [])
    again = services.accounts_create(org=cast.ward, by=cast.staff)
    assert (len(again.created), again.existing) == (0, 5)
    kien = Member.objects.select_related("user").get(card_number="79000001").user
    assert (kien.username, kien.first_name, kien.last_name, kien.email) == (
        "79000001",
        "Kiên",
        "Phan Thanh",
        "kien@example.vn",
    )
    assert not kien.has_usable_password()
    entries = AuditEntry.objects.filter(action=Action.ACCOUNT)
    assert entries.count() == 3 and set(entries.values_list("org_path", flat=True)) == {cast.cell2.path}
    assert all("password" not in (e.after or {}) for e in entries)
    assert ActivationCode.objects.filter(used_at=None, replaced_at=None).count() == 3


def test_creation_covers_only_the_subtree_today_and_temporary_members(cast, crowd):
    gone = make_member(cast.cell2, full_name="Hồ Văn Cũ", joined_on=dt.date(2019, 1, 1))
    gone.memberships.update(valid_until=dt.date(2020, 1, 1))
    result = services.accounts_create(org=cast.cell2, by=cast.staff)
    assert sorted(s.login for s in result.created) == ["79000001", "79000002", "79000003"]
    assert all(s.cell == "Chi bộ Tổ dân phố số 2" for s in result.created)
    assert services.accounts_create(org=cast.ward2, by=cast.outsider).created == []


def test_a_card_number_already_used_as_a_login_is_reported_not_taken(cast, crowd):
    User.objects.create_user("79000003")
    result = services.accounts_create(org=cast.cell2, by=cast.staff)
    assert len(result.created) == 2 and result.conflicts == ["79000003"]
    assert Member.objects.get(card_number="79000003").user is None


def test_creating_accounts_costs_the_same_queries_for_3_or_30_members(cast):
    def run(cell, n):
        for i in range(n):
            make_member(cell, full_name=f"Nguyễn Văn Số {i}")
        with CaptureQueriesContext(connection) as ctx:
            # Trusted caller: other_cell is outside cast.staff's scope; the access check is tested elsewhere.
            result = services.accounts_create(org=cell, by=SYSTEM)
        assert len(result.created) == n
        return len(ctx.captured_queries)

    assert run(cast.cell2, 3) == run(cast.other_cell, 30)


def test_a_code_works_once(cast, created):
    slip = created["79000001"]
    row = services.activation_check(login="79000001", code=slip.code.lower()[:4] + " - " + slip.code[4:])
    user = services.account_activate(activation=row, password="Mat-khau-moi-2026")
    assert user.check_password("Mat-khau-moi-2026")
    assert AuditEntry.objects.filter(action=Action.ACTIVATE, object_id=str(user.pk)).count() == 1
    with pytest.raises(services.ActivationError, match="đã được dùng"):
        services.activation_check(login="79000001", code=slip.code)


def test_a_code_expires(cast, created, monkeypatch, settings):
    slip = created["79000002"]
    later = timezone.now() + dt.timedelta(days=settings.CHIBO_ACTIVATION_DAYS, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(services.ActivationError, match="hết hạn"):
        services.activation_check(login="79000002", code=slip.code)
    assert User.objects.get(username="79000002").has_usable_password() is False


def test_five_wrong_codes_block_the_code(cast, created):
    slip = created["79000003"]
    for left in (4, 3, 2, 1):
        with pytest.raises(services.ActivationError, match=f"còn {left} lần"):
            services.activation_check(login="79000003", code="AAAAAAAA")
    with pytest.raises(services.ActivationError, match="bị khóa"):
        services.activation_check(login="79000003", code="AAAAAAAA")
    with pytest.raises(services.ActivationError, match="bị khóa"):
        services.activation_check(login="79000003", code=slip.code)  # even the right one now


def test_a_new_slip_replaces_the_unused_code(cast, created):
    old = created["79000001"]
    (new,) = [s for s in services.slips_issue(org=cast.cell2, by=cast.staff) if s.login == "79000001"]
    assert new.code != old.code
    with pytest.raises(services.ActivationError, match="phiếu mới nhất"):
        services.activation_check(login="79000001", code=old.code)
    assert services.activation_check(login="79000001", code=new.code)
    assert AuditEntry.objects.filter(action=Action.EXPORT, org_path=cast.cell2.path).count() == 1


def test_unknown_card_and_active_account_get_a_message(cast, created):
    make_member(cast.cell2, full_name="Lý Văn Chưa", card_number="79000099")
    with pytest.raises(services.ActivationError, match="chưa được tạo tài khoản"):
        services.activation_check(login="79000099", code="AAAAAAAA")
    with pytest.raises(services.ActivationError, match="không có tài khoản"):
        services.activation_check(login="11112222", code="AAAAAAAA")
    with pytest.raises(services.ActivationError, match="đã được kích hoạt"):
        services.activation_check(login="bithu", code="AAAAAAAA")


def test_codes_use_an_unambiguous_alphabet_and_only_hashes_are_stored(cast, created):
    slip = created["79000001"]
    assert len(slip.code) == 8 and set(slip.code) <= set(codes.ALPHABET)
    assert not set("01OILZ2S5B8") & set(codes.ALPHABET)
    row = ActivationCode.objects.get(user__username="79000001", used_at=None, replaced_at=None)
    assert slip.code not in row.code_hash and codes.matches(row.user_id, slip.code, row.code_hash)
