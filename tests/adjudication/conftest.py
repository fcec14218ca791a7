"""The district's chain with the IP office staffed for 速裁: officers, a chief, an investigator."""
import io
import re
from datetime import date, datetime, time
from types import SimpleNamespace

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Organization, Party, Role
from cases.services.organizations import organization_create
from tests.factories import DistrictFactory, UserFactory, complainant, credit_code, id_number, make_case, staff
from tests.fixtures import _fresh_permission_ids  # noqa: F401 - autouse here (and importable from here by name)
from workflows import router


@pytest.fixture
def office_chain(roles):
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
    office = orgs["office"]
    return SimpleNamespace(
        district=district, **orgs,
        clerk=staff(Role.INTAKE_CLERK, orgs["centre"], full_name="王受理"),
        officer=staff(Role.ENFORCEMENT_OFFICER, office, full_name="刘勇"),
        officer2=staff(Role.ENFORCEMENT_OFFICER, office, full_name="陈静"),
        officer3=staff(Role.ENFORCEMENT_OFFICER, office, full_name="周涛"),
        officer4=staff(Role.ENFORCEMENT_OFFICER, office, full_name="吴敏"),
        chief=staff(Role.ADJUDICATION_CHIEF, office, full_name="赵志强"),
        # The investigator is not a member of the office: it sees only the questions put to it.
        investigator=UserFactory(full_name="孙晓东", roles=[Role.TECHNICAL_INVESTIGATOR]),
    )


@pytest.fixture
def applicant_user(roles):
    return complainant(full_name="李明")


@pytest.fixture
def respondent_user(roles):
    return UserFactory(full_name="重庆某某机械有限公司经办人", roles=[Role.RESPONDENT])


RESPONDENT_CODE = credit_code(seed=424242)
APPLICANT_ID = id_number(serial=16)


@pytest.fixture
def adj_case(office_chain, applicant_user, respondent_user):
    """A patent-infringement complaint accepted by the centre and routed to 速裁 (in review)."""
    def make(respondent_name="重庆某某机械有限公司", code=RESPONDENT_CODE, **kwargs):
        parties = [
            {"role": "applicant", "kind": "person", "name": "李明", "id_number": APPLICANT_ID,
             "phone": "13812345678", "address": "重庆市璧山区璧泉街道", "user": applicant_user},
            {"role": "respondent", "kind": "organization", "name": respondent_name, "credit_code": code,
             "phone": "023-41234567", "address": "重庆市璧山区青杠街道", "legal_representative": "张伟",
             "user": kwargs.pop("respondent", respondent_user)},
        ]
        case = make_case(organization=office_chain.centre, applicant_user=applicant_user, parties=parties,
                         preferred_route="adjudication", **kwargs)
        router.accept_complaint(actor=office_chain.clerk, case=case, route="adjudication")
        case.refresh_from_db()
        return case
    return make


def respondent(case):
    return case.parties.get(role=Party.PartyRole.RESPONDENT)


def applicant(case):
    return case.parties.get(role=Party.PartyRole.APPLICANT)


def all_ok(**overrides):
    from cases.adjudication.models import AcceptanceCondition

    checks = {c: {"ok": True, "note": ""} for c in AcceptanceCondition.values}
    for key, value in overrides.items():
        checks[key] = {"ok": value, "note": "" if value else "说明：不符合"}
    return checks


def pdf_text(document) -> str:
    with document.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def cn(day) -> str:
    day = timezone.localdate(day) if isinstance(day, datetime) else day
    return f"{day.year}年{day.month}月{day.day}日"


def at(day: date, hour=10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def clock(monkeypatch):
    """Set "now" to 10:00 (local) of a given day: services, deadlines and documents follow it."""
    def set_day(day: date, hour=10, minute=0):
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment
    return set_day


class Driver:
    """Moves a case along the tier through the services, the way the staff would."""

    def __init__(self, chain, respondent_user):
        self.ch, self.respondent_user = chain, respondent_user

    def file(self, case):
        from cases.adjudication import services as s

        s.adjudication_review(actor=self.ch.officer, case=case, checks=all_ok(), proposal="file")
        s.adjudication_decide_filing(actor=self.ch.chief, case=case, approve=True)
        case.refresh_from_db()
        return case

    def panel(self, case):
        from cases.adjudication import services as s

        ch = self.ch
        return s.adjudication_appoint_panel(actor=ch.chief, case=case, members=[ch.officer, ch.officer2, ch.officer3],
                                            presiding=ch.officer)

    def serve_notice(self, case, received_at=None, method="in_person"):
        from cases.adjudication import services as s

        notice = s.adjudication_issue_answer_notice(actor=self.ch.officer, case=case)
        received_at = received_at or timezone.now()
        s.adjudication_serve(actor=self.ch.officer, case=case, document=notice, party=respondent(case),
                             method=method, sent_at=received_at, received_at=received_at)
        return notice

    def answer(self, case, text="被请求人的产品未落入涉案专利的保护范围，不构成侵权。"):
        from cases.adjudication import services as s

        return s.adjudication_submit_answer(actor=self.respondent_user, case=case, party=respondent(case), text=text)

    def forward(self, case, answer):
        from cases.adjudication import services as s

        return s.adjudication_forward_answer(actor=self.ch.officer, case=case, answer=answer)

    def submit_decision(self, case, found=True):
        from cases.adjudication import services as s

        return s.adjudication_draft_decision(
            actor=self.ch.officer, case=case, infringement_found=found, acts=["make", "sell"] if found else [],
            product="电池散热装置", facts="被请求人制造、销售的电池散热装置具备涉案专利权利要求1的全部技术特征。",
            reasoning="被控侵权产品落入涉案专利权的保护范围，被请求人未经许可实施，构成侵权。", submit=True)

    def decide(self, case, found=True):
        from cases.adjudication import services as s

        self.file(case)
        self.panel(case)
        self.serve_notice(case)
        self.forward(case, self.answer(case))
        self.submit_decision(case, found)
        decision = s.adjudication_decide_decision(actor=self.ch.chief, case=case, approve=True)
        case.refresh_from_db()
        return decision

    def serve_decision(self, case, decision, received_at=None):
        from cases.adjudication import services as s

        received_at = received_at or timezone.now()
        for party in (applicant(case), respondent(case)):
            s.adjudication_serve(actor=self.ch.officer, case=case, document=decision.document, party=party,
                                 method="post", sent_at=received_at, received_at=received_at)


@pytest.fixture
def drive(office_chain, respondent_user):
    return Driver(office_chain, respondent_user)


def open_nodes(case) -> list[str]:
    """The open tasks of the case's flows, by node name (sorted)."""
    from workflows.flows.adjudication import open_steps

    return sorted(step.node for step in open_steps([case.pk]).get(case.pk, []))
