"""速裁 REST API: every action, with 403 (role), 404 (invisible), 409 (state) and 400 (fields)."""
from datetime import date, timedelta

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from cases.adjudication.models import Answer, Hearing, TechnicalQuestion
from cases.models import CaseStatus, Organization, Role, Tier
from cases.services.organizations import organization_create
from tests.adjudication.conftest import all_ok, applicant, respondent
from tests.factories import staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def api():
    return APIClient()


def as_(api, user):
    api.force_authenticate(user)
    return api


def base(case):
    return f"/api/v1/adjudication/{case.pk}/"


def test_the_whole_flow_through_the_api(api, office_chain, adj_case, respondent_user, applicant_user):
    ch = office_chain
    case = adj_case()
    b = base(case)

    r = as_(api, ch.officer).get(b)
    assert r.status_code == 200
    assert [step["title"] for step in r.data["next_steps"]] == ["立案审查"]
    assert r.data["case"]["status"] == CaseStatus.ADJUDICATION_REVIEW

    r = api.post(b + "review/", {"checks": all_ok(), "proposal": "file"}, format="json")
    assert r.status_code == 200, r.data
    assert r.data["reviews"][0]["state"] == "pending"
    assert as_(api, ch.officer).post(b + "filing-decision/", {"approve": True}, format="json").status_code == 403
    r = as_(api, ch.chief).post(b + "filing-decision/", {"approve": True}, format="json")
    assert r.status_code == 200 and r.data["case"]["number"] == "（2026）璧市监知裁字第0001号"
    assert {s["title"] for s in r.data["next_steps"]} == {"指定合议组", "送达答辩通知书"}

    r = api.post(b + "panel/", {"members": [ch.officer.pk, ch.officer2.pk, ch.officer3.pk],
                                "presiding": ch.officer.pk}, format="json")
    assert r.status_code == 200 and len(r.data["panel"]) == 3

    r = as_(api, ch.officer).post(b + "answer-notice/", {"method": "in_app"}, format="json")
    assert r.status_code == 200
    assert as_(api, ch.officer).post(b + "answer-notice/", {"method": "in_app"}, format="json").status_code == 409

    # The respondent answers through the API; the applicant may not.
    assert as_(api, applicant_user).post(b + "answers/", {"text": "x"}, format="json").status_code == 403
    r = as_(api, respondent_user).post(b + "answers/", {"text": "不侵权。"}, format="json")
    assert r.status_code == 200 and r.data["answers"][0]["channel"] == "api"
    assert r.data["next_steps"] == []  # parties do not see the staff's tasks
    answer = Answer.objects.get()
    r = as_(api, ch.officer).post(b + f"answers/{answer.pk}/forward/", {}, format="json")
    assert r.status_code == 200 and r.data["answers"][0]["forwarded_at"]

    # Evidence, confidential for the panel only.
    upload = SimpleUploadedFile("成本核算.pdf", PDF, content_type="application/pdf")
    r = as_(api, respondent_user).post(b + "evidence/", {"file": upload, "confidential": "true", "reason": "商业秘密"},
                                       format="multipart")
    assert r.status_code == 201
    secret = [e for e in r.data["evidence"] if e["name"] == "成本核算.pdf"][0]
    assert secret["confidential"]
    r = as_(api, applicant_user).get(b)
    assert "成本核算.pdf" not in [e["name"] for e in r.data["evidence"]]
    assert api.get(secret["download_url"]).status_code == 404
    r = as_(api, ch.officer).get(b)
    assert "成本核算.pdf" in [e["name"] for e in r.data["evidence"]]

    # Technical investigation.
    r = as_(api, ch.officer2).post(b + "questions/", {"investigator": ch.investigator.pk, "questions": "结构是否相同？",
                                                      "evidence": [secret["id"]]}, format="json")
    assert r.status_code == 200
    question = TechnicalQuestion.objects.get()
    r = as_(api, ch.investigator).get(f"/api/v1/adjudication/questions/{question.pk}/")
    assert r.status_code == 200 and r.data["evidence"][0]["name"] == "成本核算.pdf"
    assert api.get(r.data["evidence"][0]["download_url"]).status_code == 200
    assert api.get(b).status_code == 403  # nothing else of the case
    r = api.post(f"/api/v1/adjudication/questions/{question.pk}/opinion/", {"opinion": "相同。"}, format="json")
    assert r.status_code == 200 and r.data["state"] == "answered"

    # Hearing.
    when = timezone.localtime() + timedelta(days=10)
    while when.weekday() >= 5:
        when += timedelta(days=1)
    r = as_(api, ch.officer).post(b + "hearings/", {"scheduled_at": when.isoformat(), "place": "审理室"},
                                  format="json")
    assert r.status_code == 200, r.data
    hearing = Hearing.objects.get()
    r = api.post(b + f"hearings/{hearing.pk}/adjourn/", {"reason": "当事人申请延期"}, format="json")
    assert r.status_code == 200 and r.data["hearings"][0]["state"] == "adjourned"

    # Suspension and resumption.
    r = as_(api, respondent_user).post(b + "suspension/", {
        "invalidation_number": "4W9", "invalidation_accepted_on": str(timezone.localdate()), "reason": "已请求无效"},
        format="json")
    assert r.status_code == 200
    r = as_(api, ch.chief).post(b + "suspension/decision/", {"grant": True}, format="json")
    assert r.status_code == 200 and r.data["case"]["status"] == CaseStatus.ADJUDICATION_SUSPENDED
    assert api.post(b + "suspension/decision/", {"grant": True}, format="json").status_code == 409
    r = as_(api, ch.officer).post(b + "resumption/", {"reason": "已维持有效"}, format="json")
    assert r.status_code == 200 and r.data["case"]["status"] == CaseStatus.ADJUDICATING

    # Extension.
    r = api.post(b + "extension/", {"reason": "复杂"}, format="json")
    assert r.status_code == 200
    before = [d for d in r.data["deadlines"] if d["kind"] == "adjudication_limit"][0]["due_date"]
    r = as_(api, ch.chief).post(b + "extension/decision/", {"approve": True}, format="json")
    after = [d for d in r.data["deadlines"] if d["kind"] == "adjudication_limit"][0]["due_date"]
    assert r.status_code == 200 and after > before

    # Mediation of damages, without agreement.
    assert as_(api, ch.officer).post(b + "mediation/", {}, format="json").status_code == 200
    r = api.post(b + "mediation/end/", {"agreed": False}, format="json")
    assert r.status_code == 400 and "note" in r.data
    assert api.post(b + "mediation/end/", {"agreed": False, "note": "分歧大"}, format="json").status_code == 200

    # Decision.
    draft = {"infringement_found": True, "acts": ["make", "sell"], "facts": "事实", "reasoning": "理由", "submit": True}
    assert as_(api, ch.officer4).post(b + "decision/", draft, format="json").status_code == 403  # not on the panel
    r = as_(api, ch.officer).post(b + "decision/", draft, format="json")
    assert r.status_code == 200 and r.data["decision"]["state"] == "submitted"
    assert "赔偿" not in r.data["decision"]["order"]
    r = as_(api, ch.chief).post(b + "decision/approval/", {"approve": True}, format="json")
    assert r.status_code == 200 and r.data["case"]["status"] == CaseStatus.ADJUDICATION_DECIDED
    document = r.data["decision"]["document"]

    # Service of the decision on both parties, then the suit.
    for party in (applicant(case), respondent(case)):
        r = as_(api, ch.officer).post(b + "services/", {"document": document, "party": party.pk, "method": "in_app"},
                                      format="json")
        assert r.status_code == 200, r.data
    window = [d for d in r.data["deadlines"] if d["kind"] == "adjudication_suit_window"]
    assert window and window[0]["state"] == "running"
    assert as_(api, ch.officer).post(b + "final/", {}, format="json").status_code == 409  # the window runs
    r = as_(api, applicant_user).post(b + "suit/", {"court": "重庆市第一中级人民法院",
                                                    "filed_on": str(timezone.localdate())}, format="json")
    assert r.status_code == 200, r.data
    case.refresh_from_db()
    assert case.tier == Tier.TRIBUNAL and case.status == CaseStatus.TRANSFERRED


def test_queue_api_by_role(api, office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    r = as_(api, ch.officer).get("/api/v1/adjudication/queue/")
    assert r.status_code == 200 and [c["id"] for c in r.data["review"]] == [case.pk]
    assert r.data["review"][0]["next_steps"][0]["title"] == "立案审查"
    assert "approvals" not in r.data
    api.post(base(case) + "review/", {"checks": all_ok(), "proposal": "file"}, format="json")
    r = as_(api, ch.chief).get("/api/v1/adjudication/queue/")
    assert [c["id"] for c in r.data["approvals"]] == [case.pk]
    r = as_(api, ch.investigator).get("/api/v1/adjudication/queue/")
    assert r.status_code == 200 and r.data["questions"] == []
    assert as_(api, ch.clerk).get("/api/v1/adjudication/queue/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/v1/adjudication/queue/").status_code == 401


def test_errors_403_404_409_400(api, office_chain, adj_case, applicant_user):
    ch = office_chain
    case = adj_case()
    b = base(case)
    other = organization_create(name="长寿区市场监督管理局", kind=Organization.Kind.IP_OFFICE,
                                district=ch.district, number_abbr="长市监知裁")
    stranger = staff(Role.ENFORCEMENT_OFFICER, other)
    assert as_(api, stranger).get(b).status_code == 404
    assert api.post(b + "review/", {"checks": all_ok(), "proposal": "file"}, format="json").status_code == 404
    assert as_(api, ch.officer).get("/api/v1/adjudication/99999999/").status_code == 404
    assert api.get(f"/api/v1/adjudication/{2**63}/").status_code == 404
    assert as_(api, applicant_user).post(b + "review/", {"checks": all_ok(), "proposal": "file"},
                                         format="json").status_code == 403
    # 400: field errors in Chinese, nothing saved
    r = as_(api, ch.officer).post(b + "review/", {"checks": all_ok(scope=False) | {"scope": {"ok": False}},
                                                  "proposal": "refuse"}, format="json")
    assert r.status_code == 400 and "请写明审查说明" in str(r.data)
    r = api.post(b + "review/", {"checks": all_ok(), "proposal": "maybe"}, format="json")
    assert r.status_code == 400 and "proposal" in r.data
    r = api.post(b + "review/", "not json", content_type="application/json")
    assert r.status_code == 400
    assert not case.adjudication.reviews.exists()
    # 409: not in a state that allows it
    r = api.post(b + "panel/", {"members": [ch.officer.pk], "presiding": ch.officer.pk}, format="json")
    assert r.status_code == 403  # the officer is not the chief
    r = as_(api, ch.chief).post(b + "panel/", {"members": [ch.officer.pk, ch.officer2.pk, ch.officer3.pk],
                                               "presiding": ch.officer.pk}, format="json")
    assert r.status_code == 409 and r.data["code"] == "status" and "不能进行此操作" in r.data["detail"]
    r = api.post(b + "filing-decision/", {"approve": True}, format="json")
    assert r.status_code == 409 and r.data["detail"] == "没有待审批的立案审查意见。"


def test_schema_documents_every_adjudication_operation(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(path))
    schema = yaml.safe_load(path.read_text(encoding="utf-8"))
    ops = {(m, p): op for p, item in schema["paths"].items() for m, op in item.items()
           if p.startswith("/api/v1/adjudication/")}
    assert len(ops) == 34
    for (method, path_), op in ops.items():
        assert op["tags"] == ["adjudication"], path_
        assert op["operationId"].startswith("adjudication_"), path_
        assert op["summary"] and op.get("description"), path_
        if method == "post":
            assert "requestBody" in op, path_
            assert {"403", "404"} <= set(op["responses"]), path_
    assert ("post", "/api/v1/adjudication/{case_id}/suit/") in ops
    assert schema["components"]["schemas"]["AdjReview"]["properties"]["proposal"]


def test_a_date_in_the_future_or_garbage_is_a_400(api, office_chain, adj_case, drive, respondent_user):
    case = drive.file(adj_case())
    b = base(case)
    r = as_(api, respondent_user).post(b + "suspension/", {
        "invalidation_number": "4W9", "invalidation_accepted_on": str(date.today() + timedelta(days=3)),
        "reason": "x"}, format="json")
    assert r.status_code == 400 and "不能晚于今天" in str(r.data)
    r = api.post(b + "suspension/", {"invalidation_number": "4W9", "invalidation_accepted_on": "昨天",
                                     "reason": "x"}, format="json")
    assert r.status_code == 400
    assert not case.adjudication.suspensions.exists()
