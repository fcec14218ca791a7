"""The score: the mean of the 1-5 answers times 20, out of 100; aggregates over every answer."""
from decimal import Decimal

import pytest

from cases.surveys.models import SurveyResponse, score_of
from cases.surveys.selectors import staff_satisfaction
from tests.statistics.world import answer


def test_score_of_one_response_is_the_sum_times_four():
    assert score_of(5 + 4 + 4 + 3 + 5, 5) == Decimal("84.0")
    assert score_of(25, 5) == Decimal("100.0")
    assert score_of(5, 5) == Decimal("20.0")
    assert score_of(0, 0) is None


def test_score_of_an_aggregate_is_the_mean_of_every_answer():
    # (5,5,5,5,5) and (1,2,3,4,5): 40 points over 10 answers, mean 4
    assert score_of(25 + 15, 10) == Decimal("80.0")
    # three responses summing 61 over 15 answers: 81.333… rounds to 81.3
    assert score_of(61, 15) == Decimal("81.3")
    # a dimension: 5, 5, 1 over 3 answers = 73.333…
    assert score_of(11, 3) == Decimal("73.3")
    assert score_of(2, 3) == Decimal("13.3") and score_of(1, 6) == Decimal("3.3")


def test_a_response_scores_itself():
    response = SurveyResponse(convenience=5, timeliness=4, professionalism=4, fairness=3, outcome=5,
                              would_recommend=True)
    assert response.total == 21 and response.score == Decimal("84.0")


@pytest.mark.django_db
def test_a_handler_sees_the_own_aggregate_only_from_five_responses(invited, world, client):
    client.force_login(world.who.mediator)
    answer(invited.applicant, (5, 4, 4, 3, 5))
    answer(invited.respondent, (5, 5, 5, 5, 5), recommend=False)
    result = staff_satisfaction(world.who.mediator)
    assert result == {"responses": 2, "minimum": 5, "shown": False, "target": 82}
    html = client.get("/surveys/mine/").content.decode()
    # Scores are shown as "84.0"; bare "84" could be part of a CSRF token.
    assert "收到至少 5 份评价后才显示得分" in html and "84.0" not in html and "92.0" not in html


@pytest.mark.django_db
def test_five_responses_show_the_score_and_each_dimension(world, clock, client):
    from cases.models import CaseStatus
    from cases.services import case_change_status, case_grant_user
    from cases.surveys.services import survey_invite_case
    from tests.statistics.world import accept, at, new_case

    scores = [(5, 5, 5, 5, 5), (4, 4, 4, 4, 4), (3, 4, 5, 4, 3), (5, 4, 3, 2, 1), (4, 4, 4, 4, 5)]
    invitations = []
    for day in range(2, 5):
        case = new_case(clock, at(3, day), world.orgs.centre)
        clock.set(at(3, day, 11))
        accept(case, to=CaseStatus.MEDIATION_ASSIGNMENT, org=world.orgs.committee, actor=world.who.clerk)
        case_grant_user(case=case, user=world.who.mediator, actor=world.who.director)
        case_change_status(case=case, actor=world.who.mediator, to=CaseStatus.MEDIATING)
        case_change_status(case=case, actor=world.who.mediator, to=CaseStatus.MEDIATED)
        invitations += survey_invite_case(case=case, actor=None)
    for invitation, values in zip(invitations, scores, strict=False):
        answer(invitation, values, recommend=values[0] >= 4)
    result = staff_satisfaction(world.who.mediator)
    # 25 + 20 + 19 + 15 + 21 = 100 points over 25 answers: mean 4, score 80
    assert result["shown"] and result["responses"] == 5 and result["score"] == Decimal("80.0")
    assert [d["score"] for d in result["dimensions"]] == [
        Decimal("84.0"), Decimal("84.0"), Decimal("84.0"), Decimal("76.0"), Decimal("72.0")]
    assert result["recommend_rate"] == 80.0 and result["meets_target"] is False
    client.force_login(world.who.mediator)
    html = client.get("/surveys/mine/").content.decode()
    assert "80.0" in html and "低于目标" in html and "76.0" in html
    # the director is no handler here; a complainant gets 403
    client.force_login(world.who.applicant)
    assert client.get("/surveys/mine/").status_code == 403
