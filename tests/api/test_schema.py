"""The OpenAPI schema: generated without a single warning, valid, every operation tagged and named."""
import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

EXPECTED = {
    ("post", "/api/v1/auth/token/"): ("auth_token_create", "auth"),
    ("delete", "/api/v1/auth/token/"): ("auth_token_destroy", "auth"),
    ("get", "/api/v1/cases/"): ("cases_list", "cases"),
    ("get", "/api/v1/cases/{case_id}/"): ("cases_retrieve", "cases"),
    ("post", "/api/v1/cases/{case_id}/evidence/"): ("cases_evidence_create", "cases"),
    ("get", "/api/v1/evidence/{evidence_id}/download/"): ("evidence_download", "cases"),
    ("post", "/api/v1/complaints/"): ("complaints_create", "complaints"),
    ("post", "/api/v1/cases/{case_id}/supplement-answer/"): ("cases_supplement_answer", "complaints"),
    ("post", "/api/v1/cases/{case_id}/withdraw/"): ("cases_withdraw", "complaints"),
    ("post", "/api/v1/cases/{case_id}/next-route/"): ("cases_next_route", "complaints"),
    ("post", "/api/v1/cases/{case_id}/consent/"): ("cases_consent", "respondents"),
    ("get", "/api/v1/intake/queue/"): ("intake_queue_list", "intake"),
    ("post", "/api/v1/intake/{case_id}/accept/"): ("intake_accept", "intake"),
    ("post", "/api/v1/intake/{case_id}/supplement/"): ("intake_supplement", "intake"),
    ("post", "/api/v1/intake/{case_id}/refuse/"): ("intake_refuse", "intake"),
}


@pytest.fixture
def schema(tmp_path):
    GENERATOR_STATS.reset()
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _operations(schema):
    methods = {"get", "post", "put", "patch", "delete"}
    return {(m, p): op for p, item in schema["paths"].items() for m, op in item.items() if m in methods}


@pytest.mark.django_db
def test_schema_generates_without_warnings_and_validates(schema):
    ops = _operations(schema)
    v1 = {k: v for k, v in ops.items() if k[1].startswith("/api/v1/")}
    assert {k: (op["operationId"], op["tags"][0]) for k, op in v1.items()} == EXPECTED


@pytest.mark.django_db
def test_every_write_documents_its_request_and_every_operation_its_answers(schema):
    for (method, path), op in _operations(schema).items():
        if not path.startswith("/api/v1/"):
            continue
        if method == "post":
            assert "requestBody" in op, path
        ok = [code for code in op["responses"] if code.startswith("2")]
        assert ok, path
        if ok != ["204"]:
            assert op["responses"][ok[0]].get("content"), (method, path)


@pytest.mark.django_db
def test_complaint_request_documents_nested_parties_and_enums(schema):
    components = schema["components"]["schemas"]
    complaint = components["ComplaintCreate"]
    assert set(complaint["required"]) >= {"applicant", "respondents", "dispute_type", "facts", "claims"}
    assert complaint["properties"]["respondents"]["items"]["$ref"].endswith("/PartyIn")
    kinds = components["IPRightInKindEnum"]["enum"]
    assert "utility_model" in kinds and "trade_secret" in kinds
    assert components["StatusEnum"]["enum"][0] == "submitted"
    assert "Idempotency-Key" in [p["name"] for p in schema["paths"]["/api/v1/complaints/"]["post"]["parameters"]]


@pytest.mark.django_db
def test_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/complaints/" in response.content
