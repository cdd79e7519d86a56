"""Logins, failures, lockouts and second-factor changes in the audit log, read by the subtree's staff."""

import pytest
from django.urls import reverse

from chibo.audit.models import Action, AuditEntry
from tests.factories import make_user
from tests.security.conftest import PASSWORD, give_totp, post_login

pytestmark = pytest.mark.django_db


def test_login_entries_are_filed_under_the_members_cell_and_shown_to_its_staff(client, cast, settings):
    settings.CHIBO_LOGIN_FAILURE_LIMIT = 2
    post_login(client, "dangvien", "sai")
    post_login(client, "dangvien", "sai")  # the second failure locks
    client.post(reverse("login"), {"username": "bithu", "password": PASSWORD})
    give_totp(cast.leader_user)

    entries = AuditEntry.objects.filter(model="auth.user")
    assert set(entries.values_list("action", flat=True)) == {
        Action.LOGIN_FAILED,
        Action.LOCKOUT,
        Action.LOGIN,
        Action.OTP,
    }
    assert set(entries.values_list("org_path", flat=True)) == {cast.cell.path}
    for entry in entries:
        # Never a password, a hash, a secret or a code.
        text = f"{entry.object_repr} {entry.before} {entry.after}"
        assert PASSWORD not in text and "sai" not in entry.object_repr.split("—")[0]
        assert entry.before is None and entry.after is None

    staff = type(client)()
    staff.force_login(cast.staff)
    body = staff.get(reverse("audit:org_audit", args=[cast.ward.pk])).content.decode()
    assert "Đăng nhập sai" in body and "Khóa đăng nhập" in body and "Xác thực hai lớp" in body
    assert "Lê Văn An (dangvien)" in body and "Trần Thị Bình (bithu)" in body

    outsider = type(client)()
    outsider.force_login(cast.outsider)
    assert outsider.get(reverse("audit:org_audit", args=[cast.ward.pk])).status_code == 404
    body = outsider.get(reverse("audit:org_audit", args=[cast.ward2.pk])).content.decode()
    assert "dangvien" not in body


def test_an_account_without_a_member_is_filed_under_its_first_role(client, cast):
    post_login(client, "canbo", "sai")
    entry = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
    assert entry.org_path == cast.ward.path and entry.object_id == str(cast.staff.pk)


def test_an_unknown_login_has_no_organisation_and_only_admins_read_it(client, cast):
    post_login(client, "khong-ai-ca", "sai")
    entry = AuditEntry.objects.get(action=Action.LOGIN_FAILED)
    assert entry.org_path == "" and entry.object_id == "" and entry.user is None
    admin = make_user("quantri")
    admin.is_superuser = True
    admin.save()
    reader = type(client)()
    reader.force_login(admin)
    body = reader.get(reverse("audit:org_audit", args=[cast.city.pk])).content.decode()
    # The city's log covers its subtree; an entry with no organisation is not in any subtree's log.
    assert "khong-ai-ca" not in body
    staff = type(client)()
    staff.force_login(cast.staff)
    assert "khong-ai-ca" not in staff.get(reverse("audit:org_audit", args=[cast.ward.pk])).content.decode()
    # Administrators read it on the log of entries outside every organisation; nobody else reaches that page.
    system = reader.get(reverse("audit:system_audit")).content.decode()
    assert "khong-ai-ca" in system and "Đăng nhập sai" in system
    assert "Nhật ký ngoài tổ chức" in reader.get(reverse("orgs:detail", args=[cast.city.pk])).content.decode()
    assert staff.get(reverse("audit:system_audit")).status_code == 404


def test_a_lockout_of_the_address_is_one_entry_without_organisation(client, cast, settings):
    settings.CHIBO_LOGIN_IP_FAILURE_LIMIT = 3
    for name in ("a1", "a2", "a3", "a4"):
        post_login(client, name, "sai")
    entries = AuditEntry.objects.filter(action=Action.LOCKOUT)
    assert [e.object_repr for e in entries] == ["Địa chỉ 127.0.0.1 — quá nhiều lần đăng nhập sai"]
    assert entries[0].org_path == ""
