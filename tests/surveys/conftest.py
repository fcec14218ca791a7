"""A closed case with its parties (a signed-in applicant, a respondent company, an agent) and its mediator."""
from types import SimpleNamespace

import pytest

from cases.models import CaseStatus, Role
from cases.services import case_change_status, case_grant_user
from tests.factories import DistrictFactory, complainant, staff
from tests.statistics.world import accept, at, chain, install_clock, new_case


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch, at(3, 1))


@pytest.fixture
def world(roles, clock):
    orgs = chain(DistrictFactory(name="璧山区", abbr="璧"), "璧山区", "璧")
    who = SimpleNamespace(
        clerk=staff(Role.INTAKE_CLERK, orgs.centre, full_name="王受理"),
        mediator=staff(Role.MEDIATOR, orgs.committee, full_name="陈调解"),
        director=staff(Role.COMMITTEE_DIRECTOR, orgs.committee, full_name="周主任"),
        applicant=complainant(full_name="李明", phone="13900001111"),
    )
    return SimpleNamespace(orgs=orgs, who=who)


@pytest.fixture
def mediated(world, clock):
    """Submitted 3-2, mediation from 3-4 with 陈调解, mediated 3-12 (closed)."""
    who = world.who
    case = new_case(clock, at(3, 2), world.orgs.centre, applicant_user=who.applicant, agent=True)
    clock.set(at(3, 4))
    accept(case, to=CaseStatus.MEDIATION_ASSIGNMENT, org=world.orgs.committee, actor=who.clerk)
    case_grant_user(case=case, user=who.mediator, actor=who.director)
    case_change_status(case=case, actor=who.mediator, to=CaseStatus.MEDIATING)
    clock.set(at(3, 12))
    case_change_status(case=case, actor=who.mediator, to=CaseStatus.MEDIATED)
    case.refresh_from_db()
    return case


@pytest.fixture
def invited(mediated, clock):
    """The survey task has run on 3-12 at 10:05: the applicant and the respondent are invited."""
    from cases.surveys.tasks import invite_closed_cases

    clock.set(at(3, 12).replace(minute=5))
    invite_closed_cases.delay()
    invitations = {i.party.role: i for i in mediated.survey_invitations.select_related("party", "case")}
    return SimpleNamespace(case=mediated, applicant=invitations["applicant"], respondent=invitations["respondent"])
