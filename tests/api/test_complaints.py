"""POST /api/v1/complaints/: a complaint filed through case_create, with idempotency keys."""
import hashlib
import importlib
import json

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, CaseStatus, IdempotencyRecord, Industry, Organization, Party, Role
from tests.api.conftest import complaint_payload
from tests.concurrency import errors, race, values
from tests.factories import OrganizationFactory, staff
from tests.markers import postgres_only

URL = "/api/v1/complaints/"


@pytest.mark.django_db
def test_complaint_is_filed_with_the_default_districts_protection_centre(api, alice, centre, industry):
    OrganizationFactory(name="璧山区知识产权纠纷人民调解委员会", kind=Organization.Kind.MEDIATION_COMMITTEE,
                        district=centre.district)
    api.force_authenticate(alice)
    response = api.post(URL, complaint_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body["id"] == case.pk
    assert body["number"] == case.number and case.number
    assert body["status"] == CaseStatus.SUBMITTED and body["status_display"] == "待受理"
    assert body["tier"] == "intake"
    assert body["organization"] == centre.name
    assert body["url"] == f"/api/v1/cases/{case.pk}/"
    assert response["Location"] == body["url"]
    assert case.organization == centre and case.submitted_by == alice
    assert case.industry == industry
    assert str(case.amount_in_dispute) == "50000.00"
    applicant = case.parties.get(role=Party.PartyRole.APPLICANT)
    assert applicant.user == alice
    assert case.parties.filter(role=Party.PartyRole.RESPONDENT).count() == 1
    assert case.ip_rights.get().number.startswith("ZL")
    assert CaseEvent.objects.filter(case=case, kind="case_submitted", actor=alice).exists()
    assert not IdempotencyRecord.objects.exists()  # without a key nothing is kept for a replay
    # The applicant can now read it.
    assert api.get(body["url"]).status_code == 200


@pytest.mark.django_db
def test_industry_by_id_and_optional_fields_may_be_left_out(api, alice, centre, industry):
    api.force_authenticate(alice)
    payload = complaint_payload(industry=industry.pk)
    for field in ("amount_in_dispute", "knowledge_date", "court_docketed", "preferred_route", "ip_rights"):
        payload.pop(field)
    response = api.post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.industry == industry and case.amount_in_dispute is None and case.preferred_route == "mediation"


@pytest.mark.django_db
def test_only_complainants_may_file(api, centre, clerk):
    assert api.post(URL, complaint_payload(), format="json").status_code == 401
    api.force_authenticate(clerk)
    response = api.post(URL, complaint_payload(), format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_case_create_errors_come_back_under_its_keys_in_chinese(api, alice, centre, industry):
    api.force_authenticate(alice)
    payload = complaint_payload()
    payload["applicant"]["id_number"] = "500227198503120011"  # wrong check digit
    payload["respondents"][0]["credit_code"] = "91500227MA5U12345"  # 17 characters
    payload["ip_rights"][0]["number"] = "ZL202320123456.0"
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "居民身份证号码" in errors["parties[0].id_number"][0]
    assert "统一社会信用代码" in errors["parties[1].credit_code"][0]
    assert "专利申请号" in errors["ip_rights[0].number"][0]
    assert not Case.objects.exists() and not Party.objects.exists()


@pytest.mark.django_db
def test_person_with_a_credit_code_is_refused_by_the_model_rules(api, alice, centre):
    api.force_authenticate(alice)
    payload = complaint_payload(industry=None)
    payload["respondents"].append({"kind": "person", "name": "张三", "credit_code": "91500227MA5U123456"})
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["parties[2].credit_code"] == ["自然人不填写统一社会信用代码。"]


@pytest.mark.django_db
def test_serializer_errors_use_the_same_keys(api, alice, centre):
    api.force_authenticate(alice)
    payload = complaint_payload(industry=None)
    payload["applicant"].pop("name")
    payload["respondents"].append({"kind": "robot", "name": "X"})
    payload["ip_rights"][0]["kind"] = "patent"
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["parties[0].name"] == ["该字段是必填项。"]
    assert "“robot”不是有效的当事人类型" in errors["parties[2].kind"][0]
    assert "person（自然人）" in errors["parties[2].kind"][0]
    assert "“patent”不是有效的知识产权类型" in errors["ip_rights[0].kind"][0]
    assert "parties[1].kind" not in errors


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "needle"), [
    ("dispute_type", "piracy", "不是有效的纠纷类型"),
    ("preferred_route", "duel", "不是有效的希望的解决方式"),
    ("industry", "造船", "行业“造船”不存在"),
    ("industry", 999999, "不存在"),
    ("industry", 10**30, "不存在"),
    ("amount_in_dispute", "12万", "合法的数字"),
    ("amount_in_dispute", "-1", "大于或者等于 0"),
    ("amount_in_dispute", "1e400", "不超过 14 个数字"),
    ("amount_in_dispute", "0.001", "小数位"),
    ("knowledge_date", "2025-02-30", "日期格式错误"),
    ("knowledge_date", "2999-01-01", "不能晚于今天"),
    ("court_docketed", "maybe", "布尔"),
    ("respondents", [], "至少 1 个元素"),
    ("facts", "", "不能为空"),
    ("claims", "x" * 5001, "5000"),
])
def test_field_validation_in_chinese(api, alice, centre, industry, field, value, needle):
    api.force_authenticate(alice)
    response = api.post(URL, complaint_payload(**{field: value}), format="json")
    assert response.status_code == 400, response.content
    messages = " ".join(response.json()[field])
    assert needle in messages, messages
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_no_protection_centre_is_503(api, alice, roles, industry):
    api.force_authenticate(alice)
    response = api.post(URL, complaint_payload(), format="json")
    assert response.status_code == 503
    assert "保护中心" in response.json()["detail"]


@pytest.mark.django_db
def test_idempotency_key_replays_the_first_answer_and_creates_nothing(api, alice, centre, industry):
    api.force_authenticate(alice)
    payload = complaint_payload()
    headers = {"HTTP_IDEMPOTENCY_KEY": "7f0c2c1e-3b7a-4d39-9a8e-2f1b0c9d8e7a"}
    first = api.post(URL, payload, format="json", **headers)
    assert first.status_code == 201
    counts = (Case.objects.count(), Party.objects.count(), CaseEvent.objects.count())
    second = api.post(URL, payload, format="json", **headers)
    assert second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert second["Location"] == first["Location"]
    assert (Case.objects.count(), Party.objects.count(), CaseEvent.objects.count()) == counts == (1, 2, counts[2])
    record = IdempotencyRecord.objects.get()
    assert record.key == headers["HTTP_IDEMPOTENCY_KEY"] and record.user == alice
    # The key survives status changes: the replay is still the first answer.
    Case.objects.filter(pk=first.json()["id"]).update(status=CaseStatus.REFUSED)
    assert api.post(URL, payload, format="json", **headers).content == first.content
    # A new key files a new complaint.
    third = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="another-key")
    assert third.status_code == 201 and third.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_idempotency_keys_belong_to_their_user(api, alice, centre, industry):
    from tests.factories import complainant

    bob = complainant()
    payload = complaint_payload()
    api.force_authenticate(alice)
    mine = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    api.force_authenticate(bob)
    theirs = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert Case.objects.get(pk=theirs.json()["id"]).parties.get(role="applicant").user == bob


@pytest.mark.django_db
def test_same_key_with_a_different_body_is_refused(api, alice, centre, industry):
    api.force_authenticate(alice)
    assert api.post(URL, complaint_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    response = api.post(URL, complaint_payload(claims="另一项请求"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json() == {"detail": "该幂等键已用于另一份内容不同的请求；新的请求请使用新的幂等键。",
                                "code": "idempotency_key_reused"}
    english = api.post(URL, complaint_payload(claims="另一项请求"), format="json", HTTP_IDEMPOTENCY_KEY="k",
                       HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 422
    assert english.json()["detail"].startswith("This idempotency key was already used for a different request")
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_failed_request_does_not_burn_its_key(api, alice, centre, industry):
    api.force_authenticate(alice)
    bad = complaint_payload(dispute_type="nope")
    assert api.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 400
    assert api.post(URL, complaint_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "键", "a b"])
def test_malformed_idempotency_key_is_400(api, alice, centre, industry, key):
    api.force_authenticate(alice)
    response = api.post(URL, complaint_payload(), format="json", HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"))
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_inactive_industry_is_refused(api, alice, centre):
    Industry.objects.create(name="旧行业", active=False)
    api.force_authenticate(alice)
    response = api.post(URL, complaint_payload(industry="旧行业"), format="json")
    assert response.status_code == 400 and "industry" in response.json()


@pytest.mark.django_db
def test_sysadmin_is_not_refused_by_role(api, centre, industry):
    admin = staff(Role.SYSADMIN, centre)
    api.force_authenticate(admin)
    assert api.post(URL, complaint_payload(), format="json").status_code == 201


@pytest.mark.django_db
def test_keys_are_scoped_per_user_even_for_the_same_body(api, alice, centre, industry):
    """Bob sending Alice's key and body files his own complaint: nothing of Alice's is replayed to him."""
    from tests.factories import complainant

    payload = complaint_payload()
    api.force_authenticate(alice)
    mine = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    api.force_authenticate(complainant())
    theirs = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert theirs.json()["id"] != mine.json()["id"] and theirs.json()["number"] != mine.json()["number"]
    assert IdempotencyRecord.objects.filter(key="shared").count() == 2


@pytest.mark.django_db
def test_a_complaint_keyed_before_the_shared_table_still_replays(api, alice, centre, industry):
    """Complaints sent before migration cases 0008 kept their answer in an ``api_idempotency`` event
    that hashed the body alone: the migration copies it, and a retry of that body still replays."""
    api.force_authenticate(alice)
    payload = complaint_payload()
    first = api.post(URL, payload, format="json")
    case = Case.objects.get()
    body = json.dumps(first.json(), ensure_ascii=False)
    old_fingerprint = hashlib.sha256(json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    CaseEvent.objects.create(case=case, actor=alice, kind="api_idempotency", message="通过接口提交（幂等键）",
                             after={"key": "old-key", "fingerprint": old_fingerprint, "response": body})
    migration = importlib.import_module("cases.migrations.0008_idempotency_record")
    migration.copy_complaint_replays(apps, None)
    retry = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="old-key")
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert retry.content == first.content and retry["Location"] == f"/api/v1/cases/{case.pk}/"
    assert Case.objects.count() == 1
    other = api.post(URL, complaint_payload(claims="另一项请求"), format="json", HTTP_IDEMPOTENCY_KEY="old-key")
    assert other.status_code == 422 and Case.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_identical_complaints_at_once_file_one_case(alice, centre, industry):
    payload = complaint_payload()

    def send():
        api = APIClient()
        api.force_authenticate(alice)
        return api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="same-complaint")

    outcomes = race(send, send)
    assert errors(outcomes) == []
    answers = values(outcomes)
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].content == answers[1].content
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert Case.objects.count() == 1 and Party.objects.count() == 2
