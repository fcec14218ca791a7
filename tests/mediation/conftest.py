"""The district's chain with a mediation committee of three mediators, and cases in 快调."""
from types import SimpleNamespace

import pytest

from cases.models import Industry, Organization, Party, Role
from cases.services.organizations import organization_create
from mediation.models import MediatorProfile
from tests.factories import DistrictFactory, UserFactory, credit_code, id_number, make_case, staff
from tests.fixtures import _fresh_permission_ids  # noqa: F401 - autouse here (and importable from here by name)
from workflows import router

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def med(roles):
    """Organisations, staff and an industry: ``med.committee``, ``med.director``, ``med.mediators`` …"""
    district = DistrictFactory()
    orgs = {
        key: organization_create(name=name, kind=kind, district=district, number_abbr=abbr,
                                 address="重庆市璧山区璧泉街道", phone="023-41400000")
        for key, name, kind, abbr in [
            ("centre", "璧山区知识产权保护中心", Organization.Kind.PROTECTION_CENTRE, "璧知受"),
            ("committee", "璧山区知识产权纠纷人民调解委员会", Organization.Kind.MEDIATION_COMMITTEE, "璧知调"),
            ("office", "璧山区市场监督管理局（知识产权局）", Organization.Kind.IP_OFFICE, "璧市监知裁"),
            ("station", "重庆知识产权法庭璧山巡回审判站", Organization.Kind.CIRCUIT_STATION, "渝知巡璧"),
        ]
    }
    industry = Industry.objects.get_or_create(name="新能源汽车", defaults={"order": 1})[0]
    other_industry = Industry.objects.get_or_create(name="大健康", defaults={"order": 4})[0]
    committee = orgs["committee"]

    def mediator(name, industries=(), kinds=(), phone=None, max_load=None):
        user = staff(Role.MEDIATOR, committee, full_name=name, phone=phone)
        user.industries.set(industries)
        MediatorProfile.objects.create(user=user, ip_kinds=list(kinds), max_load=max_load)
        return user

    expert = mediator("张调解", [industry], ["utility_model", "invention_patent"], phone="13700000001")
    generalist = mediator("王调解", [], ["trademark"], phone="13700000002")
    health = mediator("赵调解", [other_industry], ["utility_model"], phone="13700000003")
    return SimpleNamespace(
        district=district, **orgs, industry=industry,
        clerk=staff(Role.INTAKE_CLERK, orgs["centre"], full_name="周受理"),
        director=staff(Role.COMMITTEE_DIRECTOR, committee, full_name="陈主任", phone="13700000009"),
        expert=expert, generalist=generalist, health=health,
        clerk_station=staff(Role.TRIBUNAL_CLERK, orgs["station"], full_name="孙书记员"),
    )


@pytest.fixture
def people(roles):
    """An applicant and a respondent's representative, both with passwords."""
    return SimpleNamespace(
        applicant=UserFactory(full_name="李明", roles=[Role.COMPLAINANT], phone="13812345678"),
        respondent=UserFactory(full_name="重庆某某机械有限公司", roles=[Role.RESPONDENT], phone="13987654321"),
    )


def new_case(med, people, *, respondent_code=None, applicant_id=None, industry=True, **kwargs):
    parties = [
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": applicant_id or id_number(),
         "phone": "13812345678", "address": "重庆市璧山区璧泉街道", "user": people.applicant},
        {"role": "respondent", "kind": "organization", "name": kwargs.pop("respondent_name", "重庆某某机械有限公司"),
         "credit_code": respondent_code or credit_code(), "phone": "13987654321",
         "legal_representative": "王某", "address": "重庆市璧山区青杠街道", "user": people.respondent},
    ]
    return make_case(organization=med.centre, applicant_user=people.applicant, parties=parties,
                     industry=med.industry if industry else None, **kwargs)


def in_mediation(med, people, **kwargs):
    """A case accepted to mediation, the respondent consented: waiting for a mediator."""
    case = new_case(med, people, **kwargs)
    router.accept_complaint(actor=med.clerk, case=case, route="mediation")
    case.refresh_from_db()
    consent = case.mediation_consents.get()
    router.answer_mediation_invitation(actor=people.respondent, consent=consent, agreed=True)
    case.refresh_from_db()
    return case


def respondent_of(case):
    return case.parties.get(role=Party.PartyRole.RESPONDENT)


def applicant_of(case):
    return case.parties.get(role=Party.PartyRole.APPLICANT)
