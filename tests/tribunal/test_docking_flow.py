"""The court system through the docking API, on the real chain: transfers signed for, docketed and closed
with a judgment PDF; a judicial confirmation accepted and ruled; delegated cases created and read back."""
import datetime
import hashlib

import pytest
from django.utils import timezone

from cases.models import CaseEvent, CaseStatus, Notification
from cases.tribunal.models import ConfirmationRuling, CourtStage, DockingCall
from mediation import services as med_services
from mediation.models import CourtDelegation
from tests.factories import credit_code, id_number
from tests.mediation.conftest import PASSWORD
from tests.tribunal.conftest import PDF, confirmation_filed, failed_to_court, pdf_file
from tests.tribunal.docking_helpers import BASE, court_system
from workflows import router

pytestmark = pytest.mark.django_db


def _download(api, url) -> bytes:
    response = api.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def test_transfer_listed_acknowledged_docketed_and_closed_with_a_judgment(court, people):
    case = failed_to_court(court, people)
    client, _token, api = court_system(court.station)

    listing = api.get(f"{BASE}/transfers/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [case.pk]
    assert listing.json()["results"][0]["status"] == "transferred"
    assert listing.json()["results"][0]["stage"] is None

    detail = api.get(f"{BASE}/transfers/{case.pk}/").json()
    applicant = next(p for p in detail["parties"] if p["role"] == "applicant")
    assert applicant["id_number"] == case.parties.get(role="applicant").id_number  # identifiers:read
    assert detail["claims"] == case.claims and detail["documents"]
    for doc in detail["documents"]:  # every document downloads and matches its hash
        assert hashlib.sha256(_download(api, doc["download_url"])).hexdigest() == doc["sha256"]

    answer = api.post(f"{BASE}/transfers/{case.pk}/acknowledge/")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["stage"]["acknowledged_at"]
    assert api.post(f"{BASE}/transfers/{case.pk}/acknowledge/").status_code == 409  # signed for already

    assert api.post(f"{BASE}/transfers/{case.pk}/docket/", {"court_reference": ""}, format="json").json() == {
        "court_reference": ["该字段不能为空。"]}
    answer = api.post(f"{BASE}/transfers/{case.pk}/docket/", {"court_reference": "（2026）渝01知民初1号"},
                      format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "in_court"
    assert answer.json()["court_reference"] == "（2026）渝01知民初1号"

    bad = api.post(f"{BASE}/transfers/{case.pk}/outcome/",
                   {"outcome": "judgment", "decided_on": "2999-01-01", "summary": "判决", "document": pdf_file()},
                   format="multipart")
    assert bad.status_code == 400 and "decided_on" in bad.json()
    not_pdf = api.post(f"{BASE}/transfers/{case.pk}/outcome/",
                       {"outcome": "judgment", "decided_on": timezone.localdate().isoformat(), "summary": "判决",
                        "document": pdf_file("a.pdf", b"plain text, not a PDF")}, format="multipart")
    assert not_pdf.status_code == 400 and "document" in not_pdf.json()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_COURT and not case.evidence.filter(description="人民法院裁判文书").exists()

    answer = api.post(f"{BASE}/transfers/{case.pk}/outcome/",
                      {"outcome": "judgment", "decided_on": timezone.localdate().isoformat(),
                       "summary": "判决被告停止侵权并赔偿损失五万元。", "document": pdf_file()}, format="multipart")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] == "court_closed" and body["stage"]["outcome"] == "judgment"
    assert body["stage"]["outcome_file"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert _download(api, body["stage"]["outcome_file"]["download_url"]) == PDF
    case.refresh_from_db()
    assert case.status == CaseStatus.COURT_CLOSED
    assert CourtStage.objects.get(case=case).closed_by == client.acting_user
    assert Notification.objects.filter(case=case, subject="人民法院已结案").count() >= 2  # every party
    events = CaseEvent.objects.filter(case=case, actor=client.acting_user).values_list("kind", flat=True)
    assert {"tribunal_transfer_acknowledged", "tribunal_docketed", "tribunal_outcome_recorded"} <= set(events)

    status = api.get(f"{BASE}/cases/{case.pk}/status/").json()
    assert status["status"] == "court_closed" and status["court_reference"] == "（2026）渝01知民初1号"
    assert "tribunal_outcome_recorded" in [e["kind"] for e in status["events"]]
    calls = DockingCall.objects.filter(client=client, case_id=case.pk)
    assert calls.filter(operation_id="docking_transfers_outcome", status_code=200).count() == 1
    assert calls.filter(operation_id="docking_transfers_outcome", status_code=400).count() == 2


def test_transfer_filters_and_keyset_pages(court, people):
    cases = [failed_to_court(court, people) for _ in range(3)]
    _client, _token, api = court_system(court.station)
    api.post(f"{BASE}/transfers/{cases[0].pk}/acknowledge/")
    api.post(f"{BASE}/transfers/{cases[0].pk}/docket/", {"court_reference": "（2026）渝01知民初9号"}, format="json")
    assert [r["id"] for r in api.get(f"{BASE}/transfers/?status=in_court").json()["results"]] == [cases[0].pk]
    first = api.get(f"{BASE}/transfers/?page_size=2").json()
    assert [r["id"] for r in first["results"]] == [cases[2].pk, cases[1].pk]
    second = api.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [cases[0].pk] and second["next"] is None
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert api.get(f"{BASE}/transfers/", {"since": later}).json()["results"] == []
    assert api.get(f"{BASE}/transfers/?status=mediating").status_code == 400
    assert api.get(f"{BASE}/transfers/?since=yesterday").status_code == 400
    assert api.get(f"{BASE}/transfers/?page_size=1000").status_code == 400
    assert api.get(f"{BASE}/transfers/?cursor=garbage").status_code == 404


def test_confirmation_accepted_and_ruled_with_a_ruling_pdf(court, people):
    case = confirmation_filed(court, people)
    client, _token, api = court_system(court.station)
    listing = api.get(f"{BASE}/confirmations/?state=pending").json()["results"]
    assert [r["id"] for r in listing] == [case.pk] and listing[0]["ruling"] is None
    assert listing[0]["agreement"]["judicial_document"]["sha256"]
    detail = api.get(f"{BASE}/confirmations/{case.pk}/").json()
    assert detail["terms"].startswith("被申请人立即停止")

    assert api.post(f"{BASE}/confirmations/{case.pk}/ruling/", {"confirmed": True}, format="json").status_code == 409
    answer = api.post(f"{BASE}/confirmations/{case.pk}/accept/")
    assert answer.status_code == 200 and answer.json()["ruling"]["accepted_at"]
    assert [r["id"] for r in api.get(f"{BASE}/confirmations/?state=accepted").json()["results"]] == [case.pk]
    rejected_without_reasons = api.post(f"{BASE}/confirmations/{case.pk}/ruling/", {"confirmed": False},
                                        format="json")
    assert rejected_without_reasons.status_code == 400 and "reasons" in rejected_without_reasons.json()

    answer = api.post(f"{BASE}/confirmations/{case.pk}/ruling/",
                      {"confirmed": "true", "document": pdf_file("ruling.pdf")}, format="multipart")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["ruling"]["confirmed"] is True
    assert answer.json()["ruling"]["ruling_file"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    ruling = ConfirmationRuling.objects.get(case=case)
    assert ruling.ruled_by == client.acting_user and ruling.ruling_file is not None
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATED and case.organization == court.committee
    assert [r["id"] for r in api.get(f"{BASE}/confirmations/?state=ruled").json()["results"]] == [case.pk]
    assert Notification.objects.filter(case=case, subject="人民法院裁定确认调解协议有效").exists()


def _delegation_payload(people, reference, kind="delegated"):
    return {
        "court_reference": reference, "delegation_kind": kind,
        "applicants": [{"kind": "person", "name": "李明", "id_number": id_number(), "phone": "13812345678"}],
        "respondents": [{"kind": "organization", "name": "重庆某某机械有限公司", "credit_code": credit_code(),
                         "phone": "13987654321"}],
        "ip_rights": [{"kind": "trademark", "number": "", "title": "某某商标"}],
        "dispute_type": "infringement", "facts": "被告销售侵权产品。", "claims": "停止侵权，赔偿损失。",
    }


def _link_parties(case, people):
    """The parties sign in (as the invitation link does), so they can confirm the agreement."""
    case.parties.filter(role="applicant").update(user=people.applicant)
    case.parties.filter(role="respondent").update(user=people.respondent)
    from cases.services import case_grant_user

    for user in (people.applicant, people.respondent):
        case_grant_user(case=case, user=user)


def test_delegated_case_created_mediated_and_its_result_read_back(court, people):
    client, _token, api = court_system(court.station)
    bad = api.post(f"{BASE}/delegations/", {**_delegation_payload(people, ""), "delegation_kind": "x"},
                   format="json")
    assert bad.status_code == 400 and {"court_reference", "delegation_kind"} <= set(bad.json())
    assert not CourtDelegation.objects.exists()

    answer = api.post(f"{BASE}/delegations/", _delegation_payload(people, "（2026）渝0120民诉前调88号"), format="json")
    assert answer.status_code == 201, answer.json()
    case_id = answer.json()["case"]["id"]
    assert answer["Location"] == f"{BASE}/delegations/{case_id}/"
    assert answer.json()["result"] == "pending" and answer.json()["case"]["status"] == "mediation_assignment"
    delegation = CourtDelegation.objects.get(case_id=case_id)
    assert delegation.delegated_by == client.acting_user and delegation.station == court.station

    case = delegation.case
    _link_parties(case, people)
    med_services.mediation_claim(actor=court.expert, case=case)
    med_services.agreement_save(actor=court.expert, case=case, facts="事实", terms="被告停止销售侵权产品",
                                performance="即日停止", performance_due=timezone.localdate())
    med_services.agreement_issue(actor=court.expert, case=case)
    med_services.agreement_confirm(actor=people.applicant, case=case, password=PASSWORD)
    med_services.agreement_confirm(actor=people.respondent, case=case, password=PASSWORD)
    med_services.agreement_sign(actor=court.expert, case=case)
    med_services.agreement_seal(actor=court.director, case=case)

    result = api.get(f"{BASE}/delegations/{case_id}/").json()
    assert result["result"] == "mediated" and result["reported_at"]
    assert result["result_document"]["doc_type"] == "mediation_agreement"
    assert hashlib.sha256(_download(api, result["result_document"]["download_url"])).hexdigest() == \
        result["result_document"]["sha256"]
    assert [r["case"]["id"] for r in api.get(f"{BASE}/delegations/?result=mediated").json()["results"]] == [case_id]


def test_delegated_case_that_fails_returns_its_materials(court, people):
    _client, _token, api = court_system(court.station)
    answer = api.post(f"{BASE}/delegations/", _delegation_payload(people, "（2026）渝01知民初7号", "entrusted"),
                      format="json")
    case_id = answer.json()["case"]["id"]
    case = CourtDelegation.objects.get(case_id=case_id).case
    med_services.mediation_claim(actor=court.generalist, case=case)
    router.terminate_mediation(actor=court.generalist, case=case, reason="no_agreement")
    result = api.get(f"{BASE}/delegations/{case_id}/").json()
    assert result["result"] == "failed" and result["materials_returned_at"]
    assert result["result_document"]["doc_type"] == "mediation_termination"
    assert result["case"]["status"] == "transferred" and result["documents"]
    # Back at the station, the case is a transfer the court can sign for.
    assert case_id in [r["id"] for r in api.get(f"{BASE}/transfers/").json()["results"]]
    assert api.post(f"{BASE}/transfers/{case_id}/acknowledge/").status_code == 200


def test_transfer_package_zip_and_pdf(court, people):
    import io
    import zipfile

    from cases.tribunal import services as tribunal

    case = failed_to_court(court, people)
    client, _token, api = court_system(court.station)
    if not case.documents.filter(doc_type="transfer_letter").exists():
        assert api.get(f"{BASE}/transfers/{case.pk}/package.zip").status_code == 409  # no 移送函 yet
        tribunal.transfer_package_build(actor=court.court_clerk, case=case)
    answer = api.get(f"{BASE}/transfers/{case.pk}/package.zip")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    content = b"".join(answer.streaming_content)
    assert hashlib.sha256(content).hexdigest() == answer["X-Package-SHA256"]
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert "manifest.json" in names and "SHA256SUMS" in names
    pdf = api.get(f"{BASE}/transfers/{case.pk}/package.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    downloads = CaseEvent.objects.filter(case=case, kind="tribunal_package_downloaded", actor=client.acting_user)
    assert downloads.count() == 2
