"""The district's chain: a protection centre (intake), a mediation committee, an IP office and a circuit station."""
from types import SimpleNamespace

import pytest

from cases.models import Organization, Party, Role
from cases.services.organizations import organization_create
from tests.factories import DistrictFactory, complainant, make_case, staff


@pytest.fixture
def chain(roles):
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
    return SimpleNamespace(
        district=district, **orgs,
        clerk=staff(Role.INTAKE_CLERK, orgs["centre"]),
        mediator=staff(Role.MEDIATOR, orgs["committee"]),
        director=staff(Role.COMMITTEE_DIRECTOR, orgs["committee"]),
    )


@pytest.fixture
def applicant(roles):
    return complainant(full_name="李明")


@pytest.fixture
def new_case(chain, applicant):
    """A submitted complaint to the centre, filed by ``applicant``."""
    def make(**kwargs):
        kwargs.setdefault("organization", chain.centre)
        kwargs.setdefault("applicant_user", applicant)
        return make_case(**kwargs)
    return make


def respondent_of(case):
    return case.parties.get(role=Party.PartyRole.RESPONDENT)
