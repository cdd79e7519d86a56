"""Reads of personal data are in the audit log (Decree 13/2023), once per reader, object and hour, filed
under the organisation they touched: a member's record (web and API), bulk API reads of members and
rosters, printed roll-call sheets and invitations."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chibo.audit.models import Action, AuditEntry
from chibo.audit.services import audit_read
from chibo.common.access import SYSTEM
from chibo.meetings.models import MeetingKind
from chibo.meetings.services.planning import meeting_create
from tests.api.conftest import api_as  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def reads():
    return list(AuditEntry.objects.filter(action=Action.READ).order_by("pk"))


def test_a_member_record_read_on_the_web_is_logged_once_an_hour(client, cast):
    client.force_login(cast.leader_user)
    url = reverse("members:detail", args=[cast.member.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    [entry] = reads()
    assert entry.user == cast.leader_user and entry.object_id == str(cast.member.pk)
    assert cast.member.full_name in entry.object_repr and entry.org_path == cast.cell.path
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - dt.timedelta(hours=2))
    client.get(url)
    assert len(reads()) == 2


def test_api_reads_of_members_and_rosters_are_logged(cast, api_as):  # noqa: F811
    api = api_as(cast.staff)
    api.get("/api/v1/members")
    api.get("/api/v1/members?page=2")  # the same list read in the same hour: one entry
    api.get("/api/v1/members?q=nguyen")
    api.get(f"/api/v1/members/{cast.member.pk}")
    api.get(f"/api/v1/orgs/{cast.cell.pk}/roster")
    entries = reads()
    assert [e.object_id for e in entries] == [
        "list:",
        "list:nguyen",
        str(cast.member.pk),
        f"roster:{cast.cell.pk}:{timezone.localdate().isoformat()}",
    ]
    assert all(e.user == cast.staff and e.org_path for e in entries)
    assert entries[-1].org_path == cast.cell.path


def test_printed_sheets_are_logged_under_the_cell(client, cast):
    when = timezone.make_aware(dt.datetime(2026, 6, 2, 19, 30))
    meeting = meeting_create(cell=cast.cell, kind=MeetingKind.REGULAR, scheduled_at=when, by=SYSTEM)
    client.force_login(cast.leader_user)
    assert client.get(reverse("meetings:print_roll_call", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:print_invitations", args=[meeting.pk])).status_code == 200
    assert [(e.object_id, e.org_path) for e in reads()] == [
        (f"print-roll-call:{meeting.pk}", cast.cell.path),
        (f"print-invitations:{meeting.pk}", cast.cell.path),
    ]


def test_a_read_appears_on_its_subtrees_audit_page_only(client, cast):
    audit_read(
        user=cast.leader_user,
        model="members.member",
        object_id="1",
        what="Xem hồ sơ thử",
        org_path=cast.cell.path,
    )
    client.force_login(cast.staff)
    assert "Xem hồ sơ thử" in client.get(reverse("audit:org_audit", args=[cast.ward.pk])).content.decode()
    client.force_login(cast.outsider)
    response = client.get(reverse("audit:org_audit", args=[cast.ward.pk]))
    assert response.status_code == 404 or "Xem hồ sơ thử" not in response.content.decode()


def test_anonymous_and_system_reads_are_not_entries(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not audit_read(user=AnonymousUser(), model="m", object_id="1", what="x", org_path="")
    assert not audit_read(user=SYSTEM, model="m", object_id="1", what="x", org_path="")
    assert reads() == []


def test_entries_without_an_organisation_are_filed_at_the_top(cast, tmp_path):
    """Tokens, rule-set changes, and imports and exports from the command line touch no cell: they are
    filed where their owner works, or at the top of the tree, never nowhere."""
    from django.core.management import call_command

    from chibo.api.services import token_create, token_revoke
    from tests.dataio.helpers import csv_bytes

    start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    token, _ = token_create(user=cast.staff, name="máy chủ báo cáo", by=SYSTEM)
    token_revoke(token=token, by=cast.staff)
    path = tmp_path / "dv.csv"
    path.write_bytes(csv_bytes("members", [["T1", "Mai Văn Một", "Nam", "", "", "", "", "01/01/2010", "", ""]]))
    call_command("import_data", "members", str(path))
    call_command("export_data", "members", str(tmp_path / "ra.csv"))
    entries = AuditEntry.objects.filter(pk__gt=start)
    assert entries.count() >= 4
    assert not [(e.model, e.action) for e in entries if not e.org_path]
    assert {e.org_path for e in entries.filter(model="api.apitoken")} == {cast.ward.path}
    assert entries.get(model="dataio.members", action=Action.EXPORT).org_path == cast.city.path
