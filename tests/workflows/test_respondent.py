"""The respondent's signed link, the respondent's page, and staff recording an answer."""
import pytest
from django.core import signing
from django.urls import reverse

from cases.documents.models import Document
from cases.links import party_token
from cases.models import CaseEvent, CaseStatus, Party, Role, User
from mediation.models import MediationConsent
from tests.factories import complainant, make_case, staff
from tests.workflows.conftest import respondent_of
from workflows import router
from workflows.services import respondent_portal_login

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def _in_mediation(chain, case):
    router.accept_complaint(actor=chain.clerk, case=case, route="mediation")
    case.refresh_from_db()
    return case


def _link(party):
    return reverse("workflows:respond", args=[party_token(party)])


def _page(case):
    return reverse("workflows:respondent_case", args=[case.pk])


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_link_logs_in_a_new_respondent_and_shows_the_complaint(client, chain, new_case):
    case = _in_mediation(chain, new_case(respondent_name="重庆某某机械有限公司"))
    party = respondent_of(case)
    response = client.get(_link(party))
    assert response.status_code == 302 and response["Location"] == _page(case)
    party.refresh_from_db()
    user = party.user
    assert user is not None and user.full_name == "重庆某某机械有限公司"
    assert user.roles == {Role.RESPONDENT} and not user.has_usable_password()
    assert user.phone == party.phone
    assert _logged_in_user_id(client) == str(user.pk)

    html = _html(client.get(_page(case)))
    assert "李明" in html  # the applicant
    assert "138****5678" in html and "13812345678" not in html
    applicant = case.parties.get(role="applicant")
    assert applicant.id_number not in html
    assert "请求停止侵权并赔偿经济损失" in html and case.ip_rights.get().number in html
    assert "请答复是否同意调解" in html
    assert 'name="consent-answer"' in html
    assert reverse("cases:evidence_upload", args=[case.pk]) in html
    assert "<script" not in html and 'style="' not in html
    # The same link again: the same account, no second one.
    client.logout()
    client.get(_link(party))
    assert _logged_in_user_id(client) == str(user.pk)
    assert User.objects.filter(parties__case=case).count() == 2  # applicant + respondent


def test_respondent_agrees_and_mediation_moves_to_assignment(client, chain, new_case):
    case = _in_mediation(chain, new_case())
    client.get(_link(respondent_of(case)))
    response = client.post(reverse("workflows:respondent_consent", args=[case.pk]), {"consent-answer": "agree"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT
    consent = MediationConsent.objects.get(case=case)
    assert consent.agreed is True and consent.channel == "portal"
    html = _html(client.get(_page(case)))
    assert "您已同意调解" in html and "同意调解" in html
    assert 'name="consent-answer"' not in html


def test_all_respondents_must_agree(client, chain, new_case):
    parties = [
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": "", "phone": "13812345678"},
        {"role": "respondent", "kind": "organization", "name": "重庆甲公司"},
        {"role": "respondent", "kind": "organization", "name": "重庆乙公司"},
    ]
    case = _in_mediation(chain, new_case(parties=parties))
    first, second = case.parties.filter(role="respondent").order_by("id")
    client.get(_link(first))
    client.post(reverse("workflows:respondent_consent", args=[case.pk]), {"consent-answer": "agree"})
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_CONSENT
    assert "正在等待其他被申请人答复" in _html(client.get(_page(case)))
    client.get(_link(second))
    client.post(reverse("workflows:respondent_consent", args=[case.pk]), {"consent-answer": "agree"})
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT


def test_refusal_needs_a_reason_and_ends_mediation(client, chain, new_case):
    case = _in_mediation(chain, new_case())
    client.get(_link(respondent_of(case)))
    url = reverse("workflows:respondent_consent", args=[case.pk])
    response = client.post(url, {"consent-answer": "refuse"})
    assert response.status_code == 400
    assert "请简要说明不同意调解的理由。" in _html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_CONSENT

    response = client.post(url, {"consent-answer": "refuse", "consent-reason": "我方未侵权"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED
    assert Document.objects.filter(case=case, doc_type="mediation_termination").exists()
    html = _html(client.get(_page(case)))
    assert "调解已终止" in html
    assert "行政裁决" in html and "向人民法院提起诉讼" in html
    # A second answer is not taken.
    again = client.post(url, {"consent-answer": "agree"}, follow=True)
    assert "无需再答复" in _html(again)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED


def test_no_consent_field_or_empty_answer_is_a_field_error(client, chain, new_case):
    case = _in_mediation(chain, new_case())
    client.get(_link(respondent_of(case)))
    response = client.post(reverse("workflows:respondent_consent", args=[case.pk]), {})
    assert response.status_code == 400
    assert "请选择是否同意调解。" in _html(response)


def test_written_answer_is_recorded_on_the_timeline(client, chain, new_case, applicant):
    case = _in_mediation(chain, new_case())
    party = respondent_of(case)
    client.get(_link(party))
    url = reverse("workflows:respondent_answer", args=[case.pk])
    assert client.post(url, {"answer-text": "   "}).status_code == 400
    too_long = client.post(url, {"answer-text": "字" * 5001})
    assert too_long.status_code == 400 and "答辩意见不能超过5000字" in _html(too_long)
    assert not CaseEvent.objects.filter(case=case, kind="respondent_answer").exists()

    response = client.post(url, {"answer-text": "我方产品采用的是现有技术，不落入专利保护范围。"})
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind="respondent_answer")
    assert event.public and event.after == {"party": party.pk, "text": "我方产品采用的是现有技术，不落入专利保护范围。"}
    assert "不落入专利保护范围" in _html(client.get(_page(case)))
    # The applicant reads it in the case timeline.
    client.force_login(applicant)
    assert "不落入专利保护范围" in _html(client.get(reverse("cases:detail", args=[case.pk])))


def test_forged_and_expired_links_are_a_404_page(client, chain, new_case, monkeypatch):
    case = _in_mediation(chain, new_case())
    party = respondent_of(case)
    forged = party_token(party)[:-3] + "abc"
    response = client.get(reverse("workflows:respond", args=[forged]))
    assert response.status_code == 404
    assert "链接无效或已过期" in _html(response)
    assert _logged_in_user_id(client) is None

    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 31 * 24 * 3600)
    old = party_token(party)
    monkeypatch.setattr(signing.time, "time", real_time)
    response = client.get(reverse("workflows:respond", args=[old]))
    assert response.status_code == 404 and "链接无效或已过期" in _html(response)
    party.refresh_from_db()
    assert party.user is None


def test_link_never_logs_in_a_staff_account(client, chain, new_case):
    case = _in_mediation(chain, new_case())
    party = respondent_of(case)
    Party.objects.filter(pk=party.pk).update(user=chain.mediator)
    party.refresh_from_db()
    someone = complainant()
    client.force_login(someone)
    response = client.get(_link(party))
    assert response.status_code == 200
    html = _html(response)
    assert "请登录后查看" in html
    assert f"?next={_page(case)}" in html
    assert _logged_in_user_id(client) is None  # the other user was signed out, the mediator not signed in


def test_link_asks_an_account_with_a_password_to_log_in(client, chain, new_case):
    case = _in_mediation(chain, new_case())
    party = respondent_of(case)
    owner = User.objects.create_user(username="resp-with-password", password="Correct-Horse-42")
    Party.objects.filter(pk=party.pk).update(user=owner)
    party.refresh_from_db()
    assert respondent_portal_login(party=party) is None
    response = client.get(_link(party))
    assert "请登录后查看" in _html(response)
    assert _logged_in_user_id(client) is None
    # Signed in as that account, the link goes straight to the page.
    client.force_login(owner)
    assert client.get(_link(party))["Location"] == _page(case)


def test_link_of_an_applicant_party_does_not_log_in(client, chain, new_case):
    case = _in_mediation(chain, new_case(applicant_user=None))
    applicant = case.parties.get(role="applicant")
    response = client.get(_link(applicant))
    assert "请登录后查看" in _html(response)
    assert _logged_in_user_id(client) is None


def test_respondent_page_is_only_for_the_respondent(client, chain, new_case, applicant):
    case = _in_mediation(chain, new_case())
    client.force_login(applicant)  # a party, but not the respondent
    assert client.get(_page(case)).status_code == 404
    client.force_login(complainant())
    assert client.get(_page(case)).status_code == 404
    assert client.post(reverse("workflows:respondent_consent", args=[case.pk]),
                       {"consent-answer": "agree"}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_CONSENT


def test_case_page_links_the_respondent_to_the_answer_page(client, chain, new_case):
    case = _in_mediation(chain, new_case())
    client.get(_link(respondent_of(case)))
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "您可以" in html and _page(case) in html and "答复是否同意调解" in html
    assert reverse("workflows:withdraw", args=[case.pk]) not in html


# ---------- staff record an answer given by phone or in person ----------

def test_mediator_records_an_agreement_by_phone(client, chain, new_case):
    case = _in_mediation(chain, new_case())
    url = reverse("workflows:record_consent", args=[case.pk])
    client.force_login(chain.mediator)
    assert url in _html(client.get(reverse("cases:detail", args=[case.pk])))
    html = _html(client.get(url))
    assert '<label for="id_consent">' in html and 'value="phone"' in html
    response = client.post(url, {"consent": MediationConsent.objects.get(case=case).pk, "channel": "phone",
                                 "answer": "agree"})
    assert response.status_code == 302
    consent = MediationConsent.objects.get(case=case)
    assert consent.agreed and consent.channel == "phone" and consent.recorded_by == chain.mediator
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT
    # Nothing left to record: the page says so, a second post changes nothing.
    assert "没有需要记录的答复" in _html(client.get(url))
    again = client.post(url, {"consent": consent.pk, "channel": "phone", "answer": "refuse", "reason": "x"},
                        follow=True)
    assert "无需再记录" in _html(again)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT


def test_director_records_a_refusal_in_person_with_reason(client, chain, new_case):
    case = _in_mediation(chain, new_case())
    url = reverse("workflows:record_consent", args=[case.pk])
    client.force_login(chain.director)
    consent = MediationConsent.objects.get(case=case)
    response = client.post(url, {"consent": consent.pk, "channel": "in_person", "answer": "refuse"})
    assert response.status_code == 400 and "请简要说明不同意调解的理由。" in _html(response)
    response = client.post(url, {"consent": consent.pk, "channel": "in_person", "answer": "refuse",
                                 "reason": "已另行起诉"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED


def test_record_consent_rejects_bad_input_and_other_roles(client, chain, new_case, applicant):
    case = _in_mediation(chain, new_case())
    url = reverse("workflows:record_consent", args=[case.pk])
    client.force_login(chain.mediator)
    response = client.post(url, {"consent": "999999", "channel": "fax", "answer": "maybe"})
    assert response.status_code == 400
    html = _html(response)
    assert "该被申请人已经答复或不属于本案。" in html and "请选择答复方式。" in html
    client.force_login(applicant)
    assert client.get(url).status_code == 403
    other_committee_mediator = staff(Role.MEDIATOR, make_case(applicant_user=complainant()).organization)
    client.force_login(other_committee_mediator)
    assert client.get(url).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_CONSENT
    assert MediationConsent.objects.get(case=case).answered_at is None
