"""What the API sends is what /api/v1/openapi.json says it sends (issue 15 §4).

ninja names each schema component after its class, so two classes with one name (the meetings' own
`MaterialOut` beside the materials library's) became one component: the schema described
`GET /meetings/{id}` materials with the other class's fields. Real answers are validated against the
served schema, as schemathesis does.
"""

import re
import typing

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from chibo.api.api import api
from chibo.meetings.models import MeetingMaterial
from tests.meetings.running_fixtures import *  # noqa: F403
from tests.meetings.running_fixtures import local, opened


def _models(tp, found: dict[str, set]) -> None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in found.setdefault(tp.__name__, set()):
            return
        found[tp.__name__].add(tp)
        for field in tp.model_fields.values():
            _models(field.annotation, found)
        return
    for arg in typing.get_args(tp):
        _models(arg, found)


def test_no_two_schema_classes_share_a_component_name(db):
    found: dict[str, set] = {}
    for bound in api._get_bound_routers():
        for view in bound.path_operations.values():
            for operation in view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _models(model, found)
    # Only our own classes: ninja builds its per-operation wrappers (NinjaResponseSchema, PathParams…)
    # under one name on purpose and never puts them in the components.
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in found.items()
        if len({c for c in classes if c.__module__.startswith("chibo.")}) > 1
    }
    assert clashes == {}


def _validator(spec: dict, path: str, method: str, status: int) -> Draft202012Validator:
    template = next(
        t for t in spec["paths"] if re.fullmatch(re.sub(r"\{[^}]+\}", r"[^/]+", t), path.split("?")[0])
    )
    schema = spec["paths"][template][method]["responses"][str(status)]["content"]["application/json"][
        "schema"
    ]
    # The references are "#/components/schemas/…": resolve them inside the served document.
    return Draft202012Validator({**schema, "components": spec["components"]})


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json()


def assert_matches_schema(spec, client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.content
    body = response.json()
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in _validator(spec, path, "get", 200).iter_errors(body)
    ]
    assert errors == []
    return body


def test_meeting_detail_materials_match_the_schema(cast, run_rules, api_as, spec):
    meeting = opened(cast, run_rules)
    MeetingMaterial.objects.create(
        meeting=meeting, title="Báo cáo tháng", published_at=local(2025, 3, 3, 8, 0)
    )
    MeetingMaterial.objects.create(meeting=meeting, title="Dự thảo nghị quyết")
    body = assert_matches_schema(spec, api_as(cast.leader_user), f"/api/v1/meetings/{meeting.pk}")
    assert [m["title"] for m in body["materials"]] == ["Báo cáo tháng", "Dự thảo nghị quyết"]
    assert body["steps"], "the opened meeting has its rule set's steps"


def test_other_answers_match_the_schema(cast, run_rules, api_as, spec):
    meeting = opened(cast, run_rules)
    client = api_as(cast.leader_user)
    for path in [
        "/api/v1/meetings",
        f"/api/v1/meetings/{meeting.pk}/attendance",
        f"/api/v1/meetings/{meeting.pk}/votes",
        "/api/v1/orgs",
        f"/api/v1/orgs/{cast.cell.pk}",
        f"/api/v1/orgs/{cast.cell.pk}/roster",
        "/api/v1/members",
        f"/api/v1/members/{cast.member.pk}",
        "/api/v1/materials",
        "/api/v1/tasks",
    ]:
        assert_matches_schema(spec, client, path)
