import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from chibo.accounts import services
from chibo.accounts.models import ActivationCode
from chibo.audit.models import Action, AuditEntry
from chibo.members.models import Member
from tests.accounts.slips_text import code_for

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Mat-khau-rat-moi-2026"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "slips.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- the organisation's accounts page --------------------------------------------------------------------


def test_staff_create_accounts_from_the_page_and_a_second_run_creates_none(client, cast, crowd):
    client.force_login(cast.staff)
    page = client.get(reverse("accounts:org", args=[cast.ward.pk])).content.decode()
    assert "5 đảng viên sinh hoạt hôm nay · 2 đã có tài khoản" in page and "Phan Thanh Kiên" in page
    response = client.post(reverse("accounts:create", args=[cast.ward.pk]), follow=True)
    assert "Đã tạo 3 tài khoản mới; 2 đảng viên đã có tài khoản" in response.content.decode()
    response = client.post(reverse("accounts:create", args=[cast.ward.pk]), follow=True)
    assert "Đã tạo 0 tài khoản mới; 5 đảng viên" in response.content.decode()
    assert Member.objects.filter(user__isnull=False).count() == 5


@pytest.mark.parametrize("name", ["org", "create", "slips"])
def test_sibling_staff_get_404_and_a_cell_leader_cannot_create(client, cast, crowd, name):
    url = reverse(f"accounts:{name}", args=[cast.ward.pk])
    client.force_login(cast.outsider)
    assert (client.post(url) if name != "org" else client.get(url)).status_code == 404
    client.force_login(cast.leader_user)
    cell_url = reverse(f"accounts:{name}", args=[cast.cell.pk])
    if name == "org":
        assert client.get(cell_url).status_code == 200  # the leader sees their cell's accounts
    else:
        assert client.post(cell_url, {"confirm": "on"}).status_code == 403
    client.force_login(cast.member_user)
    assert client.get(reverse("accounts:org", args=[cast.cell.pk])).status_code == 403
    assert Member.objects.filter(user__isnull=False).count() == 2


def test_printing_slips_needs_the_confirmation_and_gives_a_pdf_with_name_login_code_and_instruction(
    client, cast, created, tmp_path
):
    client.force_login(cast.staff)
    url = reverse("accounts:slips", args=[cast.cell2.pk])
    refused = client.post(url, follow=True)
    assert "hãy đánh dấu ô xác nhận" in refused.content.decode()
    assert ActivationCode.objects.filter(replaced_at__isnull=False).count() == 0
    response = client.post(url, {"confirm": "on"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Phan Thanh Kiên" in text and "79000001" in text and "Chi bộ Tổ dân phố số 2" in text
    assert "Quét mã QR" in text and "Mã kích hoạt" in text
    code = code_for(text, "79000001")
    # The printed code is the one that works; the one made at creation was replaced.
    assert client.post(reverse("logout")).status_code in (200, 302)
    activated = client.post(
        reverse("accounts:activate"),
        {"login": "79000001", "code": code, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert activated.status_code == 302
    assert AuditEntry.objects.filter(action=Action.EXPORT, org_path=cast.cell2.path).count() == 1


# --- the activation page --------------------------------------------------------------------------------


def activate(client, login, code, p1=PASSWORD, p2=PASSWORD, **kw):
    return client.post(
        reverse("accounts:activate"), {"login": login, "code": code, "password1": p1, "password2": p2}, **kw
    )


def test_activation_logs_the_member_in_and_lands_on_their_schedule(client, cast, created):
    response = activate(client, "79000002", created["79000002"].code)
    assert response.status_code == 302 and response["Location"] == reverse("meetings:my_schedule")
    page = client.get(response["Location"]).content.decode()
    assert "Đăng xuất (Vũ Thị Lan)" in page
    assert User.objects.get(username="79000002").check_password(PASSWORD)
    client.post(reverse("logout"))
    again = activate(client, "79000002", created["79000002"].code).content.decode()
    assert "đã được dùng" in again


def test_the_activation_page_is_public_and_prefills_the_card_number(client, cast):
    page = client.get(reverse("accounts:activate"), {"so_the": "79000001"})
    assert page.status_code == 200 and 'value="79000001"' in page.content.decode()


def test_bad_activation_input_writes_nothing_but_the_failure_counter(client, cast, created):
    before = AuditEntry.objects.exclude(action=Action.LOGIN_FAILED).count()
    page = activate(client, "79000003", created["79000003"].code, p2="khac-han-2026").content.decode()
    assert "hai mật khẩu không giống nhau" in page
    page = activate(client, "79000003", created["79000003"].code, p1="123", p2="123").content.decode()
    assert "Mật khẩu mới:" in page
    page = activate(client, "00000000", "ACDEFG34").content.decode()
    assert "không có tài khoản nào với số thẻ này" in page
    page = activate(client, "bithu", "ACDEFG34").content.decode()
    assert "đã được kích hoạt" in page
    # Besides the failed attempts (counted by the lockout and logged as such), nothing is written.
    assert AuditEntry.objects.exclude(action=Action.LOGIN_FAILED).count() == before
    assert (
        AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count() == 2
    )  # the unknown card, the active account
    assert not User.objects.get(username="79000003").has_usable_password()
    assert ActivationCode.objects.filter(used_at__isnull=False).count() == 0
    page = activate(client, "79000003", "ACDEFG34").content.decode()
    assert "Mã kích hoạt không đúng" in page and "còn 4 lần thử" in page


def test_a_staff_account_activates_and_goes_through_the_login_page(client, cast, created, settings):
    from chibo.orgs.models import Role, RoleKind

    settings.CHIBO_REQUIRE_2FA = True  # the login page then asks for the second factor

    Role.objects.create(
        user=User.objects.get(username="79000001"), organisation=cast.ward, role=RoleKind.STAFF
    )
    response = activate(client, "79000001", created["79000001"].code)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


# --- reset by slip ---------------------------------------------------------------------------------------


def test_the_secretary_issues_a_new_slip_and_a_siblings_leader_gets_404(client, cast, tmp_path):
    url = reverse("accounts:member_slip", args=[cast.member.pk])
    client.force_login(cast.sibling_leader)
    assert client.get(url).status_code == 404 and client.post(url, {"confirm": "on"}).status_code == 404
    client.force_login(cast.member_user)
    assert client.post(url, {"confirm": "on"}).status_code == 403  # his own record: visible, not his to reset
    client.force_login(cast.leader_user)
    assert "Cấp phiếu mới cho đồng chí Lê Văn An" in client.get(url).content.decode()
    response = client.post(url, {"confirm": "on"})
    text = pdf_text(response.content, tmp_path)
    assert "PHIẾU CẤP LẠI MẬT KHẨU" in text.upper() and "dangvien" in text and "Lê Văn An" in text
    code = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4})", text).group(1)
    assert AuditEntry.objects.filter(action=Action.RESET, org_path=cast.cell.path).count() == 1
    client.post(reverse("logout"))
    assert activate(client, "dangvien", code).status_code == 302
    assert User.objects.get(username="dangvien").check_password(PASSWORD)


# --- e-mail reset and password change -------------------------------------------------------------------


def test_reset_by_email_sends_a_working_link(client, cast):
    Member.objects.filter(pk=cast.member.pk).update(email="an@example.vn")
    response = client.post(reverse("accounts:password_reset"), {"email": "an@example.vn"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"] and "Lê Văn An" in message.body
    link = re.search(r"https?://[^\s]+", message.body).group(0)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert 'name="new_password1"' in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert User.objects.get(username="dangvien").check_password(PASSWORD)
    assert AuditEntry.objects.filter(action=Action.RESET, object_id=str(cast.member_user.pk)).count() == 1


def test_no_mail_for_an_unknown_address(client, cast):
    assert client.post(reverse("accounts:password_reset"), {"email": "ai@example.vn"}).status_code == 302
    assert mail.outbox == []


def test_every_user_changes_their_own_password_from_the_nav(client, cast):
    client.force_login(cast.staff)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("accounts:password_change") in home
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "matkhau-thu-123", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=cast.staff.pk).check_password(PASSWORD)
    assert AuditEntry.objects.filter(action=Action.PASSWORD, object_id=str(cast.staff.pk)).count() == 1


def test_the_org_page_links_to_accounts_for_staff_only(client, cast):
    client.force_login(cast.staff)
    assert (
        reverse("accounts:org", args=[cast.ward.pk])
        in client.get(reverse("orgs:detail", args=[cast.ward.pk])).content.decode()
    )
    client.force_login(cast.supervisor)
    assert (
        reverse("accounts:org", args=[cast.ward.pk])
        not in client.get(reverse("orgs:detail", args=[cast.ward.pk])).content.decode()
    )


def test_a_cell_leader_cannot_reset_the_account_of_someone_with_staff_rights(client, cast):
    from chibo.orgs.models import Role, RoleKind

    Role.objects.create(user=cast.member_user, organisation=cast.ward, role=RoleKind.STAFF)
    url = reverse("accounts:member_slip", args=[cast.member.pk])
    client.force_login(cast.leader_user)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert not AuditEntry.objects.filter(action=Action.RESET).exists()
    client.force_login(cast.staff)  # staff of the same ward: allowed
    assert client.post(url, {"confirm": "on"})["Content-Type"] == "application/pdf"


def test_the_slips_point_at_site_url_when_set(settings):
    from chibo.accounts.slips import activation_url

    settings.SITE_URL = "https://chibo.example.vn"
    assert activation_url() == "https://chibo.example.vn/tai-khoan/kich-hoat/"
    settings.SITE_URL, settings.CSRF_TRUSTED_ORIGINS = "", ["https://dang.example.vn"]
    assert activation_url() == "https://dang.example.vn/tai-khoan/kich-hoat/"


def test_guessing_card_numbers_on_the_activation_page_locks_the_address(client, cast, created, settings):
    settings.CHIBO_LOGIN_IP_FAILURE_LIMIT = 3
    for card in ("79100001", "79100002"):  # not in the registry: each counts as a failure
        assert activate(client, card, "AAAA-AAAA").status_code == 200
    # The failure that reaches the limit gets django-axes' lockout answer, as on the login page.
    assert activate(client, "79100003", "AAAA-AAAA").status_code == 429
    # The address is now locked out, even with a right card number and code, and nothing is written.
    response = activate(client, "79000002", created["79000002"].code)
    assert response.status_code == 429
    assert "Tạm khóa vì nhập sai quá nhiều lần" in response.content.decode()
    assert services.is_pending(User.objects.get(username="79000002"))
    # Another address is not affected.
    response = activate(client, "79000002", created["79000002"].code, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302 and not services.is_pending(User.objects.get(username="79000002"))
