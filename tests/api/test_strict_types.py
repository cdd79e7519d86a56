"""Body types are as strict as the schema says: `"done": 0` is not a boolean, `"5"` is not an id; dates are
still ISO strings (issue 15 §4)."""

import typing

from pydantic import Strict

import chibo.api.api  # noqa: F401  (imports every router, so every input schema exists)
from chibo.common.api.schemas import InputSchema
from chibo.resolutions.models import Task
from tests.api.conftest import post_json
from tests.api.test_resolutions_api import errors, given  # noqa: F401
from tests.resolutions.conftest import held, task_rules  # noqa: F401

BOOLEAN = "Phải là true hoặc false."
INTEGER = "Phải là một số nguyên."


def _input_schemas():
    todo, seen = list(InputSchema.__subclasses__()), set()
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.add(cls)
            todo.extend(cls.__subclasses__())
    return seen


def _lax_numbers(annotation, metadata) -> bool:
    """True when a bool or int somewhere in the annotation is validated in pydantic's lax mode."""
    if annotation in (bool, int):
        return not any(isinstance(m, Strict) and m.strict for m in metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        base, *more = typing.get_args(annotation)
        return _lax_numbers(base, [*metadata, *more])
    return any(_lax_numbers(arg, []) for arg in typing.get_args(annotation))


def test_every_boolean_and_number_of_every_body_is_strict():
    lax = sorted(
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _input_schemas()
        for name, field in cls.model_fields.items()
        if _lax_numbers(field.annotation, field.metadata)
    )
    assert lax == []


def test_done_0_is_not_a_boolean(cast, held, given, api_as):  # noqa: F811
    client = api_as(cast.member_user)
    url = f"/api/v1/tasks/{given['member'].pk}/notes"
    for not_a_boolean in (0, 1, "true", "yes", "on"):
        response = post_json(client, url, {"done": not_a_boolean})
        assert response.status_code == 422
        assert errors(response) == {"done": BOOLEAN}
    assert not Task.objects.filter(pk=given["member"].pk, status="done").exists()
    response = post_json(client, url, {"done": True})
    assert response.status_code == 201 and response.json()["status"] == "done"


def test_numbers_and_ids_are_json_numbers(cast, held, given, api_as):  # noqa: F811
    client = api_as(cast.member_user)
    url = f"/api/v1/tasks/{given['member'].pk}/notes"
    for not_a_number in ("50", 50.0, True):
        assert errors(post_json(client, url, {"progress": not_a_number})) == {"progress": INTEGER}
    staff = api_as(cast.staff)
    transfer = f"/api/v1/members/{cast.member.pk}/transfer"
    assert errors(post_json(staff, transfer, {"to_cell": str(cast.cell2.pk), "on": "2024-01-01"})) == {
        "to_cell": INTEGER
    }


def test_dates_are_still_iso_strings(cast, api_as):
    staff = api_as(cast.staff)
    transfer = f"/api/v1/members/{cast.member.pk}/transfer"
    response = post_json(staff, transfer, {"to_cell": cast.cell2.pk, "on": "2024-01-01"})
    assert response.status_code == 201, response.content
