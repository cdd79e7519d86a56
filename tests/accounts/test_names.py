"""A person is shown by name in Vietnamese order (family middle given) on every page, never as
"Kiên Phan Thanh" (Django's get_full_name) nor as a login."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chibo.audit.models import Action, AuditEntry
from chibo.common.access import SYSTEM
from chibo.common.people import person_name
from chibo.meetings.models import MeetingKind, Score
from chibo.meetings.services.planning import meeting_create
from chibo.meetings.services.scoring import score_confirm, score_propose
from tests.meetings.conftest import rule_set  # noqa: F401
from tests.meetings.scoring_data import held_meeting, make_sheet, roll
from tests.supervision.conftest import assignment, held, local, task_rules, visit  # noqa: F401

pytestmark = pytest.mark.django_db

RIGHT, REVERSED = "Phan Thanh Kiên", "Kiên Phan Thanh"


def name_as_django_does(user):
    user.first_name, user.last_name = "Kiên", "Phan Thanh"
    user.save()
    assert user.get_full_name() == REVERSED  # what the pages used to print
    return user


def shows_the_name(page: str):
    assert RIGHT in page
    assert REVERSED not in page


def test_person_name_prefers_the_member_record_then_the_account_names_then_the_login(cast):
    assert person_name(cast.leader_user) == "Trần Thị Bình"
    assert person_name(name_as_django_does(cast.staff)) == RIGHT
    nameless = get_user_model().objects.create_user("khongten")
    assert person_name(nameless) == "khongten"
    assert person_name(None) == ""


def test_the_nav_logout_button_names_the_person(client, cast):
    client.force_login(name_as_django_does(cast.staff))
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f"Đăng xuất ({RIGHT})" in page
    client.force_login(cast.leader_user)
    assert "Đăng xuất (Trần Thị Bình)" in client.get(reverse("home"), follow=True).content.decode()
    assert "Đăng xuất (bithu)" not in client.get(reverse("home"), follow=True).content.decode()


def test_the_audit_list_names_who_did_it(client, cast):
    staff = name_as_django_does(cast.staff)
    AuditEntry.objects.create(
        user=staff, action=Action.UPDATE, model="orgs.organisation", org_path=cast.ward.path
    )
    client.force_login(staff)
    shows_the_name(client.get(reverse("audit:org_audit", args=[cast.ward.pk])).content.decode())


def test_the_prepare_page_names_the_supervisors(client, cast, assignment):  # noqa: F811
    name_as_django_does(cast.supervisor)
    meeting = meeting_create(
        cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=local(2026, 4, 3, 19, 30), by=SYSTEM
    )
    client.force_login(cast.leader_user)
    shows_the_name(client.get(reverse("meetings:prepare", args=[meeting.pk])).content.decode())


def test_the_supervision_pages_name_the_supervisor(client, cast, visit):  # noqa: F811
    name_as_django_does(cast.supervisor)
    client.force_login(cast.staff)
    for url in (
        reverse("supervision:assignments", args=[cast.ward.pk]),
        reverse("supervision:quarter", args=[cast.ward.pk]) + "?quy=2025-Q1",
        reverse("supervision:visit", args=[visit.pk]),
    ):
        shows_the_name(client.get(url).content.decode())


def test_the_recommendation_page_names_who_answered(client, cast, visit):  # noqa: F811
    rec = visit.recommendations.first()
    rec.answered_by, rec.answer, rec.answered_at = cast.staff, "Đã bổ sung", visit.created_at
    rec.save()
    name_as_django_does(cast.staff)
    client.force_login(cast.staff)
    shows_the_name(client.get(reverse("supervision:recommendation", args=[rec.pk])).content.decode())


def test_the_score_page_names_who_confirmed(client, cast, rule_set):  # noqa: F811
    sheet = make_sheet(rule_set)
    meeting = held_meeting(cast.cell, rule_set, minutes=95)
    roll(meeting, cast.secretary)
    points = {
        c.pk: v for c, v in zip(sheet.criteria.order_by("order"), [5, 5, 10, 40, 5, 30, 5], strict=True)
    }
    score = score_propose(meeting=meeting, points=points, by=cast.leader_user)
    staff = name_as_django_does(cast.staff)
    score_confirm(score=score, by=staff)
    assert Score.objects.get(meeting=meeting).confirmed_by == staff
    client.force_login(staff)
    shows_the_name(client.get(reverse("meetings:score", args=[meeting.pk])).content.decode())


def test_naming_people_on_the_audit_list_costs_no_query_per_row(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.staff)
    url = reverse("audit:org_audit", args=[cast.ward.pk])

    def queries(n):
        for i in range(n):
            user = get_user_model().objects.create_user(
                f"nguoi{n}-{i}", first_name="Kiên", last_name="Phan Thanh"
            )
            AuditEntry.objects.create(user=user, action=Action.UPDATE, model="x", org_path=cast.ward.path)
        with CaptureQueriesContext(connection) as ctx:
            shows_the_name(client.get(url).content.decode())
        return len(ctx.captured_queries)

    assert queries(1) == queries(6)
