"""A hand-counted little world for the survey and statistics tests.

A settable clock (``Clock``) drives ``timezone.now`` and the timestamps of case events, so
each case walks its real services (``case_create``, ``case_enter_tier``, ``case_change_status``,
grants, deadlines, surveys) on chosen days. The figures the tests expect are counted by hand
in ``tests/statistics/test_figures.py`` from the story told in ``build_world``.
"""
import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from cases.models import CaseEvent, CaseStatus, Deadline, Industry, Organization, Role
from cases.services import case_change_status, case_enter_tier, case_grant_user
from cases.services.deadlines import deadline_complete, deadline_open
from cases.services.organizations import organization_create
from cases.surveys.models import SurveyInvitation
from cases.surveys.services import survey_answer
from tests.factories import DistrictFactory, UserFactory, complainant, credit_code, id_number, make_case, staff

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(month, day, hour=10, year=2026):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


class Clock:
    """The time every service sees: ``timezone.now`` and the default of ``CaseEvent.created_at``."""

    def __init__(self, start):
        self.now = start

    def set(self, when):
        self.now = when
        return when

    def __call__(self):
        return self.now


def install_clock(monkeypatch, start=None) -> Clock:
    clock = Clock(start or at(3, 1))
    monkeypatch.setattr(timezone, "now", clock)
    monkeypatch.setattr(CaseEvent._meta.get_field("created_at"), "_get_default", clock)
    return clock


def chain(district, prefix, abbr):
    orgs = {}
    for key, name, kind, number in [
        ("centre", f"{prefix}知识产权保护中心", Organization.Kind.PROTECTION_CENTRE, f"{abbr}知受"),
        ("committee", f"{prefix}知识产权纠纷人民调解委员会", Organization.Kind.MEDIATION_COMMITTEE, f"{abbr}知调"),
        ("office", f"{prefix}市场监督管理局（知识产权局）", Organization.Kind.IP_OFFICE, f"{abbr}市监知裁"),
        ("station", f"重庆知识产权法庭{prefix[:2]}巡回审判站", Organization.Kind.CIRCUIT_STATION, f"渝知巡{abbr}"),
        ("supervision", f"{prefix}知识产权统计监督办公室", Organization.Kind.SUPERVISION, f"{abbr}知统"),
    ]:
        orgs[key] = organization_create(name=name, kind=kind, district=district, number_abbr=number,
                                        address=f"重庆市{prefix}", phone="023-41400000")
    return SimpleNamespace(**orgs)


def people(bishan):
    city_office = organization_create(name="重庆市知识产权统计监督处", kind=Organization.Kind.SUPERVISION,
                                      district=None, number_abbr="渝知统")
    return SimpleNamespace(
        clerk=staff(Role.INTAKE_CLERK, bishan.centre, full_name="王受理"),
        mediator=staff(Role.MEDIATOR, bishan.committee, full_name="陈调解"),
        mediator_b=staff(Role.MEDIATOR, bishan.committee, full_name="刘调解"),
        director=staff(Role.COMMITTEE_DIRECTOR, bishan.committee, full_name="周主任"),
        officer=staff(Role.ENFORCEMENT_OFFICER, bishan.office, full_name="赵办案"),
        chief=staff(Role.ADJUDICATION_CHIEF, bishan.office, full_name="钱负责人"),
        supervisor=staff(Role.SUPERVISOR, bishan.supervision, full_name="吴监督"),
        city_supervisor=staff(Role.SUPERVISOR, city_office, full_name="郑市级"),
        complainant=complainant(full_name="李明", phone="13900001111"),
    )


def accept(case, *, to, org, actor):
    """Leave intake for a tier: the triage clock is met, the case enters the tier's organisation."""
    for deadline in case.deadlines.filter(state=Deadline.State.RUNNING):
        deadline_complete(deadline=deadline, actor=actor)
    case_enter_tier(case=case, actor=actor, organization=org, status=to, number=False)


def close_intake(case, *, to, actor):
    for deadline in case.deadlines.filter(state=Deadline.State.RUNNING):
        deadline_complete(deadline=deadline, actor=actor)
    case_change_status(case=case, actor=actor, to=to)


def parties(applicant="李明", applicant_user=None, respondent="重庆某某机械有限公司", code=None, agent=False,
            applicant_phone="13812345678"):
    rows = [
        {"role": "applicant", "kind": "person", "name": applicant, "id_number": id_number(), "phone": applicant_phone,
         "email": "liming@example.cn", "address": "重庆市璧山区璧泉街道88号", "user": applicant_user},
        {"role": "respondent", "kind": "organization", "name": respondent, "credit_code": code or credit_code(),
         "legal_representative": "张伟", "phone": "023-41234567", "address": "重庆市璧山区青杠街道工业园12号"},
    ]
    if agent:
        rows.append({"role": "agent", "kind": "person", "name": "赵律师", "phone": "13700000000", "represents": 0})
    return rows


def new_case(clock, when, org, *, amount=None, ip_kind="utility_model", industry=None, **party_kwargs):
    clock.set(when)
    return make_case(
        organization=org, submitted_at=when, amount_in_dispute=amount, ip_kind=ip_kind, industry=industry,
        parties=parties(**party_kwargs),
        facts="申请人李明（身份证号码见附件）发现被申请人重庆某某机械有限公司未经许可制造、销售侵权产品，"
              "联系电话13812345678。",
    )


def answer(invitation, scores, recommend=True, comment=""):
    fields = ("convenience", "timeliness", "professionalism", "fairness", "outcome")
    return survey_answer(invitation=invitation, answers={**dict(zip(fields, scores, strict=True)),
                                                         "would_recommend": recommend, "comment": comment})


def build_world(clock):
    """The story (璧山区 unless said otherwise; all in 2026):

    C1 submitted 3-2, accepted to mediation 3-4, mediator 陈 granted 3-5, mediating 3-5, mediated 3-12;
       标的 10万, recovered 6万; utility model, 新能源汽车; respondent code X.
    C2 submitted 3-3, to mediation 3-5, 陈 granted 3-6, mediating 3-6, terminated 3-20; 标的 5万; trademark, 大健康.
    C3 submitted 3-5, refused 3-6; 标的 2万; copyright, 其他.
    C4 submitted 3-10, to adjudication review 3-13, adjudicating 3-16 with officer 赵 granted; a deadline
       due 3-20 still running (overdue from 3-21); 标的 30万; invention patent, 智能装备; respondent code X.
    C5 submitted 2-20, to mediation 2-25, mediator 刘 granted 2-26, mediating; open; 标的 8万; utility model.
    C6 submitted 3-25, waiting for triage; design patent, 新一代信息技术; respondent code X.
    C7 (长寿区) submitted 3-10, to mediation 3-11, mediated 3-18; 标的 100万.
    Surveys: invited 3-21; C1 applicant (5,4,4,3,5) yes 3-22, C1 respondent (5,5,5,5,5) yes 3-23,
    C2 applicant (1,2,3,4,5) no 3-24; C7 applicant (4,4,4,4,4) yes 3-24. Refresh on 3-31 18:00.
    """
    from cases.surveys.tasks import invite_closed_cases

    bishan = chain(DistrictFactory(name="璧山区", abbr="璧"), "璧山区", "璧")
    changshou = chain(DistrictFactory(name="长寿区", abbr="长"), "长寿区", "长")
    who = people(bishan)
    ind = {name: Industry.objects.get_or_create(name=name, defaults={"order": i})[0]
           for i, name in enumerate(["新能源汽车", "新一代信息技术", "智能装备", "大健康", "其他"])}
    code_x = credit_code(seed=424242)
    S = CaseStatus

    c5 = new_case(clock, at(2, 20), bishan.centre, amount=Decimal("80000"), industry=ind["新能源汽车"],
                  applicant="孙丽")
    clock.set(at(2, 25))
    accept(c5, to=S.MEDIATION_ASSIGNMENT, org=bishan.committee, actor=who.clerk)
    clock.set(at(2, 26))
    case_grant_user(case=c5, user=who.mediator_b, actor=who.director)
    case_change_status(case=c5, actor=who.mediator_b, to=S.MEDIATING)

    c1 = new_case(clock, at(3, 2), bishan.centre, amount=Decimal("100000"), industry=ind["新能源汽车"],
                  applicant_user=who.complainant, code=code_x, agent=True)
    c2 = new_case(clock, at(3, 3), bishan.centre, amount=Decimal("50000"), ip_kind="trademark",
                  industry=ind["大健康"], applicant="王芳")
    clock.set(at(3, 4))
    accept(c1, to=S.MEDIATION_ASSIGNMENT, org=bishan.committee, actor=who.clerk)
    c3 = new_case(clock, at(3, 5), bishan.centre, amount=Decimal("20000"), ip_kind="copyright", industry=ind["其他"],
                  applicant="赵强")
    accept(c2, to=S.MEDIATION_ASSIGNMENT, org=bishan.committee, actor=who.clerk)
    case_grant_user(case=c1, user=who.mediator, actor=who.director)
    case_change_status(case=c1, actor=who.mediator, to=S.MEDIATING)
    clock.set(at(3, 6))
    close_intake(c3, to=S.REFUSED, actor=who.clerk)
    case_grant_user(case=c2, user=who.mediator, actor=who.director)
    case_change_status(case=c2, actor=who.mediator, to=S.MEDIATING)

    c4 = new_case(clock, at(3, 10), bishan.centre, amount=Decimal("300000"), ip_kind="invention_patent",
                  industry=ind["智能装备"], applicant="周杰", code=code_x)
    c7 = new_case(clock, at(3, 10), changshou.centre, amount=Decimal("1000000"), industry=ind["新能源汽车"],
                  applicant="钱多")
    clock.set(at(3, 11))
    accept(c7, to=S.MEDIATION_ASSIGNMENT, org=changshou.committee, actor=who.clerk)
    case_change_status(case=c7, actor=who.clerk, to=S.MEDIATING)
    clock.set(at(3, 12))
    case_change_status(case=c1, actor=who.mediator, to=S.MEDIATED)
    from cases.models import Case

    Case.objects.filter(pk=c1.pk).update(losses_recovered=Decimal("60000"))
    clock.set(at(3, 13))
    accept(c4, to=S.ADJUDICATION_REVIEW, org=bishan.office, actor=who.clerk)
    clock.set(at(3, 16))
    case_change_status(case=c4, actor=who.officer, to=S.ADJUDICATING)
    case_grant_user(case=c4, user=who.officer, actor=who.chief)
    deadline_open(case=c4, kind="adjudication_answer", label="答辩期限", unit="days", length=4,
                  start_date=datetime.date(2026, 3, 16), actor=who.officer)
    clock.set(at(3, 18))
    case_change_status(case=c7, actor=who.clerk, to=S.MEDIATED)
    clock.set(at(3, 20))
    case_change_status(case=c2, actor=who.mediator, to=S.MEDIATION_TERMINATED)

    clock.set(at(3, 21))
    invite_closed_cases.delay()
    inv = {(i.case_id, i.party.role): i for i in SurveyInvitation.objects.select_related("party")}
    clock.set(at(3, 22))
    answer(inv[(c1.pk, "applicant")], (5, 4, 4, 3, 5), True, comment="调解员很耐心。")
    clock.set(at(3, 23))
    answer(inv[(c1.pk, "respondent")], (5, 5, 5, 5, 5), True)
    clock.set(at(3, 24))
    answer(inv[(c2.pk, "applicant")], (1, 2, 3, 4, 5), False)
    answer(inv[(c7.pk, "applicant")], (4, 4, 4, 4, 4), True)

    c6 = new_case(clock, at(3, 25), bishan.centre, ip_kind="design_patent", industry=ind["新一代信息技术"],
                  applicant="吴敏", code=code_x)
    clock.set(at(3, 31, 18))
    return SimpleNamespace(bishan=bishan, changshou=changshou, who=who, industries=ind, code_x=code_x,
                           cases=SimpleNamespace(c1=c1, c2=c2, c3=c3, c4=c4, c5=c5, c6=c6, c7=c7), invitations=inv)


__all__ = ["UserFactory", "at", "build_world", "install_clock"]
