import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from chibo.accounts import services
from chibo.accounts.models import ActivationCode
from chibo.demo.second_factor import demo_second_factors
from chibo.members.models import Member
from tests.demo.test_demo_command import totp_now

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-rat-moi-2026"


def test_the_demo_has_a_cell_waiting_for_activation_and_prints_a_ready_code(capsys, client):
    call_command("seed_demo", "--cells", "5", "--members-per-cell", "8", "--months", "2", "--seed", "3")
    out = capsys.readouterr().out
    line = re.search(r"Tài khoản chờ kích hoạt: (.+) \(mã (\S+)\); cán bộ \(canbo\) in phiếu ở (\S+)", out)
    assert line, out
    showcase = Member.objects.get(user__username="bithu").memberships.order_by("-valid_from").first().cell
    assert line.group(2) != showcase.code
    example = re.search(r"số thẻ (\d+), mã ([A-Z0-9]{4}-[A-Z0-9]{4})", out)
    login, code = example.groups()
    assert Member.objects.filter(user__password__startswith="!").count() >= 2
    # The demo's staff print that cell's slips; the printed example activates.
    client.login(username="canbo", password="canbo-chibo-2021")
    # The demo's staff account has a second factor: the code of its printed secret.
    secret = demo_second_factors()["canbo"].secret
    client.post(reverse("security:verify"), {"code": totp_now(secret)})
    assert client.get(line.group(3)).status_code == 200
    client.logout()
    response = client.post(
        reverse("accounts:activate"),
        {"login": login, "code": code, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("meetings:my_schedule")
    assert not services.is_pending(Member.objects.get(card_number=login).user)


def test_no_pending_accounts_without_demo_accounts(capsys):
    call_command(
        "seed_demo",
        "--cells",
        "5",
        "--members-per-cell",
        "8",
        "--months",
        "2",
        "--seed",
        "3",
        "--no-accounts",
    )
    assert not ActivationCode.objects.exists()
