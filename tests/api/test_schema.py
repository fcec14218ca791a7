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
    ("get", "/api/v1/statistics/summary/"): ("statistics_summary", "statistics"),
    ("get", "/api/v1/typical-cases/"): ("typical_cases_list", "typical-cases"),
    # 快调 mediation
    ("get", "/api/v1/mediation/my-cases/"): ("mediation_my_cases", "mediation"),
    ("get", "/api/v1/mediation/queue/"): ("mediation_queue", "mediation"),
    ("get", "/api/v1/mediation/board/"): ("mediation_board", "mediation"),
    ("get", "/api/v1/mediation/delegations/"): ("mediation_delegations_list", "tribunal"),
    ("post", "/api/v1/mediation/delegations/new/"): ("mediation_delegation_create", "tribunal"),
    ("get", "/api/v1/cases/{case_id}/mediation/"): ("mediation_state", "mediation"),
    ("get", "/api/v1/cases/{case_id}/mediation/candidates/"): ("mediation_candidates", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/assign/"): ("mediation_assign", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/claim/"): ("mediation_claim", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/accept/"): ("mediation_accept", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/decline/"): ("mediation_decline", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/release/"): ("mediation_release", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/recusals/"): ("mediation_recusal_create", "mediation"),
    ("post", "/api/v1/mediation/recusals/{request_id}/decide/"): ("mediation_recusal_decide", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/sessions/"): ("mediation_session_create", "mediation"),
    ("post", "/api/v1/mediation/sessions/{session_id}/reschedule/"): ("mediation_session_reschedule", "mediation"),
    ("post", "/api/v1/mediation/sessions/{session_id}/record/"): ("mediation_session_record", "mediation"),
    ("post", "/api/v1/mediation/sessions/{session_id}/missed/"): ("mediation_session_missed", "mediation"),
    ("post", "/api/v1/mediation/sessions/{session_id}/cancel/"): ("mediation_session_cancel", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/agreement/"): ("mediation_agreement_save", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/agreement/issue/"): ("mediation_agreement_issue", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/agreement/confirm/"): ("mediation_agreement_confirm", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/agreement/signature/"): ("mediation_agreement_signature", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/agreement/sign/"): ("mediation_agreement_sign", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/agreement/seal/"): ("mediation_agreement_seal", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/extensions/"): ("mediation_extension_create", "mediation"),
    ("post", "/api/v1/mediation/extensions/{extension_id}/decide/"): ("mediation_extension_decide", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/follow-up/"): ("mediation_follow_up", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/terminate/"): ("mediation_terminate", "mediation"),
    ("post", "/api/v1/cases/{case_id}/mediation/judicial-confirmation/"): (
        "mediation_judicial_confirmation", "mediation"),
    # 速裁 adjudication
    ("get", "/api/v1/adjudication/{case_id}/"): ("adjudication_retrieve", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/answer-notice/"): ("adjudication_answer_notice", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/answers/"): ("adjudication_answer", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/answers/{answer_id}/forward/"): (
        "adjudication_answer_forward", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/decision/"): ("adjudication_decision_draft", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/decision/approval/"): ("adjudication_decision_approval", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/evidence/"): ("adjudication_evidence_create", "adjudication"),
    ("get", "/api/v1/adjudication/{case_id}/evidence/{evidence_id}/download/"): (
        "adjudication_evidence_download", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/evidence/{evidence_id}/visibility/"): (
        "adjudication_evidence_visibility", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/extension/"): ("adjudication_extension", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/extension/decision/"): ("adjudication_extension_decision", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/filing-decision/"): ("adjudication_filing_decision", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/final/"): ("adjudication_final", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/hearings/"): ("adjudication_hearing", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/hearings/{hearing_id}/adjourn/"): (
        "adjudication_hearing_adjourn", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/hearings/{hearing_id}/record/"): (
        "adjudication_hearing_record", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/mediation/"): ("adjudication_mediation", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/mediation/end/"): ("adjudication_mediation_end", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/panel/"): ("adjudication_panel", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/performance/"): ("adjudication_performance", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/questions/"): ("adjudication_question", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/questions/{question_id}/withdraw/"): (
        "adjudication_question_withdraw", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/recusals/"): ("adjudication_recusal_raise", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/recusals/{recusal_id}/decision/"): (
        "adjudication_recusal_decision", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/resumption/"): ("adjudication_resumption", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/review/"): ("adjudication_review", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/services/"): ("adjudication_serve", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/services/{service_id}/receipt/"): ("adjudication_receipt", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/suit/"): ("adjudication_suit", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/suspension/"): ("adjudication_suspension", "adjudication"),
    ("post", "/api/v1/adjudication/{case_id}/suspension/decision/"): (
        "adjudication_suspension_decision", "adjudication"),
    ("get", "/api/v1/adjudication/questions/{question_id}/"): ("adjudication_question_retrieve", "adjudication"),
    ("post", "/api/v1/adjudication/questions/{question_id}/opinion/"): ("adjudication_opinion", "adjudication"),
    ("get", "/api/v1/adjudication/queue/"): ("adjudication_queue", "adjudication"),
    # 诉调对接: the court's own system (docs/docking-api.md)
    ("get", "/api/v1/docking/cases/{case_id}/documents/{document_id}/download/"):
        ("docking_document_download", "docking"),
    ("get", "/api/v1/docking/cases/{case_id}/evidence/{evidence_id}/download/"):
        ("docking_evidence_download", "docking"),
    ("get", "/api/v1/docking/cases/{case_id}/status/"):
        ("docking_case_status", "docking"),
    ("get", "/api/v1/docking/confirmations/"):
        ("docking_confirmations_list", "docking"),
    ("get", "/api/v1/docking/confirmations/{case_id}/"):
        ("docking_confirmations_retrieve", "docking"),
    ("post", "/api/v1/docking/confirmations/{case_id}/accept/"):
        ("docking_confirmations_accept", "docking"),
    ("post", "/api/v1/docking/confirmations/{case_id}/ruling/"):
        ("docking_confirmations_rule", "docking"),
    ("get", "/api/v1/docking/delegations/"):
        ("docking_delegations_list", "docking"),
    ("post", "/api/v1/docking/delegations/"):
        ("docking_delegations_create", "docking"),
    ("get", "/api/v1/docking/delegations/{case_id}/"):
        ("docking_delegations_retrieve", "docking"),
    ("get", "/api/v1/docking/transfers/"):
        ("docking_transfers_list", "docking"),
    ("get", "/api/v1/docking/transfers/{case_id}/"):
        ("docking_transfers_retrieve", "docking"),
    ("post", "/api/v1/docking/transfers/{case_id}/acknowledge/"):
        ("docking_transfers_acknowledge", "docking"),
    ("post", "/api/v1/docking/transfers/{case_id}/docket/"):
        ("docking_transfers_docket", "docking"),
    ("post", "/api/v1/docking/transfers/{case_id}/outcome/"):
        ("docking_transfers_outcome", "docking"),
    ("get", "/api/v1/docking/transfers/{case_id}/package.pdf"):
        ("docking_transfers_package_pdf", "docking"),
    ("get", "/api/v1/docking/transfers/{case_id}/package.zip"):
        ("docking_transfers_package_zip", "docking"),
}


# Writes whose URL says everything (the court signs for / accepts the case named in it): no body.
NO_BODY = {"docking_transfers_acknowledge", "docking_confirmations_accept"}


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
        if method == "post" and op["operationId"] not in NO_BODY:
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
