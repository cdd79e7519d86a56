"""Tasks given and evaluated, and a cell's meeting materials, reach the members through the notices."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.common.access import SYSTEM
from chibo.meetings.services import preparation as prep
from chibo.members.models import Member
from chibo.notices.models import Channel, Delivery, NoticeKind
from chibo.notices.services import send_pending
from chibo.resolutions import services
from chibo.resolutions.models import TaskStatus
from tests.meetings.conftest import make_meeting
from tests.resolutions.conftest import held, hold_meeting, local, task_rules  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_task_given_and_its_evaluation_reach_the_member(cast, held, task_rules):  # noqa: F811
    Member.objects.filter(pk=cast.member.pk).update(email="an@example.vn")
    cast.member.refresh_from_db()
    task = services.task_assign(
        meeting=held, members=[cast.member], text="Vận động phân loại rác", due_on=dt.date(2025, 3, 30),
        by=cast.leader_user,
    )[0]
    given = Delivery.objects.get(member=cast.member, notice__kind=NoticeKind.TASK_GIVEN)
    assert "Vận động phân loại rác" in given.notice.body and "30/03/2025" in given.notice.subject
    assert given.notice.link == task.get_absolute_url()
    assert mail.outbox == []  # a plain e-mail waits for the worker, not the secretary's request
    send_pending()
    assert [m.subject for m in mail.outbox] == ["Nhiệm vụ mới, hạn 30/03/2025"]
    review = hold_meeting(cast, task_rules, local(2025, 4, 2, 19, 30))
    services.task_evaluate(task=task, meeting=review, outcome=TaskStatus.DONE, evaluation="Tốt", by=cast.leader_user)
    judged = Delivery.objects.get(member=cast.member, notice__kind=NoticeKind.TASK_EVALUATED)
    assert "Hoàn thành" in judged.notice.body and "Đánh giá: Tốt" in judged.notice.body
    assert [a.channel for a in judged.attempts.order_by("pk")] == [Channel.INBOX, Channel.EMAIL]


def test_a_published_meeting_material_reaches_the_roster(cast, task_rules):  # noqa: F811
    meeting = make_meeting(cast.cell, task_rules, when=local(2026, 4, 3, 19, 30))
    upload = SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    material = prep.material_add(meeting=meeting, title="Dự thảo nghị quyết tháng 4", file=upload, by=SYSTEM)
    assert not Delivery.objects.exists()  # not yet published: nobody is told
    prep.meeting_material_publish(material=material, by=SYSTEM)
    prep.meeting_material_publish(material=material, by=SYSTEM)  # twice: told once
    deliveries = Delivery.objects.filter(notice__kind=NoticeKind.MATERIAL)
    assert sorted(d.member_id for d in deliveries) == sorted([cast.member.pk, cast.secretary.pk])
    assert deliveries[0].notice.subject == "Tài liệu sinh hoạt: Dự thảo nghị quyết tháng 4"


def test_a_committee_material_reaches_the_members_of_its_cells_when_it_is_published(
    cast, django_capture_on_commit_callbacks
):
    from chibo.materials.models import MaterialKind
    from chibo.materials.services import material_notify
    from tests.materials.conftest import publish

    with django_capture_on_commit_callbacks(execute=True):
        material = publish(cast.ward, kind=MaterialKind.MONTHLY, month=dt.date(2026, 4, 1), title="Tháng 4", by=SYSTEM)
    told = Delivery.objects.filter(notice__kind=NoticeKind.MATERIAL)
    assert sorted(d.member_id for d in told) == sorted([cast.member.pk, cast.secretary.pk])
    assert told[0].notice.link == material.get_absolute_url()
    assert material_notify(material.pk) == 2 and told.count() == 2  # a second run tells nobody twice


def test_a_material_published_for_later_tells_nobody_before_its_time(cast):
    from django.utils import timezone

    from chibo.materials.services import material_notify
    from tests.materials.conftest import publish

    later = timezone.now() + dt.timedelta(days=2)
    material = publish(cast.ward, month=dt.date(2026, 4, 1), publish_at=later, by=SYSTEM)
    assert material_notify(material.pk) == 0 and not Delivery.objects.exists()
    assert material_notify(material.pk, now=later + dt.timedelta(minutes=1)) == 2


def test_one_text_given_to_several_members_is_one_notice_for_all(cast, held, task_rules):  # noqa: F811
    services.task_assign(
        meeting=held, members=[cast.member, cast.secretary], text="Dọn vệ sinh ngõ", due_on=dt.date(2025, 3, 30),
        by=cast.leader_user,
    )
    given = Delivery.objects.filter(notice__kind=NoticeKind.TASK_GIVEN)
    assert given.count() == 2 and given.values("notice").distinct().count() == 1
    assert given[0].notice.link == "/nhiem-vu/cua-toi/" or given[0].notice.link.startswith("/nhiem-vu/")
