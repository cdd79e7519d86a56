"""Every operation of the API refuses a query parameter it does not declare (422 naming it), rather than
answering as if an unknown filter had been applied; what it declares, and pagination, still work."""

import re

import pytest

from chibo.api.api import api
from chibo.common.api.params import declared_query_names

pytestmark = pytest.mark.django_db


def _schema_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_each_operation_accepts_exactly_the_query_parameters_its_schema_lists():
    bound = {
        operation.operation_id or operation.view_func.__name__: declared_query_names(operation.view_func)
        for router in api._get_bound_routers()
        for view in router.path_operations.values()
        for operation in view.operations
    }
    for method, path, operation in _schema_operations():
        listed = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert bound[operation["operationId"]] == listed, (method, path)


def test_every_get_refuses_an_unknown_parameter_by_name(cast, api_as):
    client = api_as(cast.staff)
    gets = [path for method, path, _op in _schema_operations() if method == "get"]
    assert len(gets) > 20
    for path in gets:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = client.get(url, {"khong_co": "1"})
        assert response.status_code == 422, (path, response.status_code)
        assert [e["field"] for e in response.json()["errors"]] == ["khong_co"], path
