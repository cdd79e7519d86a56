import subprocess

import pytest
from django.core.management import CommandError, call_command

from chibo.members.models import Member
from tests.api.conftest import api_as  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/accounts/orgs"


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("accounts", *args, stdout=out)
    return out.getvalue()


def test_the_cli_creates_by_org_code_and_is_idempotent(cast, crowd, tmp_path):
    pdf = tmp_path / "phieu.pdf"
    out = run("create", "BD", "--slips", str(pdf))
    assert "đã tạo 3 tài khoản mới, 2 đảng viên đã có tài khoản" in out
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Phan Thanh Kiên" in text and "79000001" in text
    assert "đã tạo 0 tài khoản mới, 5 đảng viên" in run("create", "BD")
    assert Member.objects.filter(user__isnull=False).count() == 5


def test_the_cli_keeps_to_the_scope_of_the_acting_user(cast, crowd):
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức mã BD"):
        run("create", "BD", "--as", "canbo_hk")
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức mã XX"):
        run("create", "XX")
    assert Member.objects.filter(user__isnull=False).count() == 2
    assert "đã tạo 3" in run("create", "BD-02", "--as", "canbo")


def test_the_cli_prints_slips_and_a_reset_slip(cast, created, tmp_path):
    assert "Đã ghi 3 phiếu" in run("slips", "BD", "--out", str(tmp_path / "a.pdf"))
    assert "Đã ghi 1 phiếu" in run("reset", "79000001", "--out", str(tmp_path / "b.pdf"))
    with pytest.raises(CommandError):
        run("reset", "79000001", "--out", str(tmp_path / "c.pdf"), "--as", "bithu_hk")


def test_the_api_creates_for_staff_and_answers_404_to_a_sibling(cast, crowd, api_as):  # noqa: F811
    url = f"{API}/{cast.ward.pk}/create"
    assert api_as(cast.outsider).post(url).status_code == 404
    assert api_as(cast.supervisor).post(url).status_code == 403
    assert Member.objects.filter(user__isnull=False).count() == 2
    staff = api_as(cast.staff)
    first = staff.post(url).json()
    assert (first["created"], first["existing"], sorted(first["logins"])) == (
        3,
        2,
        ["79000001", "79000002", "79000003"],
    )
    assert "code" not in str(first)
    assert staff.post(url).json()["created"] == 0
    assert staff.get(f"{API}/{cast.ward.pk}").json() == {
        "org_id": cast.ward.pk,
        "members": 5,
        "accounts": 5,
        "pending": 3,
    }
    assert api_as(cast.outsider).get(f"{API}/{cast.ward.pk}").status_code == 404
    slips = staff.post(f"{API}/{cast.cell2.pk}/slips")
    assert slips.status_code == 200 and slips["Content-Type"] == "application/pdf"
    assert api_as(cast.outsider).post(f"{API}/{cast.cell2.pk}/slips").status_code == 404
