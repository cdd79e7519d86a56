import datetime as dt

import pytest
from django.utils import timezone

from chibo.common.access import SYSTEM
from chibo.notices import rules
from chibo.notices.models import Attempt, AttemptStatus, Channel, Delivery, NoticeKind
from chibo.notices.services import channels_set, notify, send_pending
from tests.factories import make_member
from tests.notices.gateway import FakeGateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    with FakeGateway() as fake:
        settings.CHIBO_SMS = {
            "BACKEND": "http",
            "URL": fake.url,
            "API_KEY": "khoa",
            "SECRET": "bi-mat",
            "SENDER": "CHIBO",
            "UNICODE": True,
            "TIMEOUT": 1,
            "DAILY_CAP": 100,
        }
        yield fake


def later(minutes):
    return timezone.now() + dt.timedelta(minutes=minutes)


def send(cast, members, key="n1"):
    return notify(
        key=key,
        kind=NoticeKind.MEETING,
        subject="Thông báo sinh hoạt",
        body="Chi bộ họp lúc 19:30 ngày 03/04/2026.",
        sms_text="Chi bộ Tổ dân phố số 1: sinh hoạt 19:30 ngày 03/04/2026.",
        cell=cast.cell,
        members=members,
        by=SYSTEM,
    )


@pytest.fixture
def texted(cast):
    return [make_member(cast.cell, full_name=f"Nguyễn Văn Số {i}", phone=f"091234567{i}") for i in range(3)]


def test_the_gateway_receives_the_unicode_text_and_the_attempt_is_sent(cast, texted, gateway):
    notice = send(cast, texted)
    assert send_pending() == {"sent": 3, "failed": 0, "capped": 0}
    assert sorted(r["Phone"] for r in gateway.requests) == ["84912345670", "84912345671", "84912345672"]
    first = gateway.requests[0]
    assert first["Content"] == "Chi bộ Tổ dân phố số 1: sinh hoạt 19:30 ngày 03/04/2026."
    assert (first["IsUnicode"], first["Brandname"], first["ApiKey"]) == ("1", "CHIBO", "khoa")
    attempts = Attempt.objects.filter(delivery__notice=notice, channel=Channel.SMS)
    assert {a.status for a in attempts} == {AttemptStatus.SENT}
    assert all(a.provider_ref.startswith("sms-") for a in attempts)
    assert all(d.reached_at for d in notice.deliveries.all())


def test_without_unicode_the_text_goes_unaccented(cast, texted, gateway, settings):
    settings.CHIBO_SMS = {**settings.CHIBO_SMS, "UNICODE": False}
    send(cast, texted[:1])
    send_pending()
    assert gateway.requests[0]["Content"] == "Chi bo To dan pho so 1: sinh hoat 19:30 ngay 03/04/2026."
    assert gateway.requests[0]["IsUnicode"] == "0"


def test_running_the_job_twice_sends_each_message_once(cast, texted, gateway):
    send(cast, texted)
    send(cast, texted)  # the same event again: nothing new
    send_pending()
    send_pending()
    assert len(gateway.requests) == 3 and len(gateway.accepted) == 3


def test_a_refusal_is_retried_with_backoff_then_given_up_with_the_reason(cast, texted, gateway):
    send(cast, texted[:1])
    gateway.modes = ["refuse"] * rules.MAX_TRIES
    send_pending()
    attempt = Attempt.objects.get(channel=Channel.SMS)
    assert attempt.status == AttemptStatus.PENDING and attempt.tries == 1
    assert attempt.reason == "Cổng SMS từ chối (mã 99): Brandname chưa đăng ký."
    assert send_pending() == {"sent": 0, "failed": 0, "capped": 0}  # not yet its time
    for minutes in (2, 10, 30, 120):
        send_pending(now=later(minutes + 200))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FAILED and attempt.tries == rules.MAX_TRIES
    assert attempt.delivery.reached_at is None
    assert len(gateway.requests) == rules.MAX_TRIES


def test_a_server_error_then_success_reaches_the_member(cast, texted, gateway):
    send(cast, texted[:1])
    gateway.modes = ["http500"]
    assert send_pending()["failed"] == 1
    assert Attempt.objects.get(channel=Channel.SMS).reason == "Cổng SMS báo lỗi HTTP 500."
    assert send_pending(now=later(2))["sent"] == 1
    assert Attempt.objects.get(channel=Channel.SMS).status == AttemptStatus.SENT


def test_a_timeout_is_retried_with_the_same_request_id_so_the_gateway_sends_once(cast, texted, gateway):
    send(cast, texted[:1])
    gateway.modes = ["stall"]  # the gateway takes the message but answers after the client gave up
    assert send_pending()["failed"] == 1
    attempt = Attempt.objects.get(channel=Channel.SMS)
    assert attempt.reason == "Cổng SMS không trả lời (quá thời gian chờ)."
    assert send_pending(now=later(2))["sent"] == 1
    ids = [r["RequestId"] for r in gateway.requests]
    assert len(ids) == 2 and len(set(ids)) == 1 and len(gateway.accepted) == 1


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_ten_minutes(cast, texted, gateway):
    send(cast, texted[:1])
    Attempt.objects.filter(channel=Channel.SMS).update(
        status=AttemptStatus.SENDING, claimed_at=timezone.now()
    )
    assert send_pending()["sent"] == 0  # another worker is on it
    assert send_pending(now=later(11))["sent"] == 1


def test_the_daily_cap_holds_the_rest_until_the_next_morning(cast, texted, gateway, settings):
    settings.CHIBO_SMS = {**settings.CHIBO_SMS, "DAILY_CAP": 2}
    send(cast, texted)
    assert send_pending() == {"sent": 2, "failed": 0, "capped": 1}
    waiting = Attempt.objects.get(channel=Channel.SMS, status=AttemptStatus.PENDING)
    assert "hạn mức SMS" in waiting.reason
    assert timezone.localtime(waiting.next_try_at).hour == 7 and waiting.next_try_at > timezone.now()
    assert len(gateway.requests) == 2


def test_a_member_who_turned_sms_off_is_not_texted(cast, texted, gateway):
    channels_set(member=texted[0], sms=False, email=True, by=SYSTEM)
    send(cast, texted)
    send_pending()
    assert "84912345670" not in [r["Phone"] for r in gateway.requests] and len(gateway.requests) == 2


def test_the_command_sends_what_is_due_and_says_so_in_vietnamese(cast, texted, gateway, capsys):
    from django.core.management import call_command

    send(cast, texted[:2])
    gateway.modes = ["refuse"]
    call_command("send_notices")
    assert (
        capsys.readouterr().out.strip()
        == "Đã gửi 1; lỗi, sẽ gửi lại hoặc đã thôi: 1; chờ hạn mức SMS ngày mai: 0."
    )


def test_the_gateway_s_delivery_report_marks_the_sms_delivered_or_takes_back_reached(
    cast, texted, gateway, settings, client
):
    import json

    from django.urls import reverse

    settings.CHIBO_SMS = {**settings.CHIBO_SMS, "REPORT_KEY": "khoa-bao-nhan"}
    notice = send(cast, texted[:2])
    send_pending()
    first, second = Attempt.objects.filter(delivery__notice=notice, channel=Channel.SMS).order_by("pk")
    url = reverse("notices:sms_report") + "?khoa=khoa-bao-nhan"

    def report(body):
        return client.post(url, json.dumps(body), content_type="application/json")

    assert report({"SMSID": first.provider_ref, "Status": "delivered"}).status_code == 200
    assert (
        report(
            {"SMSID": second.provider_ref, "Status": "failed", "Error": "Thuê bao không liên lạc được"}
        ).status_code
        == 200
    )
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == AttemptStatus.DELIVERED and first.delivery.reached_at is not None
    assert second.status == AttemptStatus.FAILED and second.reason == "Thuê bao không liên lạc được"
    assert Delivery.objects.get(pk=second.delivery_id).reached_at is None
    # Without the key, with a wrong one, or with nonsense: refused, nothing changes.
    bare = reverse("notices:sms_report")
    assert client.post(bare, "{}", content_type="application/json").status_code == 404
    assert (
        client.post(
            bare + "?khoa=sai",
            json.dumps({"SMSID": first.provider_ref, "Status": "failed"}),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert report({"SMSID": first.provider_ref, "Status": "???"}).status_code == 400
    assert client.post(url, "không phải json", content_type="application/json").status_code == 400
    assert report({"SMSID": "khong-co", "Status": "delivered"}).status_code == 404
    first.refresh_from_db()
    assert first.status == AttemptStatus.DELIVERED
