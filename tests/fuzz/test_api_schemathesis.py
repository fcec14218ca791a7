"""Schemathesis over every operation of the site's API (not the docking API: tests/tribunal/test_docking_contract.py).

The live drf-spectacular schema (``/api/schema/``) is loaded through the real WSGI application; each operation
is called with the token of the role that does that work (the complainant files, the intake clerk triages, the
mediator mediates, the director assigns, the officer and chief adjudicate, the investigator answers, the
station's clerk delegates, the supervisor reads statistics). The world is ``tests/security/world.py``: both
districts' full chains with cases at every stage, built through the services. Staff tokens count without the
second factor here because the test settings turn it off (``tests/conftest.py``); the OTP step has its own tests.

Checks on every answer: not a server error, status code, content type and body as the schema documents.
``API_FUZZ_EXAMPLES`` sets the examples per operation (default 25 under ``HYPOTHESIS_PROFILE=ci``, else 8).
"""
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.models import Role
from tests.fuzz.strategies import PROFILE

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25" if PROFILE == "ci" else "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# (method or "*", path pattern, role): the first match decides who calls the operation.
WHO = [
    ("*", r"^/api/v1/adjudication/questions/", Role.TECHNICAL_INVESTIGATOR),
    ("*", r"/(decision/approval|extension/decision|suspension/decision|recusals/\{recusal_id\}/decision)/$",
     Role.ADJUDICATION_CHIEF),
    ("*", r"^/api/v1/adjudication/\{case_id\}/(suit|answers|suspension|recusals)/$", Role.RESPONDENT),
    ("*", r"^/api/v1/adjudication/", Role.ENFORCEMENT_OFFICER),
    ("*", r"^/api/v1/intake/", Role.INTAKE_CLERK),
    ("*", r"^/api/v1/cases/\{case_id\}/consent/$", Role.RESPONDENT),
    ("*", r"/mediation/(assign|release|candidates)/$", Role.COMMITTEE_DIRECTOR),
    ("*", r"^/api/v1/mediation/(board|extensions|recusals)/", Role.COMMITTEE_DIRECTOR),
    ("*", r"/mediation/agreement/(sign|signature|confirm)/$", Role.COMPLAINANT),
    ("*", r"/mediation/(judicial-confirmation|recusals)/$", Role.COMPLAINANT),
    ("*", r"^/api/v1/mediation/delegations/", Role.TRIBUNAL_CLERK),
    ("*", r"mediation/", Role.MEDIATOR),
    ("*", r"^/api/v1/(statistics|typical-cases)/", Role.SUPERVISOR),
    ("*", r"^/api/v1/", Role.COMPLAINANT),
]


def role_for(method, path):
    for want, pattern, role in WHO:
        if want in ("*", method) and re.search(pattern, path):
            return role
    raise AssertionError(f"no role for {method} {path}")


@pytest.fixture
def wsgi_app():
    """The real WSGI application, keeping the test's database connection between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_api_operation_conforms_to_the_schema_and_never_fails(roles, wsgi_app):
    from tests.security.world import build_world

    world = build_world()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if not op.path.startswith("/api/v1/docking/")]
    assert len(operations) >= 80, [op.label for op in operations]
    tokens = {}

    def headers_for(operation):
        role = role_for(operation.method.upper(), operation.path)
        if operation.path == "/api/v1/auth/token/" and operation.method.upper() == "DELETE":
            # Signing out deletes the token: a fresh one for every call.
            return {"Authorization": f"Token {Token.objects.create(user=world.away_users['c2']).key}"}
        if role not in tokens:
            tokens[role] = Token.objects.get_or_create(user=world.users[role])[0].key
        return {"Authorization": f"Token {tokens[role]}"}

    seen, failures = {}, {}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers=headers_for(case.operation))
            seen.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure, then one assertion
            failures[operation.label] = str(exc)[:1500]

    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
    assert set(seen) == {op.label for op in operations}
    assert all(code < 500 for codes in seen.values() for code in codes), seen
