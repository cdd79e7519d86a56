from dataclasses import dataclass

from chibo.members.models import Member
from chibo.notices import access
from chibo.notices.models import Attempt, Delivery, Notice


def unread_count(user) -> int:
    return access.inbox_qs(user).filter(read_at__isnull=True).count()


def inbox(user):
    return access.inbox_qs(user).select_related("notice").order_by("-notice__created_at", "-pk")


@dataclass
class Reach:
    """How a notice reached the members it was meant for (those not on it count as not reached)."""

    total: int
    reached: list[Member]
    not_reached: list[Member]
    attempts: dict[int, list[Attempt]]  # member id → its attempts, for the reasons

    @property
    def all_reached(self) -> bool:
        return self.total > 0 and not self.not_reached


def reach_of(notice: Notice | None, members: list[Member]) -> Reach:
    deliveries: dict[int, Delivery] = {}
    attempts: dict[int, list[Attempt]] = {}
    if notice is not None:
        for d in notice.deliveries.filter(member__in=members).prefetch_related("attempts"):
            deliveries[d.member_id] = d
            attempts[d.member_id] = sorted(d.attempts.all(), key=lambda a: a.pk)
    reached = [m for m in members if m.pk in deliveries and deliveries[m.pk].reached_at is not None]
    not_reached = [m for m in members if m not in reached]
    return Reach(total=len(members), reached=reached, not_reached=not_reached, attempts=attempts)


def channel_preview(members: list[Member]) -> dict[str, int]:
    """How many of `members` each channel would reach, and how many none would (before sending)."""
    from chibo.notices.models import ChannelChoice
    from chibo.notices.rules import channels_for

    choices = {c.member_id: c for c in ChannelChoice.objects.filter(member__in=members)}
    counts = {"inbox": 0, "sms": 0, "email": 0, "none": 0}
    for m in members:
        found = channels_for(m, choices.get(m.pk), has_account=m.user_id is not None)
        for channel, _ in found:
            counts[str(channel)] += 1
        if not found:
            counts["none"] += 1
    return counts


def attempt_words(attempts: list[Attempt]) -> str:
    """'SMS: chờ gửi; Hộp thư Chibo: chưa đọc' — why a member is not reached yet."""
    from chibo.notices.models import AttemptStatus, Channel

    words = []
    for a in attempts:
        if a.channel == Channel.INBOX:
            words.append("Hộp thư Chibo: chưa đọc")
        elif a.status == AttemptStatus.FAILED or (a.status == AttemptStatus.PENDING and a.reason):
            words.append(f"{a.get_channel_display()}: {a.get_status_display().lower()} ({a.reason})")
        else:
            words.append(f"{a.get_channel_display()}: {a.get_status_display().lower()}")
    return "; ".join(words) or "không có số điện thoại, thư điện tử hay tài khoản"
