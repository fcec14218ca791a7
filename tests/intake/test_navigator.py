"""维权导航 rules: a pure function of the answers."""
import pytest

from cases.intake.navigator import Answers, Recommendation, recommend, wizard_prefill
from cases.models import Route


def _texts(items):
    return " ".join(str(i) for i in items)


def test_patent_infringement_with_quick_order_goes_to_adjudication():
    rec = recommend({"right": "utility_model", "happened": "infringement", "wants": "stop", "court": "no",
                     "quick_order": "yes"})
    assert isinstance(rec, Recommendation)
    assert rec.route == Route.ADJUDICATION
    assert "行政裁决" in str(rec.route_label)
    assert "停止侵权" in _texts(rec.reasons)
    assert "3个月" in _texts(rec.reasons)
    evidence = _texts(rec.evidence)
    assert "专利证书" in evidence and "年费" in evidence and "权利要求书" in evidence
    assert "公证购买" in evidence
    assert "15日内向法院起诉" in _texts(rec.next_steps)


def test_adjudication_for_stop_and_damages_explains_damages_only_by_mediation():
    rec = recommend({"right": "invention_patent", "happened": "infringement", "wants": "both", "court": "no",
                     "quick_order": "yes"})
    assert rec.route == Route.ADJUDICATION
    assert "不能判决赔偿" in _texts(rec.reasons)
    assert "损失证明" in _texts(rec.evidence)


def test_court_involved_goes_to_litigation_whatever_else():
    for right in ("invention_patent", "trademark", "copyright"):
        rec = recommend({"right": right, "happened": "infringement", "wants": "both", "court": "yes",
                         "quick_order": "yes"})
        assert rec.route == Route.LITIGATION
        assert "法院" in _texts(rec.reasons)
        assert "委派或委托" in _texts(rec.next_steps)


def test_trademark_goes_to_mediation_with_the_trademark_evidence():
    rec = recommend({"right": "trademark", "happened": "infringement", "wants": "stop", "court": "no"})
    assert rec.route == Route.MEDIATION
    evidence = _texts(rec.evidence)
    assert "商标注册证" in evidence
    assert "专利证书" not in evidence
    assert "公证购买" in evidence
    assert "免费" in _texts(rec.reasons)
    assert "5个工作日" in _texts(rec.next_steps)
    assert "30日" in _texts(rec.next_steps)


def test_trademark_asking_for_a_quick_order_is_told_adjudication_is_for_patents():
    rec = recommend({"right": "trademark", "happened": "infringement", "wants": "stop", "court": "no",
                     "quick_order": "yes"})
    assert rec.route == Route.MEDIATION
    assert "只适用于专利侵权纠纷" in _texts(rec.reasons)


def test_patent_compensation_only_is_mediation_because_adjudication_cannot_award_damages():
    rec = recommend({"right": "design_patent", "happened": "infringement", "wants": "compensation",
                     "court": "no", "quick_order": "yes"})
    assert rec.route == Route.MEDIATION
    assert "不能判决赔偿" in _texts(rec.reasons)
    assert "外观设计图片" in _texts(rec.evidence)


def test_patent_contract_dispute_cannot_be_adjudicated():
    rec = recommend({"right": "invention_patent", "happened": "contract", "wants": "compensation",
                     "court": "no", "quick_order": "yes"})
    assert rec.route == Route.MEDIATION
    assert "合同" in _texts(rec.evidence)


def test_other_side_refusing_sends_damages_to_court():
    rec = recommend({"right": "copyright", "happened": "infringement", "wants": "compensation", "court": "no",
                     "other_side": "refused"})
    assert rec.route == Route.LITIGATION
    assert "自愿" in _texts(rec.reasons)
    assert "作品登记证书" in _texts(rec.evidence)


def test_refusing_other_side_does_not_block_adjudication():
    rec = recommend({"right": "utility_model", "happened": "infringement", "wants": "stop", "court": "no",
                     "other_side": "refused", "quick_order": "yes"})
    assert rec.route == Route.ADJUDICATION
    assert "不需要对方同意" in _texts(rec.reasons)


def test_not_sure_about_court_still_recommends_but_warns():
    rec = recommend({"right": "trade_secret", "happened": "ownership", "wants": "other", "court": "unsure"})
    assert rec.route == Route.MEDIATION
    assert "请先确认是否已经起诉" in _texts(rec.reasons)
    assert "保密措施" in _texts(rec.evidence)
    assert "不能申请司法确认" in _texts(rec.reasons)


@pytest.mark.parametrize("route", [Route.MEDIATION, Route.ADJUDICATION, Route.LITIGATION])
def test_every_route_is_reachable_and_has_content(route):
    answers = {
        Route.MEDIATION: {"right": "copyright", "happened": "infringement", "wants": "stop", "court": "no"},
        Route.ADJUDICATION: {"right": "invention_patent", "happened": "infringement", "wants": "stop",
                             "court": "no", "quick_order": "yes"},
        Route.LITIGATION: {"right": "other", "happened": "other", "wants": "other", "court": "yes"},
    }[route]
    rec = recommend(answers)
    assert rec.route == route
    assert rec.reasons and rec.evidence and rec.next_steps
    assert str(rec.summary)


def test_unknown_values_are_treated_as_unknown_not_errors():
    rec = recommend({"right": "spaceship", "happened": "<script>", "court": "maybe"})
    assert rec.route == Route.MEDIATION
    assert Answers.from_mapping({"right": "spaceship"}).right == "other"


def test_wizard_prefill_from_answers():
    prefill = wizard_prefill({"right": "utility_model", "happened": "infringement", "wants": "stop",
                              "court": "no", "quick_order": "yes"})
    assert prefill["rights"] == [{"kind": "utility_model", "number": "", "title": "", "holder": ""}]
    assert prefill["dispute"] == {"dispute_type": "infringement", "preferred_route": "adjudication",
                                  "court_involved": "no"}
    unsure = wizard_prefill({"right": "other", "happened": "contract", "wants": "other", "court": "unsure"})
    assert "rights" not in unsure
    assert "court_involved" not in unsure["dispute"]
    assert unsure["dispute"]["dispute_type"] == "contract"
