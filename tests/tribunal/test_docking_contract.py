"""Contract test of the docking API: schemathesis generates requests for every docking operation from the
live OpenAPI schema (``/api/schema/``) and sends them with a valid docking token. No answer may be a server
error, and every answer must conform to the schema (status code, content type, body).

A transferred case, a judicial confirmation application and a delegation exist, so the generated ids can
hit real cases; writes go through the real services. ``DOCKING_CONTRACT_EXAMPLES`` sets the examples per
operation (default 25: the whole run stays well under 90 s on SQLite).
"""
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.tribunal.conftest import confirmation_filed, failed_to_court
from tests.tribunal.docking_helpers import court_system

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("DOCKING_CONTRACT_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """The real WSGI application, keeping the test's database connection open between requests
    (as Django's own test client does: a request's end would otherwise close it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_docking_operation_conforms_to_the_schema_and_never_fails(court, people, wsgi_app):
    failed_to_court(court, people)
    confirmation_filed(court, people)
    _client, token, _api = court_system(court.station)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    docking = schema.include(tag="docking")
    operations = [result.ok() for result in docking.get_all_operations()]
    assert len(operations) == 17, [op.label for op in operations]
    headers = {"Authorization": f"Bearer {token}"}
    seen = {}

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers=headers)
            seen.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(response, checks=CHECKS)

        run()

    assert set(seen) == {op.label for op in operations}
    assert all(code < 500 for codes in seen.values() for code in codes), seen
