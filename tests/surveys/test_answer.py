"""Answering: one response per party, anonymous on the case timeline, bad input refused with nothing saved."""
import re

import pytest
from django.urls import reverse

from cases.links import party_token
from cases.models import CaseEvent
from cases.surveys.links import SURVEY_SALT, survey_path, survey_token
from cases.surveys.models import SurveyInvitation, SurveyResponse
from cases.surveys.services import SurveyError, survey_answer
from tests.statistics.world import at

pytestmark = pytest.mark.django_db

GOOD = {"convenience": "5", "timeliness": "4", "professionalism": "4", "fairness": "3", "outcome": "5",
        "would_recommend": "yes", "comment": "调解员很耐心，效率高。"}


def _post(client, invitation, path=None, **changes):
    data = {**GOOD, **changes}
    return client.post(path or survey_path(invitation), {k: v for k, v in data.items() if v is not None})


def test_the_survey_page_opens_without_login_and_suits_a_phone(client, invited):
    response = client.get(survey_path(invited.applicant))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert html.count("<fieldset") == 6 and html.count("<legend") == 6  # five 1-5 scales and "recommend"
    for field in ("convenience", "timeliness", "professionalism", "fairness", "outcome"):
        for value in range(1, 6):
            assert f'<label class="rating-option" for="id_{field}_{value - 1}">' in html
            assert f'value="{value}"' in html
    assert invited.case.number in html and "璧山区知识产权纠纷人民调解委员会" in html
    assert "李明" not in html and "重庆某某机械有限公司" not in html  # no party data on the page
    assert "<script" not in html and " style=" not in html and not re.search(r" on[a-z]+=", html)
    assert 'name="robots" content="noindex' in html


def test_an_answer_is_saved_once_and_recorded_without_scores(client, invited, clock):
    clock.set(at(3, 13))
    path = survey_path(invited.applicant)  # (the token carries a timestamp: take it once)
    response = _post(client, invited.applicant, path)
    assert response.status_code == 302 and response["Location"] == path
    saved = SurveyResponse.objects.get()
    scores = (saved.convenience, saved.timeliness, saved.professionalism, saved.fairness, saved.outcome)
    assert scores == (5, 4, 4, 3, 5)
    assert saved.would_recommend is True and saved.comment == "调解员很耐心，效率高。"
    assert saved.score == 84  # (5+4+4+3+5)/5 x 20
    invited.applicant.refresh_from_db()
    assert invited.applicant.state == "answered" and invited.applicant.answered_at == at(3, 13)
    event = CaseEvent.objects.get(case=invited.case, kind="survey_answered")
    assert event.actor is None and event.before is None and event.after is None and not event.public
    assert not re.search(r"\d", event.message)

    thanks = client.get(path)
    assert thanks.status_code == 200 and "感谢您的评价" in thanks.content.decode()

    again = _post(client, invited.applicant, convenience="1")
    assert again.status_code == 409 and "只能评价一次" in again.content.decode()
    assert SurveyResponse.objects.count() == 1 and SurveyResponse.objects.get().convenience == 5
    with pytest.raises(SurveyError) as exc:
        survey_answer(invitation=invited.applicant, answers={})
    assert exc.value.code == "answered"


def test_one_partys_link_cannot_answer_for_another(client, invited):
    assert _post(client, invited.applicant).status_code == 302
    assert SurveyResponse.objects.get().invitation == invited.applicant
    invited.respondent.refresh_from_db()
    assert invited.respondent.state == "pending"
    # a token naming the respondent's invitation with the applicant's party id does not exist
    from django.core import signing

    mixed = signing.TimestampSigner(salt=SURVEY_SALT).sign_object(
        {"i": invited.respondent.pk, "p": invited.applicant.party_id})
    response = client.post(reverse("surveys:answer", args=[mixed]), GOOD)
    assert response.status_code == 404
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("token", [
    "forged",
    "eyJpIjoxLCJwIjoxfQ:1tQ2xy:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "x" * 400,
])
def test_a_forged_link_is_a_clear_404(client, invited, token):
    response = client.get(reverse("surveys:answer", args=[token]))
    assert response.status_code == 404
    assert "评价链接无效" in response.content.decode()
    assert client.post(reverse("surveys:answer", args=[token]), GOOD).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_tampered_or_foreign_token_is_a_clear_404(client, invited):
    token = survey_token(invited.applicant)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("surveys:answer", args=[tampered])).status_code == 404
    # a party-portal link of the same party is signed for another purpose
    portal = party_token(invited.applicant.party)
    assert client.get(reverse("surveys:answer", args=[portal])).status_code == 404


def test_an_expired_link_is_a_clear_404_and_takes_no_answer(client, invited, clock):
    clock.set(at(4, 12))  # past the 30 days, before the hourly task marked it
    response = client.get(survey_path(invited.applicant))
    assert response.status_code == 404 and "已过期" in response.content.decode()
    response = _post(client, invited.applicant)
    assert response.status_code == 404
    assert not SurveyResponse.objects.exists()
    with pytest.raises(SurveyError) as exc:
        survey_answer(invitation=invited.applicant, answers={})
    assert exc.value.code == "expired"


@pytest.mark.parametrize(("changes", "message"), [
    ({"convenience": "6"}, "“便捷”的评分只能是1至5分"),
    ({"timeliness": "0"}, "“及时”的评分只能是1至5分"),
    ({"fairness": "-1"}, "“公正”的评分只能是1至5分"),
    ({"outcome": "abc"}, "“结果”的评分只能是1至5分"),
    ({"professionalism": "4.5"}, "“专业”的评分只能是1至5分"),
    ({"convenience": None}, "请为“便捷”选择1至5分"),
    ({"outcome": None, "timeliness": None}, "请为“及时”选择1至5分"),
    ({"would_recommend": None}, "请选择是否愿意推荐"),
    ({"would_recommend": "maybe"}, "请选择“愿意”或“不愿意”"),
    ({"comment": "好" * 1001}, "意见建议不能超过1000字（现有1001字）"),
])
def test_bad_answers_get_clear_messages_and_nothing_is_saved(client, invited, changes, message):
    response = _post(client, invited.applicant, **changes)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    assert not SurveyResponse.objects.exists()
    invited.applicant.refresh_from_db()
    assert invited.applicant.state == "pending"
    assert not CaseEvent.objects.filter(kind="survey_answered").exists()


def test_a_body_too_large_is_a_400_not_a_500(client, invited, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = _post(client, invited.applicant, comment="好" * 20_000)
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_the_service_validates_too(invited):
    from django.core.exceptions import ValidationError

    base = {"convenience": 5, "timeliness": 5, "professionalism": 5, "fairness": 5, "outcome": 5,
            "would_recommend": True}
    for bad in ({**base, "convenience": 9}, {**base, "outcome": 0}, {**base, "comment": "x" * 1001},
                {**base, "fairness": None}, {**base, "score": 100}):
        with pytest.raises(ValidationError):
            survey_answer(invitation=invited.applicant, answers=bad)
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.get(pk=invited.applicant.pk).state == "pending"
