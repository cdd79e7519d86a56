"""Every URL pattern of the site (the JSON API is covered by its own scope tests and by schemathesis)
× anonymous, a member of the cell, the leader of a sibling cell, the leader of a cell of another ward,
the staff of another ward, and an administrator; each object id is a real one of cell BD-01.

It fails on any 500, and on any page that shows one of BD-01's own contents (a marked member name, a
meeting topic, a task, a resolution title) to someone outside it. A new view is in the matrix as soon as
it has a URL: nothing to register, nothing to forget."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from chibo.meetings.models import Meeting, MeetingMaterial, RuleSet, RuleStep
from chibo.members.models import Exemption, Member, Position
from chibo.orgs.models import Role, RoleKind
from chibo.resolutions.models import Resolution, Task, TaskNote
from tests.factories import make_user
from tests.reporting.scenario import build
from tests.resolutions.conftest import task_rules  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

MARK = "Dauvetbimat"
# Left to other tests: Django's admin (superusers only, Django's own checks), the JSON API, files.
SKIPPED_PREFIXES = ("quan-tri/", "api/", "static/", "media/", "__")
# (route pattern, which object its <pk> is), first match wins.
PK_OBJECTS = [
    (r"^to-chuc/quyen-han/", "role"),
    (r"^dang-vien/mien-sinh-hoat/", "exemption"),
    (r"^dang-vien/chuc-vu/", "position"),
    (r"^dang-vien/", "member"),
    (r"^sinh-hoat/tai-lieu/", "material"),
    (r"^sinh-hoat/quy-dinh/buoc/", "step"),
    (r"^sinh-hoat/quy-dinh/", "ruleset"),
    (r"^sinh-hoat/", "meeting"),
    (r"^nhiem-vu/nghi-quyet/", "resolution"),
    (r"^nhiem-vu/(sinh-hoat)/", "meeting"),
    (r"^nhiem-vu/chi-bo/", "cell"),
    (r"^nhiem-vu/dang-vien/", "member"),
    (r"^nhiem-vu/ghi-nhan/", "note"),
    (r"^nhiem-vu/", "task"),
    (r"^tai-lieu/buoi-sinh-hoat/", "meeting"),
    (r"^tai-khoan/dang-vien/", "member"),
    (r"", "cell"),
]
OTHER_KWARGS = {
    "org_pk": "cell",
    "org_id": "cell",
    "meeting_pk": "meeting",
    "meeting_id": "meeting",
    "member_id": "member",
    "task_id": "task",
    "resolution_id": "resolution",
    "step_pk": "step",
}
TEXT_KWARGS = {"fmt": "pdf", "kind": "members", "slug": "bai", "code": "regular", "token": "x", "uidb64": "x"}


def patterns():
    found = []

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p, route)
            elif isinstance(p, URLPattern) and not route.lstrip("^").startswith(SKIPPED_PREFIXES):
                found.append(route)

    walk(get_resolver())
    return found


def fill(route: str, ids: dict) -> str:
    pk_object = next(obj for pattern, obj in PK_OBJECTS if re.search(pattern, route))

    def value(match):
        name = match.group(2)
        if name == "pk":
            return str(ids[pk_object])
        if name in OTHER_KWARGS:
            return str(ids[OTHER_KWARGS[name]])
        if name in TEXT_KWARGS:
            return TEXT_KWARGS[name]
        return "1"  # an object this dataset does not have: a 404, which must still not be a 500

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.fixture
def dataset(cast, task_rules):  # noqa: F811
    build(cast, task_rules)
    cell = cast.cell
    Member.objects.filter(pk=cast.member.pk).update(full_name=f"Hoàng Văn {MARK}")
    meeting = Meeting.objects.filter(cell=cell).order_by("-scheduled_at").first()
    Meeting.objects.filter(cell=cell).update(topic=f"Chuyên đề {MARK}")
    Task.objects.filter(cell=cell).update(text=f"Vận động {MARK}")
    Resolution.objects.filter(meeting__cell=cell).update(direction=f"Phương hướng {MARK}")
    resolution = Resolution.objects.filter(meeting__cell=cell).first()
    ids = {
        "cell": cell.pk,
        "member": cast.member.pk,
        "meeting": meeting.pk,
        "task": Task.objects.filter(cell=cell).values_list("pk", flat=True).first() or 1,
        "resolution": resolution.pk if resolution else 1,
        "note": TaskNote.objects.filter(task__cell=cell).values_list("pk", flat=True).first() or 1,
        "material": MeetingMaterial.objects.filter(meeting__cell=cell).values_list("pk", flat=True).first() or 1,
        "ruleset": RuleSet.objects.filter(owner=cast.ward).values_list("pk", flat=True).first() or 1,
        "step": RuleStep.objects.values_list("pk", flat=True).first() or 1,
        "exemption": Exemption.objects.filter(member__memberships__cell=cell).values_list("pk", flat=True).first() or 1,
        "position": Position.objects.filter(cell=cell).values_list("pk", flat=True).first() or 1,
        "role": Role.objects.filter(organisation=cell).values_list("pk", flat=True).first() or 1,
    }
    assert ids["meeting"]
    admin = make_user("quantri_matran")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    roles = {
        "anonymous": None,
        "member": cast.member_user,
        "sibling cell leader": make_user("bithu_bd02", role=RoleKind.CELL_LEADER, org=cast.cell2),
        "other ward's cell leader": cast.sibling_leader,
        "other ward's staff": cast.outsider,
        "administrator": admin,
    }
    return ids, roles


OUTSIDERS = {"anonymous", "sibling cell leader", "other ward's cell leader", "other ward's staff"}


def test_no_page_fails_and_none_shows_a_cells_contents_outside_it(dataset):
    ids, roles = dataset
    routes = patterns()
    assert len(routes) > 150  # the walk found the site, not an empty resolver
    errors, leaks = [], []
    shown = {role: 0 for role in roles}  # pages that showed the mark: the check can see a leak
    for role, user in roles.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for route in routes:
            path = fill(route, ids)
            response = client.get(path)
            if response.status_code >= 500:
                errors.append(f"{role}: GET {path} → {response.status_code}")
            elif response.status_code == 200 and MARK in response.content.decode(errors="replace"):
                shown[role] += 1
                if role in OUTSIDERS:
                    leaks.append(f"{role}: GET {path} shows BD-01's contents")
    # The ids are real: those who may see BD-01 do see its contents on many pages.
    assert shown["administrator"] >= 20 and shown["member"] >= 3, shown
    assert not errors, "\n".join(errors)
    assert not leaks, "\n".join(leaks)
