"""Garbage in, a 4xx out: wrong types, nested nulls, huge strings, bad JSON, wrong content types.
Never a 500, always a JSON answer."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseStatus
from tests.api.conftest import PDF, case_with_respondent_user
from tests.factories import make_case
from workflows import router

FIELDS = ("route", "note", "items", "grounds", "reason_text", "answer_text", "reason", "agreed", "applicant",
          "respondents", "ip_rights", "dispute_type", "industry", "facts", "claims", "amount_in_dispute",
          "knowledge_date", "court_docketed", "preferred_route", "username", "password")
BIG = "长" * 400_000  # 1.2 MB of UTF-8 per field, under the 5 MB request limit in total

JSON_BODIES = [
    b"{not json", b"\xff\xfe\x00garbage", b'"a string"', b"123", b"null", b"[]", b"[null]", b"true",
    b'{"route": NaN, "agreed": Infinity}', b"[" * 50_000 + b"]" * 50_000, b'{"a":' * 5000 + b"1" + b"}" * 5000,
    json.dumps(dict.fromkeys(FIELDS)).encode(),
    json.dumps({
        "route": {"a": 1}, "note": [], "items": {"a": 1}, "grounds": 5, "reason_text": {}, "answer_text": [],
        "reason": ["x"], "agreed": {}, "applicant": [], "respondents": "x", "ip_rights": {}, "dispute_type": [],
        "industry": {"id": 1}, "facts": {}, "claims": 1.5e308, "amount_in_dispute": [], "knowledge_date": 20250101,
        "court_docketed": {}, "preferred_route": 7, "username": {}, "password": [],
    }).encode(),
    json.dumps({
        "applicant": {"kind": None, "name": None, "id_number": {"x": None}}, "respondents": [None, {"kind": None}],
        "ip_rights": [None, {"kind": ["x"], "number": {}}], "items": [None, ["claims"]], "grounds": [None],
        "route": None, "agreed": None, "reason": None, "answer_text": None, "note": None, "username": None,
    }).encode(),
    json.dumps({"note": BIG[:2001], "reason": BIG[:501], "answer_text": BIG[:2001], "reason_text": BIG[:2001],
                "facts": BIG, "claims": BIG[:5001], "username": BIG[:300], "route": BIG[:100],
                "agreed": "x", "items": [BIG[:100]], "grounds": [BIG[:100]], "applicant": {"name": BIG[:101]},
                "respondents": [{"name": "x"}] * 5000}).encode(),
    json.dumps({"agreed": "x", "route": "\ud800", "industry": "\ud800", "items": ["\x00"], "note": "\x00",
                "reason": "\ud800", "answer_text": "\x00", "reason_text": "\ud800", "username": "\ud800",
                "password": "x"}).encode("utf-8", "surrogatepass"),
    b'{"agreed": "x", "note": "' + b"x" * (6 * 1024 * 1024) + b'"}',
]
OTHER_CONTENT = [
    ("text/plain", b"route=mediation"),
    ("application/xml", b"<route>mediation</route>"),
    ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=\"route\"\r\n\r\nmediation\r\n--x--"),
    ("multipart/form-data; boundary=x", b"garbage"),
    ("application/json; charset=utf-16", b'{"route": "mediation"}'),
    ("application/json; charset=nonsense", b'{"agreed": "x", "reason": [], "answer_text": [], "route": []}'),
    ("", b"\x00\x01"),
]
ALLOWED = {400, 403, 404, 409, 413, 415, 422, 429}


@pytest.fixture
def world(api, alice, clerk, respondent_user, centre, chain):
    submitted = make_case(organization=centre, applicant_user=alice)
    mediation = case_with_respondent_user(organization=centre, applicant_user=alice, respondent_user=respondent_user)
    router.accept_complaint(actor=clerk, case=mediation, route="mediation")
    return {"submitted": submitted, "mediation": mediation, "alice": alice, "clerk": clerk,
            "respondent": respondent_user}


def _endpoints(world):
    s, m = world["submitted"].pk, world["mediation"].pk
    return [
        ("/api/v1/auth/token/", None),
        ("/api/v1/complaints/", world["alice"]),
        (f"/api/v1/intake/{s}/accept/", world["clerk"]),
        (f"/api/v1/intake/{s}/supplement/", world["clerk"]),
        (f"/api/v1/intake/{s}/refuse/", world["clerk"]),
        (f"/api/v1/cases/{s}/supplement-answer/", world["alice"]),
        (f"/api/v1/cases/{m}/withdraw/", world["alice"]),
        (f"/api/v1/cases/{m}/next-route/", world["alice"]),
        (f"/api/v1/cases/{m}/consent/", world["respondent"]),
        (f"/api/v1/cases/{s}/evidence/", world["alice"]),
    ]


def _check(response, what):
    assert response.status_code in ALLOWED, (what, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), what


@pytest.mark.django_db
def test_garbage_json_never_breaks_an_endpoint(api, world):
    for url, user in _endpoints(world):
        api.force_authenticate(user)
        for body in JSON_BODIES:
            _check(api.generic("POST", url, body, content_type="application/json"), (url, body[:60]))
        for content_type, body in OTHER_CONTENT:
            _check(api.generic("POST", url, body, content_type=content_type), (url, content_type))
    world["submitted"].refresh_from_db()
    world["mediation"].refresh_from_db()
    assert world["submitted"].status == CaseStatus.SUBMITTED
    assert world["mediation"].status == CaseStatus.MEDIATION_CONSENT
    assert world["submitted"].evidence.count() == 0


@pytest.mark.django_db
def test_wrong_methods_are_405(api, world):
    api.force_authenticate(world["clerk"])
    assert api.get(f"/api/v1/intake/{world['submitted'].pk}/accept/").status_code == 405
    assert api.put("/api/v1/cases/", {}, format="json").status_code == 405
    assert api.delete(f"/api/v1/cases/{world['submitted'].pk}/").status_code == 405


@pytest.mark.django_db
def test_garbage_in_paths_and_queries(api, world):
    api.force_authenticate(world["clerk"])
    for url in ("/api/v1/intake/queue/?after=abc", "/api/v1/intake/queue/?before=" + "9" * 30,
                f"/api/v1/cases/{2**63}/", f"/api/v1/evidence/{2**64}/download/", "/api/v1/cases/0/",
                "/api/v1/cases/?status=submitted&status=%ff", "/api/v1/cases/?tier=%ff%fe"):
        _check(api.get(url), url)
    # A cursor this list did not sign is a 400 with the reason, never a 500.
    response = api.get("/api/v1/cases/?after=%00")
    assert response.status_code == 400 and "分页参数无效" in str(response.json())
    response = api.post(f"/api/v1/intake/{10**40}/accept/", {"route": "mediation"}, format="json")
    assert response.status_code == 404


@pytest.mark.django_db
def test_multipart_garbage_on_the_evidence_endpoint(api, world):
    api.force_authenticate(world["alice"])
    url = f"/api/v1/cases/{world['submitted'].pk}/evidence/"
    for data in ({"file": ["a", "b"]}, {"description": "无文件"}, {"file": SimpleUploadedFile("x" * 300 + ".pdf", PDF)},
                 {"file": SimpleUploadedFile("\u202efdp.exe", PDF)}):
        _check(api.post(url, data, format="multipart"), data)
    assert world["submitted"].evidence.count() == 0
