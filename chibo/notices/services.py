"""Sending notices: one path for every channel (inbox, SMS, e-mail, paper) and its delivery records.

`notify` records the notice once per event key, a delivery per member and an attempt per channel the
member can be reached on. E-mails built by the caller (a meeting invitation with its .ics) go out at
once; SMS and plain e-mails wait for the worker (`send_pending`), which claims each attempt before
sending so a second or concurrent run sends nothing twice, and retries failures.
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chibo.common.dates import local_midnight
from chibo.members.models import Member
from chibo.notices import access, rules
from chibo.notices.models import Attempt, AttemptStatus, Channel, ChannelChoice, Delivery, Notice
from chibo.notices.sms import sender as sms_sender

log = logging.getLogger(__name__)

STALE_CLAIM = dt.timedelta(minutes=10)  # a worker that claimed an attempt and died: try again (same RequestId)
CAP_REASON = "Đã hết hạn mức SMS trong ngày: gửi tiếp vào sáng mai."

EmailFactory = Callable[[Member, str], EmailMessage]


def _account(by):
    return by if getattr(by, "pk", None) and getattr(by, "_meta", None) else None


@transaction.atomic
def notify(
    *,
    key: str,
    kind: str,
    subject: str,
    body: str,
    sms_text: str,
    link: str = "",
    cell=None,
    members: Iterable[Member],
    by,
    email_factory: EmailFactory | None = None,
    connection=None,
) -> Notice:
    """The notice for `key` reaches `members` by every channel each has (rules.channels_for). Calling it
    again with the same key adds only the members not yet on it and sends nothing twice. The caller has
    checked `by`'s right to the event the notice tells of; `by` is recorded as its sender."""
    notice, _ = Notice.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "cell": cell,
            "subject": subject[:200],
            "body": body,
            "sms_text": sms_text[:480],
            "link": link,
            "created_by": _account(by),
        },
    )
    members = list({m.pk: m for m in members}.values())
    known = set(notice.deliveries.values_list("member_id", flat=True))
    new = [m for m in members if m.pk not in known]
    if not new:
        return notice
    Delivery.objects.bulk_create([Delivery(notice=notice, member=m) for m in new], ignore_conflicts=True)
    deliveries = {
        d.member_id: d for d in notice.deliveries.filter(member_id__in=[m.pk for m in new], attempts__isnull=True)
    }
    choices = {c.member_id: c for c in ChannelChoice.objects.filter(member_id__in=deliveries)}
    attempts = []
    now = timezone.now()
    for member in new:
        delivery = deliveries.get(member.pk)
        if delivery is None:
            continue  # a concurrent call made it
        for channel, address in rules.channels_for(
            member, choices.get(member.pk), has_account=member.user_id is not None
        ):
            status = AttemptStatus.SENT if channel == Channel.INBOX else AttemptStatus.PENDING
            attempts.append(
                Attempt(
                    delivery=delivery,
                    channel=channel,
                    address=address,
                    status=status,
                    sent_at=now if channel == Channel.INBOX else None,
                )
            )
    Attempt.objects.bulk_create(attempts)
    emails = [a for a in attempts if a.channel == Channel.EMAIL]
    if emails and email_factory is not None:
        _send_emails(notice, emails, email_factory, connection)  # e.g. the invitation with its .ics
    if any(a.status == AttemptStatus.PENDING for a in attempts):
        transaction.on_commit(_enqueue_sending)
    return notice


def _enqueue_sending() -> None:
    from chibo.notices.tasks import send_notices

    try:
        send_notices.enqueue()
    except Exception:  # noqa: BLE001 — the periodic run (`chibo send-notices`) catches up
        log.warning("Không đưa được việc gửi SMS vào hàng đợi; lần chạy định kỳ sẽ gửi.", exc_info=True)


def _plain_email(notice: Notice, member: Member, address: str) -> EmailMessage:
    return EmailMessage(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, [address])


def _send_emails(notice, attempts: list[Attempt], factory: EmailFactory, connection) -> None:
    now = timezone.now()
    for attempt in attempts:
        message = factory(attempt.delivery.member, attempt.address)
        if connection is not None:
            message.connection = connection
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            _failed(attempt, now, f"Máy chủ thư từ chối: {exc}"[:255])
        else:
            _sent(attempt, now)


def _sent(attempt: Attempt, now: dt.datetime, ref: str = "") -> None:
    attempt.status = AttemptStatus.SENT
    attempt.tries += 1
    attempt.sent_at = now
    attempt.provider_ref = ref[:80]
    attempt.reason = ""
    attempt.claimed_at = None
    attempt.save(update_fields=["status", "tries", "sent_at", "provider_ref", "reason", "claimed_at"])
    Delivery.objects.filter(pk=attempt.delivery_id, reached_at__isnull=True).update(reached_at=now)


def _failed(attempt: Attempt, now: dt.datetime, reason: str) -> None:
    attempt.tries += 1
    attempt.reason = reason[:255]
    attempt.claimed_at = None
    attempt.next_try_at = rules.retry_at(now, attempt.tries)
    attempt.status = AttemptStatus.FAILED if attempt.next_try_at is None else AttemptStatus.PENDING
    attempt.save(update_fields=["status", "tries", "reason", "claimed_at", "next_try_at"])


def _due(now: dt.datetime):
    return Attempt.objects.filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lte=now),
        status=AttemptStatus.PENDING,
        channel__in=[Channel.SMS, Channel.EMAIL],
    )


def send_pending(*, now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Send the SMS and e-mails whose turn has come. Each attempt is claimed by one UPDATE first: a second
    or concurrent run skips it. Returns counts of sent, failed (to be retried or given up) and capped."""
    now = now or timezone.now()
    Attempt.objects.filter(status=AttemptStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=AttemptStatus.PENDING, claimed_at=None
    )
    counts = {"sent": 0, "failed": 0, "capped": 0}
    sms = None
    day_start = local_midnight(timezone.localdate(now))
    sent_today = Attempt.objects.filter(
        channel=Channel.SMS, status__in=rules.REACHING, sent_at__gte=day_start
    ).count()
    cap = settings.CHIBO_SMS["DAILY_CAP"]
    for pk in list(_due(now).order_by("pk").values_list("pk", flat=True)[:limit]):
        if not Attempt.objects.filter(pk=pk, status=AttemptStatus.PENDING).update(
            status=AttemptStatus.SENDING, claimed_at=now
        ):
            continue
        attempt = Attempt.objects.select_related("delivery__notice", "delivery__member").get(pk=pk)
        notice = attempt.delivery.notice
        if attempt.channel == Channel.SMS:
            if sent_today >= cap:
                Attempt.objects.filter(pk=pk).update(
                    status=AttemptStatus.PENDING,
                    claimed_at=None,
                    reason=CAP_REASON,
                    next_try_at=day_start + dt.timedelta(days=1, hours=7),
                )
                counts["capped"] += 1
                continue
            sms = sms or sms_sender()
            text = rules.sms_body(notice.sms_text, unicode=getattr(sms, "unicode", True))
            result = sms.send(phone=attempt.address, text=text, request_id=f"chibo-{attempt.pk}")
            if result.ok:
                _sent(attempt, timezone.now(), result.ref)
                sent_today += 1
                counts["sent"] += 1
            else:
                _failed(attempt, timezone.now(), result.reason)
                counts["failed"] += 1
        else:
            message = _plain_email(notice, attempt.delivery.member, attempt.address)
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                _failed(attempt, timezone.now(), f"Máy chủ thư từ chối: {exc}")
                counts["failed"] += 1
            else:
                _sent(attempt, timezone.now())
                counts["sent"] += 1
    return counts


def delivery_read(delivery: Delivery, *, now: dt.datetime | None = None) -> Delivery:
    """The member opened it in the inbox: the read receipt, and the member counts as reached."""
    now = now or timezone.now()
    if delivery.read_at is None:
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=now)
        Delivery.objects.filter(pk=delivery.pk, reached_at__isnull=True).update(reached_at=now)
        delivery.refresh_from_db(fields=["read_at", "reached_at"])
    return delivery


@transaction.atomic
def deliveries_printed(notice: Notice, member_ids: Iterable[int], *, now: dt.datetime | None = None) -> int:
    """The secretary printed the slips of these members: each is reached on paper."""
    now = now or timezone.now()
    deliveries = list(notice.deliveries.filter(member_id__in=list(member_ids)))
    for delivery in deliveries:
        Attempt.objects.update_or_create(
            delivery=delivery,
            channel=Channel.PAPER,
            defaults={"status": AttemptStatus.SENT, "sent_at": now, "tries": 1},
        )
    ids = [d.pk for d in deliveries]
    Delivery.objects.filter(pk__in=ids, printed_at__isnull=True).update(printed_at=now)
    Delivery.objects.filter(pk__in=ids, reached_at__isnull=True).update(reached_at=now)
    return len(ids)


def channels_set(*, member: Member, sms: bool, email: bool, by) -> ChannelChoice:
    access.check_set_channels(by, member)
    choice, _ = ChannelChoice.objects.update_or_create(
        member=member, defaults={"sms": sms, "email": email, "updated_by": _account(by)}
    )
    return choice


def sms_report(*, ref: str, delivered: bool, reason: str = "") -> bool:
    """The gateway's delivery report for one SMS (its SMSID): delivered to the phone, or failed after all.
    A failed report takes back 'reached' unless another channel, the inbox or paper reached the member."""
    attempt = Attempt.objects.filter(channel=Channel.SMS, provider_ref=ref).exclude(provider_ref="").first()
    if attempt is None:
        return False
    if delivered:
        Attempt.objects.filter(pk=attempt.pk).update(status=AttemptStatus.DELIVERED)
        return True
    with transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(
            status=AttemptStatus.FAILED, reason=(reason or "Nhà mạng báo không đến được máy.")[:255]
        )
        delivery = Delivery.objects.select_for_update().get(pk=attempt.delivery_id)
        other = delivery.attempts.filter(status__in=rules.REACHING).exclude(channel=Channel.INBOX).exists()
        if not (other or delivery.read_at or delivery.printed_at):
            Delivery.objects.filter(pk=delivery.pk).update(reached_at=None)
    return True
