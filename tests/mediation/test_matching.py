"""Mediator matching: ranking by industry, IP type and load; conflicts excluded with their reasons."""
import pytest
from django.core.exceptions import ValidationError

from cases.models import Role
from mediation import matching, services
from mediation.models import DeclaredRelationship, MediatorProfile
from mediation.rules import rules_for
from tests.factories import credit_code, id_number, make_case, staff
from tests.mediation.conftest import in_mediation

pytestmark = pytest.mark.django_db


def test_ranking_prefers_expertise_then_free_capacity(med, people):
    case = in_mediation(med, people)
    ranked = matching.candidates(case)
    assert [c.mediator for c in ranked] == [med.expert, med.health, med.generalist]
    assert [c.score for c in ranked] == [100, 60, 30]
    top = ranked[0]
    assert top.industry_match and top.ip_kind_match and top.score == 100 and not top.excluded
    assert "擅长新能源汽车行业" in top.notes
    health = next(c for c in ranked if c.mediator == med.health)
    assert not health.industry_match and health.ip_kind_match


def test_load_counts_and_a_full_mediator_drops_down(med, people):
    MediatorProfile.objects.filter(user=med.expert).update(max_load=1)
    first = in_mediation(med, people, respondent_name="重庆甲公司")
    services.mediation_claim(actor=med.expert, case=first)
    second = in_mediation(med, people, respondent_name="重庆乙公司")
    ranked = matching.candidates(second)
    expert = next(c for c in ranked if c.mediator == med.expert)
    assert expert.load == 1 and expert.full and "已达办案上限" in expert.notes
    assert ranked[-1].mediator == med.expert  # full: after everyone who still has room


def test_a_party_of_the_case_is_excluded(med, people):
    case = make_case(organization=med.centre, parties=[
        {"role": "applicant", "kind": "person", "name": "张调解", "id_number": id_number(), "user": med.expert},
        {"role": "respondent", "kind": "organization", "name": "重庆丙公司", "credit_code": credit_code()},
    ])
    from workflows import router

    router.accept_complaint(actor=med.clerk, case=case, route="mediation")
    case.refresh_from_db()
    reasons = matching.check_mediator(case, med.expert)
    assert reasons and "申请人" in reasons[0]


def test_declared_relationship_by_credit_code_or_name(med, people):
    code = credit_code()
    case = in_mediation(med, people, respondent_code=code)
    DeclaredRelationship.objects.create(mediator=med.generalist, party_name="别的名称", identifier=code,
                                        relation="近亲属任该公司监事")
    DeclaredRelationship.objects.create(mediator=med.health, party_name="李明", relation="同学")
    found = matching.conflicts(case, [med.expert, med.generalist, med.health])
    assert set(found) == {med.generalist.pk, med.health.pk}
    assert "近亲属任该公司监事" in found[med.generalist.pk][0] and "同学" in found[med.health.pk][0]


def test_an_earlier_case_against_the_party_matched_by_id_number(med, people):
    applicant_id = id_number()
    # Earlier: 王调解 (matched by phone) was the respondent against the same applicant (by ID number).
    make_case(organization=med.centre, parties=[
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": applicant_id},
        {"role": "respondent", "kind": "person", "name": "王某某", "id_number": id_number(), "phone": "13700000002"},
    ])
    unrelated = make_case(organization=med.centre, parties=[
        {"role": "applicant", "kind": "person", "name": "路人甲", "id_number": id_number()},
        {"role": "agent", "kind": "person", "name": "赵调解", "user": med.health, "represents": 0},
        {"role": "respondent", "kind": "organization", "name": "无关公司", "credit_code": credit_code()},
    ])
    case = in_mediation(med, people, applicant_id=applicant_id)
    found = matching.conflicts(case, [med.expert, med.generalist, med.health])
    assert list(found) == [med.generalist.pk]
    assert "被申请人" in found[med.generalist.pk][0] and "李明" in found[med.generalist.pk][0]
    assert unrelated.number not in str(found)


def test_unavailable_mediators_and_other_committees_cannot_be_assigned(med, people, roles):
    from cases.models import Organization
    from cases.services.organizations import organization_create

    case = in_mediation(med, people)
    MediatorProfile.objects.filter(user=med.generalist).update(available=False)
    assert "已暂停接受新案件" in matching.check_mediator(case, med.generalist)
    other = organization_create(name="长寿区知识产权纠纷人民调解委员会", kind=Organization.Kind.MEDIATION_COMMITTEE,
                                district=med.district, number_abbr="长知调")
    outsider = staff(Role.MEDIATOR, other)
    assert matching.check_mediator(case, outsider) == ["该调解员不属于本调解委员会。"]
    assert matching.check_mediator(case, med.director) == ["该用户不是调解员。"]
    with pytest.raises(ValidationError):
        services.mediation_assign(actor=med.director, case=case, mediator=outsider)


def test_rules_fall_back_to_settings_and_a_committee_overrides_them(med, settings):
    from mediation.models import MediationRules

    assert rules_for(med.committee).limit_days == 30
    settings.IPDR_MEDIATION_LIMIT_DAYS = 45
    assert rules_for(med.committee).limit_days == 45
    MediationRules.objects.create(committee=med.committee, limit_days=20, max_load=3)
    rules = rules_for(med.committee)
    assert rules.limit_days == 20 and rules.max_load == 3 and rules.consent_working_days == 3


def test_a_committees_limit_is_used_when_mediation_is_accepted(med, people):
    from cases.models import Deadline
    from mediation.models import MediationRules

    MediationRules.objects.create(committee=med.committee, limit_days=20)
    case = in_mediation(med, people)
    assert Deadline.objects.get(case=case, kind="mediation_limit").length == 20
