"""The applicant's actions: withdrawal, and the next route after mediation failed."""
import pytest
from django.urls import reverse

from cases.models import CaseStatus
from tests.factories import complainant
from tests.workflows.conftest import respondent_of
from workflows import router

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def _terminated(chain, case):
    router.accept_complaint(actor=chain.clerk, case=case, route="mediation")
    consent = case.mediation_consents.get(party=respondent_of(case))
    router.answer_mediation_invitation(actor=chain.mediator, consent=consent, agreed=False, reason="不同意",
                                       channel="phone")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED
    return case


# ---------- withdrawal ----------

def test_applicant_withdraws_after_confirming(client, chain, new_case, applicant):
    case = new_case()
    url = reverse("workflows:withdraw", args=[case.pk])
    client.force_login(applicant)
    detail = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "您可以" in detail and url in detail
    html = _html(client.get(url))
    assert "确认撤回" in html and '<label for="id_reason">' in html
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED  # the page alone changes nothing

    response = client.post(url, {"reason": "双方已自行和解"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN and case.closed_at is not None
    assert not case.deadlines.filter(state="running").exists()
    assert case.events.filter(kind="status_changed", message="双方已自行和解").exists()
    # Twice: a message, not an error.
    again = client.post(url, {"reason": ""}, follow=True)
    assert again.status_code == 200 and "不能撤回" in _html(again)
    assert url not in _html(client.get(reverse("cases:detail", args=[case.pk])))


def test_withdrawal_during_mediation(client, chain, new_case, applicant):
    case = new_case()
    router.accept_complaint(actor=chain.clerk, case=case, route="mediation")
    client.force_login(applicant)
    client.post(reverse("workflows:withdraw", args=[case.pk]), {})
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN


def test_withdrawal_is_only_for_the_applicant(client, chain, new_case):
    case = new_case()
    url = reverse("workflows:withdraw", args=[case.pk])
    client.force_login(complainant())
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(chain.clerk)  # sees the case, is not its applicant
    assert client.get(url).status_code == 404
    assert url not in _html(client.get(reverse("cases:detail", args=[case.pk])))
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_withdrawal_of_a_closed_case_is_explained(client, chain, new_case, applicant):
    case = _terminated(chain, new_case())
    client.force_login(applicant)
    html = _html(client.get(reverse("workflows:withdraw", args=[case.pk])))
    assert "不能撤回" in html and "确认撤回" not in html


# ---------- after mediation ----------

def test_next_route_to_adjudication_for_a_patent_case(client, chain, new_case, applicant):
    case = _terminated(chain, new_case())
    url = reverse("workflows:next_route", args=[case.pk])
    client.force_login(applicant)
    detail = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert url in detail and "选择后续程序" in detail
    html = _html(client.get(url))
    assert 'value="adjudication"' in html and 'value="litigation"' in html
    assert "请求行政裁决" in html and "向法院起诉" in html
    response = client.post(url, {"route": "adjudication"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATION_REVIEW and case.organization == chain.office
    again = client.post(url, {"route": "adjudication"}, follow=True)
    assert "不能转入其他程序" in _html(again)


def test_next_route_to_litigation_and_no_adjudication_for_a_trademark(client, chain, new_case, applicant):
    case = _terminated(chain, new_case(ip_kind="trademark"))
    url = reverse("workflows:next_route", args=[case.pk])
    client.force_login(applicant)
    html = _html(client.get(url))
    assert 'value="adjudication"' not in html and 'value="litigation"' in html
    response = client.post(url, {"route": "adjudication"})
    assert response.status_code == 400
    assert "本案当前不能转入该程序。" in _html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED
    assert client.post(url, {"route": "litigation"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED and case.organization == chain.station


def test_next_route_is_not_offered_before_mediation_ends(client, chain, new_case, applicant):
    case = new_case()
    url = reverse("workflows:next_route", args=[case.pk])
    client.force_login(applicant)
    assert url not in _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "不能转入其他程序" in _html(client.get(url))
    response = client.post(url, {"route": "litigation"}, follow=True)
    assert "不能转入其他程序" in _html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_next_route_is_only_for_the_applicant(client, chain, new_case):
    case = _terminated(chain, new_case())
    client.force_login(complainant())
    assert client.post(reverse("workflows:next_route", args=[case.pk]), {"route": "litigation"}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED
