"""The station's pages: queue, case page and its forms, the case panel, and who may not see them."""
import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus
from tests.tribunal.conftest import OUTSIDERS, confirmation_filed, failed_to_court, outsider, pdf_file

pytestmark = pytest.mark.django_db


def _post(client, case, name, data=None):
    return client.post(reverse("workflows:tribunal:action", args=[case.pk, name]), data or {})


def test_clerk_works_a_transfer_through_the_pages(client, court, people):
    case = failed_to_court(court, people)
    client.force_login(court.court_clerk)
    page = client.get(reverse("workflows:tribunal:queue"))
    assert page.status_code == 200 and case.number in page.content.decode()
    page = client.get(reverse("workflows:tribunal:case", args=[case.pk]))
    assert page.status_code == 200 and "签收移送的案件" in page.content.decode()
    assert _post(client, case, "acknowledge").status_code == 302
    bad = _post(client, case, "docket", {"docket-court_reference": ""})
    assert bad.status_code == 400 and "field-invalid" in bad.content.decode()
    assert _post(client, case, "docket", {"docket-court_reference": "(2026)渝01知民初9号"}).status_code == 302
    assert _post(client, case, "letter").status_code == 302
    bad = _post(client, case, "outcome", {"outcome-outcome": "judgment", "outcome-decided_on": "not a date",
                                          "outcome-summary": "判决"})
    assert bad.status_code == 400
    bad = client.post(reverse("workflows:tribunal:action", args=[case.pk, "outcome"]), {
        "outcome-outcome": "judgment", "outcome-decided_on": timezone.localdate().isoformat(),
        "outcome-summary": "判决", "outcome-document": pdf_file("x.pdf", b"MZ not a pdf")})
    assert bad.status_code == 400
    ok = client.post(reverse("workflows:tribunal:action", args=[case.pk, "outcome"]), {
        "outcome-outcome": "judgment", "outcome-decided_on": timezone.localdate().isoformat(),
        "outcome-summary": "判决被告停止侵权。", "outcome-document": pdf_file()})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.COURT_CLOSED
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "人民法院（精审）" in detail and "(2026)渝01知民初9号" in detail
    assert _post(client, case, "nonsense").status_code == 404


def test_the_applicant_sees_the_court_stage_on_the_case(client, court, people):
    case = failed_to_court(court, people)
    client.force_login(people.applicant)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "人民法院（精审）" in detail and "办理（巡回审判站）" not in detail


def test_judge_rules_on_a_confirmation_through_the_pages(client, court, people):
    case = confirmation_filed(court, people)
    client.force_login(court.court_clerk)
    assert _post(client, case, "accept").status_code == 302
    assert _post(client, case, "rule", {"rule-confirmed": "yes"}).status_code == 403  # the clerk may not rule
    client.force_login(court.judge)
    assert court.judge and client.get(reverse("workflows:tribunal:queue")).status_code == 200
    bad = _post(client, case, "rule", {"rule-confirmed": "no", "rule-reasons": ""})
    assert bad.status_code == 400 and "驳回申请须写明理由" in bad.content.decode()
    done = _post(client, case, "rule", {"rule-confirmed": "no", "rule-reasons": "协议内容违反法律规定"})
    assert done.status_code == 302 and done.url == reverse("workflows:tribunal:queue")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATED


@pytest.mark.parametrize("who", OUTSIDERS)
def test_others_get_403_or_404(client, court, people, who, roles):
    case = failed_to_court(court, people)
    user = outsider(court, people, who)
    client.force_login(user)
    page = client.get(reverse("workflows:tribunal:case", args=[case.pk]))
    assert page.status_code in (403, 404)
    assert _post(client, case, "acknowledge").status_code in (403, 404)
    if who != "other_clerk":
        assert client.get(reverse("workflows:tribunal:queue")).status_code == 403
    else:
        assert case.number not in client.get(reverse("workflows:tribunal:queue")).content.decode()
        assert page.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED
