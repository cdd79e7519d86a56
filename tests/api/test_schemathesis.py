"""Schemathesis against the API's own OpenAPI schema, in process (WSGI), bounded and reproducible: a
fixed number of examples per operation with derandomized generation. Fails on any server error and on
any answer that does not match the schema it claims (status code, content type, body)."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from chibo.api.services import token_create
from chibo.common.access import SYSTEM

EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def token(cast):
    _, raw = token_create(user=cast.staff, name="schemathesis", by=SYSTEM)
    return raw


@pytest.fixture
def connection_kept():
    """As Django's test client does: a request must not close the test's database connection (on
    PostgreSQL the in-process app would otherwise close it after the first answer)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_api_answers_as_its_schema_says(token, connection_kept):
    # One test walking every operation (schemathesis' pytest plugin needs its own collection; the
    # database here is pytest-django's, shared by every example through the in-process app).
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    headers = {"Authorization": f"Bearer {token}"}
    failures, operations, calls = [], 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            calls.append(response.status_code)

        try:
            run()
        except Exception as exc:  # schemathesis reports every check that failed, with a reproduction
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations > 40 and len(calls) >= 2 * operations, (operations, len(calls))
    assert sum(200 <= c < 300 for c in calls) >= operations // 2  # not only refusals
    assert not failures, "\n\n".join(failures)
