"""The station's 委派/委托调解 pages: the form that creates a delegated case, and the delegations queue."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from cases.models import Case, CaseStatus, Party
from mediation.models import CourtDelegation
from tests.factories import credit_code, id_number
from workflows import router

pytestmark = pytest.mark.django_db

NEW = "workflows:tribunal:delegation_new"
QUEUE = "workflows:tribunal:delegations"


def _form(**overrides):
    data = {
        "d-court_reference": "（2026）渝0120民诉前调101号", "d-kind": "entrusted", "d-simple_procedure": "on",
        "d-dispute_type": "infringement", "d-industry": "", "d-amount_in_dispute": "50,000",
        "d-facts": "被告在电商平台销售带有原告注册商标的箱包。", "d-claims": "停止侵权，赔偿损失五万元。",
        "applicant-kind": "organization", "applicant-name": "重庆某新能源科技有限公司",
        "applicant-identifier": credit_code(), "applicant-legal_representative": "陈某",
        "applicant-phone": "023-41234567", "applicant-address": "重庆市璧山区璧泉街道",
        "respondents-TOTAL_FORMS": "2", "respondents-INITIAL_FORMS": "0",
        "respondents-MIN_NUM_FORMS": "0", "respondents-MAX_NUM_FORMS": "10",
        "respondents-0-kind": "person", "respondents-0-name": "刘某", "respondents-0-identifier": id_number(),
        "respondents-0-phone": "13911112222", "respondents-0-address": "重庆市璧山区青杠街道",
        "respondents-1-kind": "person",
        "rights-TOTAL_FORMS": "2", "rights-INITIAL_FORMS": "0", "rights-MIN_NUM_FORMS": "0",
        "rights-MAX_NUM_FORMS": "10",
        "rights-0-kind": "trademark", "rights-0-number": "12345678", "rights-0-title": "某某商标",
        "rights-0-holder": "重庆某新能源科技有限公司",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_clerk_creates_an_entrusted_case_through_the_form(client, court):
    client.force_login(court.court_clerk)
    page = client.get(reverse(NEW))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'for="id_d-court_reference"' in html and 'for="id_applicant-identifier"' in html
    response = client.post(reverse(NEW), _form())
    assert response.status_code == 302 and response.url == reverse(QUEUE)
    delegation = CourtDelegation.objects.select_related("case").get()
    case = delegation.case
    assert delegation.court_reference == "（2026）渝0120民诉前调101号" and delegation.kind == "entrusted"
    assert delegation.simple_procedure and delegation.station == court.station
    assert delegation.due_date == case.deadlines.get(kind="mediation_limit").due_date
    assert case.deadlines.get(kind="mediation_limit").length == 7
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT and case.organization == court.committee
    assert case.amount_in_dispute == 50000 and case.ip_rights.get().number
    applicant = case.parties.get(role=Party.PartyRole.APPLICANT)
    assert applicant.kind == "organization" and applicant.credit_code and applicant.legal_representative == "陈某"
    assert list(case.parties.filter(role=Party.PartyRole.RESPONDENT).values_list("name", flat=True)) == ["刘某"]
    queue = client.get(response.url).content.decode()
    assert "（2026）渝0120民诉前调101号" in queue and case.number in queue and "调解中" in queue


@pytest.mark.parametrize("overrides, field, message", [
    ({"d-court_reference": ""}, "d-court_reference", "请填写法院案号"),
    ({"applicant-identifier": "500227198503121234"}, "applicant-identifier", ""),
    ({"respondents-0-phone": "12345"}, "respondents-0-phone", ""),
    ({"respondents-0-name": "", "respondents-0-identifier": "", "respondents-0-phone": "",
      "respondents-0-address": ""}, None, "请至少填写一名被申请人"),
    ({"d-kind": "delegated"}, "d-simple_procedure", "简易程序只适用于立案后的委托调解"),
    ({"rights-0-kind": "invention_patent", "rights-0-number": "not a patent"}, "rights-0-number", ""),
    ({"d-amount_in_dispute": "-5"}, "d-amount_in_dispute", "金额不能为负数"),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, court, overrides, field, message):
    client.force_login(court.court_clerk)
    before = Case.objects.count()
    response = client.post(reverse(NEW), _form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    if field:
        form_field = response.context["forms"]
        errors = {f"d-{k}": v for k, v in form_field.main.errors.items()}
        errors |= {f"applicant-{k}": v for k, v in form_field.applicant.errors.items()}
        for i, sub in enumerate(form_field.respondents.forms):
            errors |= {f"respondents-{i}-{k}": v for k, v in sub.errors.items()}
        for i, sub in enumerate(form_field.rights.forms):
            errors |= {f"rights-{i}-{k}": v for k, v in sub.errors.items()}
        assert field in errors, errors
        assert "field-invalid" in html
    assert message in html
    assert Case.objects.count() == before and not CourtDelegation.objects.exists()


def test_a_service_error_lands_on_its_field(client, court, monkeypatch):
    """An error only the service finds (a duplicate reference rejected by ``case_create``) is shown, nothing saved."""
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"parties[1].phone": ["电话号码有误。"], "ip_rights[0].title": ["名称有误。"]})

    monkeypatch.setattr(router.mediation, "mediation_open_delegated", refuse)
    client.force_login(court.court_clerk)
    response = client.post(reverse(NEW), _form())
    assert response.status_code == 400
    forms = response.context["forms"]
    assert forms.respondents.forms[0].errors["phone"] == ["电话号码有误。"]
    assert forms.rights.forms[0].errors["title"] == ["名称有误。"]
    assert not Case.objects.filter(source="court_entrusted").exists()


def _delegate(court, reference, kind="delegated"):
    parties = [
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": id_number()},
        {"role": "respondent", "kind": "organization", "name": "重庆某某机械有限公司", "credit_code": credit_code()},
    ]
    return router.delegate_to_mediation(actor=court.court_clerk, station=court.station, court_reference=reference,
                                        kind=kind, parties=parties, facts="事实", claims="请求")


def test_queue_lists_pending_first_with_overdue_flag_results_and_returned_materials(client, court):
    from mediation import services as med_services

    failed = _delegate(court, "（2026）渝0120民诉前调1号")
    med_services.mediation_claim(actor=court.generalist, case=failed)
    router.terminate_mediation(actor=court.generalist, case=failed, reason="no_agreement")
    late = _delegate(court, "（2026）渝0120民诉前调2号")
    CourtDelegation.objects.filter(case=late).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    fresh = _delegate(court, "（2026）渝0120民初3号", kind="entrusted")
    client.force_login(court.judge)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    assert [d.case_id for d in response.context["pending"]] == [late.pk, fresh.pk]
    assert [d.overdue for d in response.context["pending"]] == [True, False]
    assert [d.case_id for d in response.context["done"]] == [failed.pk]
    html = response.content.decode()
    assert html.index("渝0120民诉前调2号") < html.index("渝0120民初3号") < html.index("渝0120民诉前调1号")
    assert "已逾期" in html and "调解不成" in html and "终止调解通知书" in html
    done = response.context["done"][0]
    with translation.override("zh-hans"):  # the page's language and date format (30135cc)
        returned = date_format(timezone.localtime(done.materials_returned_at), "DATE_FORMAT")
    assert done.materials_returned_at and returned in html
    assert reverse("documents:download", args=[done.result_document_id]) in html
    queue = client.get(reverse("workflows:tribunal:queue")).content.decode()
    assert "2 件调解中" in queue and "1 件逾期" in queue and reverse(QUEUE) in queue and reverse(NEW) in queue


@pytest.mark.parametrize("who", ["applicant", "mediator", "centre_clerk"])
def test_only_station_staff_open_the_delegation_pages(client, court, people, who):
    user = {"applicant": people.applicant, "mediator": court.expert, "centre_clerk": court.clerk}[who]
    client.force_login(user)
    assert client.get(reverse(QUEUE)).status_code == 403
    assert client.post(reverse(NEW), _form()).status_code == 403
    assert not CourtDelegation.objects.exists()


def test_reported_delegations_show_the_total_not_the_rows_of_the_page(client, court):
    """More reported delegations than a page: "共 N 件" counts them all, the second page has the rest."""
    from cases.pagination import PAGE_SIZE

    cases = [_delegate(court, f"（2026）渝0120民诉前调{200 + i}号") for i in range(PAGE_SIZE + 2)]
    # The committee's reports (their documents are not what this page is about).
    CourtDelegation.objects.filter(case__in=cases).update(result=CourtDelegation.Result.FAILED,
                                                          reported_at=timezone.now())
    client.force_login(court.court_clerk)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    assert len(response.context["done"]) == PAGE_SIZE
    html = response.content.decode()
    assert f"共 {PAGE_SIZE + 2} 件" in html and f"共 {PAGE_SIZE} 件" not in html
    second = client.get(reverse(QUEUE) + response.context["done"].next_href)
    assert len(second.context["done"]) == 2 and f"共 {PAGE_SIZE + 2} 件" in second.content.decode()
