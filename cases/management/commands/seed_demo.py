"""Demo data for 璧山区: organisations, staff for every tier, a few hundred realistic cases.

Every case walks the real chain: ``case_create``, the intake services, the router
(``workflows.router``) and the 快调 / 速裁 tier services, so consents, assignments,
sessions, agreements, panels, notices, answers, hearings, decisions, flow processes,
deadlines and documents are the real ones and every queue and board has work in it.

Time is realistic: each case's story is told on a clock set back in time (``timezone.now``
and the ``default=timezone.now`` of every model field are patched while a case is
driven, as ``tests/statistics/world.py`` does), so durations, deadlines and the
statistics look like a district's year.

Idempotent and deterministic: organisations and users are looked up before they are
created; the story of case ``i`` depends only on ``--seed`` and ``i``, and only the cases
still missing up to ``--cases`` are added. The first cases take every story once, so even
a small ``--cases`` covers every tier and status.
"""
import io
import random
import time as walltime
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases import calendar as workcal
from cases import services
from cases.models import (
    Case,
    CaseStatus,
    District,
    Industry,
    Organization,
    Party,
    Role,
    User,
)
from cases.services.organizations import organization_create, user_join_organization

ORIGINAL_NOW = timezone.now
DEMO_PASSWORD = "Demo@2026ipdr"
INDUSTRIES = ["新能源汽车", "新一代信息技术", "智能装备", "大健康", "其他"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "红梅", "国平", "子涵", "雨桐", "浩然"]
COMPANY_WORDS = {
    "新能源汽车": ["璧联新能源汽车零部件", "渝璧电驱动科技", "青杠动力电池", "来凤智行汽车电子"],
    "新一代信息技术": ["璧山云数科技", "渝西智芯微电子", "璧泉软件", "缙云信息技术"],
    "智能装备": ["璧城智能装备制造", "丁家精密机械", "渝璧机器人", "大路数控设备"],
    "大健康": ["璧山康源生物医药", "健龙医疗器械", "青杠中药饮片", "福禄健康食品"],
    "其他": ["璧南文化传媒", "河边家具", "七塘农业开发", "正兴鞋业"],
}
PRODUCTS = {
    "新能源汽车": ("一种动力电池包液冷散热装置", "电池包壳体"),
    "新一代信息技术": ("一种基于边缘计算的数据同步方法", "智能终端"),
    "智能装备": ("一种数控机床自动换刀机构", "机床防护罩"),
    "大健康": ("一种便携式血糖检测装置", "药品包装盒"),
    "其他": ("一种折叠办公椅", "餐具"),
}
PATENT_KINDS = ("invention_patent", "utility_model", "design_patent")

# The stories a demo case can tell: (weight, name, steps). Each step is a method of ``Story``
# named ``step_<name>``; ``GAPS`` says how many days pass before it. The first ``len(STORIES)``
# cases take each story once (in this order), the rest are drawn by weight.
STORIES = [
    # 受理 (intake)
    (8, "submitted", []),
    (4, "supplement", ["supplement"]),
    (3, "lapsed", ["supplement", "lapse"]),
    (4, "refused", ["refuse"]),
    (3, "withdrawn", ["withdraw"]),
    # 快调 (mediation)
    (5, "consent_pending", ["to_mediation"]),
    (5, "waiting_assignment", ["to_mediation", "consent_yes"]),
    (3, "offered", ["to_mediation", "consent_yes", "assign"]),
    (9, "mediating", ["to_mediation", "consent_yes", "assign", "take", "session_held", "session_next"]),
    (3, "confirming", ["to_mediation", "consent_yes", "assign", "take", "session_held", "agreement"]),
    (2, "to_seal", ["to_mediation", "consent_yes", "assign", "take", "session_held", "agreement", "confirm",
                    "sign"]),
    (22, "mediated", ["to_mediation", "consent_yes", "assign", "take", "session_held", "session_held",
                      "agreement", "confirm", "sign", "seal", "followup"]),
    (3, "confirmation_pending", ["to_mediation", "consent_yes", "assign", "take", "session_held", "agreement",
                                 "confirm", "sign", "seal", "judicial"]),
    (4, "terminated", ["to_mediation", "consent_yes", "assign", "take", "session_held", "terminate"]),
    (3, "refused_to_court", ["to_mediation", "consent_no", "to_court_after"]),
    (3, "terminated_to_adjudication", ["to_mediation", "consent_yes", "assign", "take", "session_held",
                                       "terminate", "to_adjudication_after"]),
    (4, "terminated_court_closed", ["to_mediation", "consent_no", "to_court_after", "in_court", "court_closed"]),
    # 速裁 (adjudication)
    (4, "adj_review", ["to_adjudication"]),
    (2, "adj_filing_approval", ["to_adjudication", "adj_review"]),
    (4, "adj_answer_pending", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "adj_notice"]),
    (2, "adj_technical", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "adj_notice", "adj_answer",
                          "adj_technical"]),
    (3, "adj_hearing", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "adj_notice", "adj_answer",
                        "adj_hearing_next"]),
    (2, "adj_suspended", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "adj_notice", "adj_answer",
                          "adj_suspend"]),
    (2, "adj_decision_approval", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "adj_notice",
                                  "adj_answer", "adj_hearing_held", "adj_draft"]),
    (3, "adj_decided", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "adj_notice", "adj_answer",
                        "adj_hearing_held", "adj_draft", "adj_approve", "adj_serve_decision"]),
    (6, "adj_final", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "adj_notice", "adj_answer",
                      "adj_technical", "adj_opinion", "adj_hearing_held", "adj_draft", "adj_approve",
                      "adj_serve_decision", "adj_final", "adj_performance"]),
    (2, "adj_suit", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "adj_notice", "adj_answer",
                     "adj_hearing_held", "adj_draft", "adj_approve", "adj_serve_decision", "adj_suit",
                     "in_court"]),
    (1, "adj_withdrawn", ["to_adjudication", "adj_review", "adj_file", "adj_panel", "withdraw"]),
    # 精审 (tribunal)
    (3, "court_transferred", ["to_court"]),
    (2, "court_in_court", ["to_court", "in_court"]),
    (2, "court_closed", ["to_court", "in_court", "court_closed"]),
]
# Days that pass before each step (a session or hearing step also waits for its own day).
GAPS = {
    "supplement": 2, "lapse": 13, "refuse": 3, "withdraw": 4, "to_mediation": 2, "consent_yes": 3, "consent_no": 4,
    "assign": 1, "take": 1, "session_held": 1, "session_next": 1, "agreement": 2, "confirm": 2, "sign": 0,
    "seal": 1, "judicial": 4, "terminate": 6, "to_court_after": 5, "to_adjudication_after": 5, "to_court": 3,
    "in_court": 12, "court_closed": 75, "to_adjudication": 3, "adj_review": 2, "adj_file": 1, "adj_panel": 0,
    "adj_notice": 1, "adj_answer": 10, "adj_technical": 2, "adj_opinion": 6, "adj_hearing_next": 1,
    "adj_hearing_held": 1, "adj_suspend": 4, "adj_draft": 8, "adj_approve": 2, "adj_serve_decision": 2,
    "adj_final": 19, "adj_suit": 9, "followup": 25, "adj_performance": 30,
}
STEP_DAYS = {"session_held": 5, "adj_hearing_held": 8, "adj_answer": 2, "adj_suspend": 1}  # extra days inside
CLOSED_STORIES = {"lapsed", "refused", "withdrawn", "mediated", "terminated", "terminated_court_closed",
                  "adj_final", "adj_withdrawn", "court_closed"}
MEDIATOR_PROFILES = {
    # username: (industries, IP kinds, title)
    "mediator": (["新能源汽车", "智能装备"], ["invention_patent", "utility_model"], "高级工程师、专职调解员"),
    "mediator2": (["新一代信息技术", "大健康"], ["trademark", "copyright", "trade_secret"], "律师、专职调解员"),
    "mediator3": (["智能装备", "其他"], ["utility_model", "design_patent", "trademark"], "专利代理师、兼职调解员"),
}
ORGS = [
    # (key, name, kind, number abbreviation)
    ("centre", "璧山区知识产权保护中心", Organization.Kind.PROTECTION_CENTRE, "璧知受"),
    ("committee", "璧山区知识产权纠纷人民调解委员会", Organization.Kind.MEDIATION_COMMITTEE, "璧知调"),
    ("office", "璧山区市场监督管理局（知识产权局）", Organization.Kind.IP_OFFICE, "璧市监知裁"),
    ("station", "重庆知识产权法庭璧山巡回审判站", Organization.Kind.CIRCUIT_STATION, "渝知巡璧"),
    ("supervision", "璧山区知识产权统计监督办公室", Organization.Kind.SUPERVISION, "璧知统"),
]
ACCOUNTS = [
    # (username, name, role, organisation key)
    ("complainant", "李明", Role.COMPLAINANT, None),
    ("respondent", "重庆渝西智芯微电子有限公司（张华）", Role.RESPONDENT, None),
    ("intake", "王芳", Role.INTAKE_CLERK, "centre"),
    ("mediator", "陈建华", Role.MEDIATOR, "committee"),
    ("mediator2", "王晓燕", Role.MEDIATOR, "committee"),
    ("mediator3", "邓志刚", Role.MEDIATOR, "committee"),
    ("director", "周国平", Role.COMMITTEE_DIRECTOR, "committee"),
    ("officer", "刘勇", Role.ENFORCEMENT_OFFICER, "office"),
    ("officer2", "陈静", Role.ENFORCEMENT_OFFICER, "office"),
    ("officer3", "周涛", Role.ENFORCEMENT_OFFICER, "office"),
    ("chief", "赵志强", Role.ADJUDICATION_CHIEF, "office"),
    ("investigator", "孙晓东", Role.TECHNICAL_INVESTIGATOR, "office"),
    ("clerk", "杨静", Role.TRIBUNAL_CLERK, "station"),
    ("judge", "黄海燕", Role.JUDGE, "station"),
    ("supervisor", "吴红梅", Role.SUPERVISOR, "supervision"),
    ("admin", "系统管理员", Role.SYSADMIN, "centre"),
]


def _id_number(rng) -> str:
    body = "500227" + f"{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def _credit_code(rng) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91500227" + "".join(rng.choice(alphabet) for _ in range(9))
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return body + alphabet[(31 - sum(alphabet.index(c) * w for c, w in zip(body, weights, strict=True)) % 31) % 31]


def _patent_number(rng, kind_digit) -> str:
    digits = f"{rng.randint(2018, 2025)}{kind_digit}{rng.randint(0, 9999999):07d}"
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    check = sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
    return f"ZL{digits}.{'X' if check == 10 else check}"


def _phone(rng) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"


def _evidence_pdf(title: str) -> bytes:
    """A one-page PDF 'scan' made with Pillow, so demo evidence is a real file."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([40, 40, 555, 802], outline="black", width=2)
    draw.text((60, 60), title.encode("ascii", "ignore").decode() or "EVIDENCE", fill="black")
    buf = io.BytesIO()
    img.save(buf, "PDF")
    return buf.getvalue()


class Clock:
    """The time every service sees while a case is driven; it never passes the real "now"."""

    def __init__(self, start, limit, rng):
        self.now, self.limit, self.rng = min(start, limit), limit, rng

    def __call__(self):
        return self.now

    def today(self):
        return timezone.localdate(self.now)

    def set(self, when):
        self.now = max(self.now, min(when, self.limit))
        return self.now

    def after(self, days):
        """``days`` later, on a working day, in office hours."""
        if days <= 0:
            return self.set(self.now + timedelta(minutes=self.rng.randint(5, 50)))
        return self.set(work_moment(self.today() + timedelta(days=days), self.rng))


def work_moment(day, rng, hour=None):
    while not workcal.is_workday(day):
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour or rng.randint(9, 16), rng.choice([0, 15, 30, 45]))))


@contextmanager
def clock_installed(clock):
    """Patch ``timezone.now`` and every ``default=timezone.now`` field (as tests/statistics/world.py does)."""
    fields = [f for model in apps.get_models() for f in model._meta.concrete_fields if f.default is ORIGINAL_NOW]
    saved = [(f, f.__dict__.get("_get_default")) for f in fields]
    timezone.now = clock
    for f in fields:
        f._get_default = clock
    try:
        yield clock
    finally:
        timezone.now = ORIGINAL_NOW
        for f, old in saved:
            if old is None:
                f.__dict__.pop("_get_default", None)
            else:
                f._get_default = old


def all_ok():
    from cases.adjudication.models import AcceptanceCondition

    return {c: {"ok": True, "note": ""} for c in AcceptanceCondition.values}


class Story:
    """Drives one case through the services, step by step, the way the staff and the parties would."""

    def __init__(self, case, *, users, rng, clock, amount):
        self.case, self.u, self.rng, self.clock, self.amount = case, users, rng, clock, amount
        self.mediator = None

    # ---------- helpers ----------
    def refresh(self):
        self.case.refresh_from_db()
        return self.case

    @property
    def applicant_actor(self):
        user = self.applicant.user
        return user or self.u["intake"]

    @property
    def applicant(self):
        return self.case.parties.filter(role=Party.PartyRole.APPLICANT).first()

    @property
    def respondent(self):
        return self.case.parties.filter(role=Party.PartyRole.RESPONDENT).first()

    def run(self, step):
        self.clock.after(GAPS.get(step, 1))
        getattr(self, f"step_{step}")()
        self.refresh()

    # ---------- 受理 ----------
    def step_supplement(self):
        from cases.intake import services as intake

        intake.intake_request_supplement(actor=self.u["intake"], case=self.case, items=["applicant_id"],
                                         note="请补充提交权利证书的有效性证明（年费缴纳凭证）。")

    def step_lapse(self):
        from cases.intake import services as intake

        intake.intake_lapse(case=self.case)

    def step_refuse(self):
        from cases.intake import services as intake

        ground = self.rng.choice(["limitation", "court_docketed", "not_ip"])
        intake.intake_refuse(actor=self.u["intake"], case=self.case, grounds=[ground],
                             reason_text="经审查，申请不符合受理条件。")

    def step_withdraw(self):
        from workflows import router

        router.withdraw(actor=self.applicant_actor, case=self.case, reason="双方已自行和解，申请人撤回申请。")

    # ---------- 快调 ----------
    def step_to_mediation(self):
        from workflows import router

        router.accept_complaint(actor=self.u["intake"], case=self.case, route="mediation", note="当事人选择调解。")

    def _consent(self, agreed):
        from workflows import router

        consent = self.case.mediation_consents.filter(answered_at=None).first()
        router.answer_mediation_invitation(
            actor=self.u["director"], consent=consent, agreed=agreed, channel="phone",
            reason="" if agreed else "被申请人认为其产品未落入保护范围，不同意调解。")

    def step_consent_yes(self):
        self._consent(True)

    def step_consent_no(self):
        self._consent(False)

    def step_assign(self):
        from mediation import matching
        from mediation import services as med

        eligible = [c for c in matching.candidates(self.case) if not c.excluded and not c.full]
        top = eligible[:2] or [c for c in matching.candidates(self.case) if not c.excluded]
        self.mediator = self.rng.choice(top).mediator
        med.mediation_assign(actor=self.u["director"], case=self.case, mediator=self.mediator,
                             note="擅长领域与本案相符。")

    def step_take(self):
        from mediation import services as med

        med.mediation_assignment_accept(actor=self.mediator, case=self.case, conflict=False)

    def _session(self, day, *, held):
        from mediation import services as med

        online = self.rng.random() < 0.3
        starts = work_moment(day, self.rng, hour=self.rng.choice([9, 10, 14, 15]))
        session = med.session_schedule(
            actor=self.mediator, case=self.case, mode="online" if online else "in_person", starts_at=starts,
            place="" if online else "璧山区知识产权纠纷人民调解委员会第一调解室",
            meeting_link=f"https://meeting.bishan.gov.cn/r/{self.case.pk}" if online else "")
        if held:
            self.clock.set(session.starts_at + timedelta(hours=2))
            med.session_record(actor=self.mediator, session=session, attendees=["申请人", "被申请人"],
                               summary="双方陈述意见，调解员释明相关法律规定。", next_steps="双方回去考虑赔偿方案")

    def step_session_held(self):
        self._session(self.clock.today() + timedelta(days=self.rng.randint(2, 5)), held=True)

    def step_session_next(self):
        day = max(self.clock.today(), timezone.localdate(self.clock.limit)) + timedelta(days=self.rng.randint(1, 6))
        self._session(day, held=False)

    def step_agreement(self):
        from mediation import services as med

        pay = (self.amount * Decimal(self.rng.choice([30, 50, 60, 80])) / 100).quantize(Decimal("1"))
        med.agreement_save(
            actor=self.mediator, case=self.case,
            facts="被申请人生产、销售的产品与涉案权利相同或近似，双方就赔偿达成一致。",
            terms=f"被申请人立即停止生产、销售涉案产品\n被申请人赔偿申请人经济损失人民币{pay}元",
            performance="银行转账至申请人账户", amount=pay,
            performance_due=self.clock.today() + timedelta(days=self.rng.choice([15, 20, 30])))
        med.agreement_issue(actor=self.mediator, case=self.case)

    def step_confirm(self):
        from mediation import services as med

        for party in (self.applicant, self.respondent):
            med.agreement_record_signature(actor=self.mediator, case=self.case, party=party)

    def step_sign(self):
        from mediation import services as med

        med.agreement_sign(actor=self.mediator, case=self.case)

    def step_seal(self):
        from mediation import services as med

        med.agreement_seal(actor=self.u["director"], case=self.case)

    def _in_the_past(self):
        """A follow-up is told only when its day has really come (and not always: some stay open)."""
        return self.clock.now < self.clock.limit and self.rng.random() < 0.8

    def step_followup(self):
        from mediation import services as med

        if self._in_the_past():
            med.followup_record(actor=self.mediator, case=self.case, result="performed",
                                contact="电话回访申请人", note="被申请人已按协议履行赔偿。")

    def step_judicial(self):
        from workflows import router

        router.apply_judicial_confirmation(actor=self.applicant.user, case=self.case)
        self.clock.after(1)
        router.apply_judicial_confirmation(actor=self.respondent.user, case=self.case)

    def step_terminate(self):
        from workflows import router

        router.terminate_mediation(actor=self.mediator, case=self.case, reason="no_agreement",
                                   note="双方对赔偿数额分歧较大，无法达成一致。")

    def step_to_court_after(self):
        from workflows import router

        router.continue_after_mediation(actor=self.applicant_actor, case=self.case, route="litigation")

    def step_to_adjudication_after(self):
        from workflows import router

        router.continue_after_mediation(actor=self.applicant_actor, case=self.case, route="adjudication")

    # ---------- 精审 ----------
    def step_to_court(self):
        from workflows import router

        router.accept_complaint(actor=self.u["intake"], case=self.case, route="litigation",
                                note="当事人要求直接向人民法院起诉。")

    def step_in_court(self):
        services.case_change_status(case=self.case, actor=self.u["clerk"], to=CaseStatus.IN_COURT,
                                    reason="巡回审判站已立案")

    def step_court_closed(self):
        services.case_change_status(case=self.case, actor=self.u["judge"], to=CaseStatus.COURT_CLOSED,
                                    reason="人民法院已审结")

    # ---------- 速裁 ----------
    def step_to_adjudication(self):
        from workflows import router

        router.accept_complaint(actor=self.u["intake"], case=self.case, route="adjudication",
                                note="专利侵权纠纷，请求行政裁决。")

    def step_adj_review(self):
        from cases.adjudication import services as adj

        adj.adjudication_review(actor=self.u["officer"], case=self.case, checks=all_ok(), proposal="file")

    def step_adj_file(self):
        from cases.adjudication import services as adj

        adj.adjudication_decide_filing(actor=self.u["chief"], case=self.case, approve=True)

    def step_adj_panel(self):
        from cases.adjudication import services as adj

        members = [self.u["officer"], self.u["officer2"], self.u["officer3"]]
        adj.adjudication_appoint_panel(actor=self.u["chief"], case=self.case, members=members,
                                       presiding=self.rng.choice(members))

    def step_adj_notice(self):
        from cases.adjudication import services as adj

        notice = adj.adjudication_issue_answer_notice(actor=self.u["officer"], case=self.case)
        adj.adjudication_serve(actor=self.u["officer"], case=self.case, document=notice, party=self.respondent,
                               method="in_person", sent_at=self.clock(), received_at=self.clock())

    def step_adj_answer(self):
        from cases.adjudication import services as adj

        answer = adj.adjudication_submit_answer(
            actor=self.u["officer"], case=self.case, party=self.respondent, channel="paper", received_at=self.clock(),
            text="被请求人的产品与涉案专利的技术方案不同，未落入其保护范围，不构成侵权。")
        self.clock.after(STEP_DAYS["adj_answer"])
        adj.adjudication_forward_answer(actor=self.u["officer"], case=self.case, answer=answer)

    def step_adj_technical(self):
        from cases.adjudication import services as adj

        self.question = adj.adjudication_ask_technical(
            actor=self.u["officer"], case=self.case, investigator=self.u["investigator"],
            questions="被控侵权产品的技术特征是否与涉案专利权利要求1的技术特征相同或等同？",
            evidence=list(self.case.evidence.all()))

    def step_adj_opinion(self):
        from cases.adjudication import services as adj

        adj.adjudication_give_opinion(actor=self.u["investigator"], case=self.case, question=self.question,
                                      opinion="经比对，被控侵权产品具备权利要求1的全部技术特征。")

    def _hearing(self, day):
        from cases.adjudication import services as adj

        day = max(day, adj.earliest_hearing_date(self.clock.today()))
        hearing = adj.adjudication_schedule_hearing(
            actor=self.u["officer"], case=self.case, scheduled_at=work_moment(day, self.rng, hour=9),
            place="璧山区市场监督管理局第一审理室")
        return hearing

    def step_adj_hearing_next(self):
        self._hearing(max(self.clock.today(), timezone.localdate(self.clock.limit))
                      + timedelta(days=self.rng.randint(3, 8)))

    def step_adj_hearing_held(self):
        from cases.adjudication import services as adj

        hearing = self._hearing(self.clock.today())
        self.clock.set(hearing.scheduled_at + timedelta(hours=2))
        adj.adjudication_record_hearing(actor=self.u["officer"], case=self.case, hearing=hearing,
                                        attendees="请求人及其代理人、被请求人的委托代理人",
                                        record="请求人陈述请求事项及理由，被请求人答辩，双方质证并发表辩论意见。")

    def step_adj_suspend(self):
        from cases.adjudication import services as adj

        request = adj.adjudication_request_suspension(
            actor=self.u["officer"], case=self.case, party=self.respondent,
            invalidation_number=f"4W{self.rng.randint(100000, 999999)}",
            invalidation_accepted_on=self.clock.today() - timedelta(days=3),
            reason="被请求人已向国家知识产权局请求宣告涉案专利权无效并被受理。")
        self.clock.after(STEP_DAYS["adj_suspend"])
        adj.adjudication_decide_suspension(actor=self.u["chief"], case=self.case, request=request, grant=True)

    def step_adj_draft(self):
        from cases.adjudication import services as adj

        adj.adjudication_draft_decision(
            actor=self.u["officer"], case=self.case, infringement_found=True, acts=["make", "sell"],
            product=self.case.ip_rights.first().title if self.case.ip_rights.exists() else "涉案产品",
            facts="被请求人制造、销售的产品具备涉案专利权利要求1的全部技术特征。",
            reasoning="被控侵权产品落入涉案专利权的保护范围，被请求人未经许可实施，构成侵权。", submit=True)

    def step_adj_approve(self):
        from cases.adjudication import services as adj

        adj.adjudication_decide_decision(actor=self.u["chief"], case=self.case, approve=True)

    def step_adj_serve_decision(self):
        from cases.adjudication import services as adj

        document = self.case.adjudication.decision.document
        for party in (self.applicant, self.respondent):
            adj.adjudication_serve(actor=self.u["officer"], case=self.case, document=document, party=party,
                                   method="post", sent_at=self.clock(), received_at=self.clock())

    def step_adj_final(self):
        from workflows import router

        router.adjudication_decision_final(actor=self.u["officer"], case=self.case)

    def step_adj_performance(self):
        from cases.adjudication import services as adj

        if self._in_the_past():
            adj.adjudication_close_performance(actor=self.u["officer"], case=self.case, performed=True,
                                               note="经现场检查，被请求人已停止制造、销售侵权产品。")

    def step_adj_suit(self):
        from workflows import router

        router.adjudication_suit_filed(actor=self.u["officer"], case=self.case, party=self.respondent,
                                       court="重庆市第一中级人民法院", filed_on=self.clock.today(),
                                       court_reference=f"（{self.clock.today().year}）渝01行初"
                                                       f"{self.rng.randint(10, 999)}号")


def story_span(steps) -> int:
    return sum(GAPS.get(s, 1) + STEP_DAYS.get(s, 0) + 2 for s in steps)


class Command(BaseCommand):
    help = "Load realistic demo data for 璧山区 (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=240, help="How many demo cases the district should have.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        # Demo notices go to memory, not the console: thousands of them would bury the account list.
        from django.test.utils import override_settings

        with override_settings(SMS_BACKEND="cases.notifications.LocMemSMSBackend",
                               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._handle(**options)

    def _handle(self, *, cases, seed, quiet, **options):
        started = walltime.monotonic()
        services.access.ensure_role_groups()
        district, _ = District.objects.get_or_create(name="璧山区", defaults={"abbr": "璧"})
        orgs = {
            key: organization_create(name=name, kind=kind, district=district, number_abbr=abbr,
                                     address="重庆市璧山区璧泉街道", phone="023-41400000")
            for key, name, kind, abbr in ORGS
        }
        industries = {
            name: Industry.objects.get_or_create(name=name, defaults={"order": i})[0]
            for i, name in enumerate(INDUSTRIES)
        }
        users = self._accounts(orgs, industries)
        existing = Case.objects.filter(district=district).count()
        now = ORIGINAL_NOW()
        for i in range(existing, cases):
            self._demo_case(i, random.Random(seed * 100_003 + i), orgs, industries, users, now)
        added = max(cases - existing, 0)
        if not quiet:
            self._print_summary(district, added, walltime.monotonic() - started)
            self._print_accounts()

    def _accounts(self, orgs, industries):
        from django.contrib.auth.hashers import make_password

        from mediation.models import MediatorProfile

        users, hashed = {}, None
        for username, name, role, org_key in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                hashed = hashed or make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
                user = User.objects.create_user(
                    username=username, password=None, full_name=name,
                    email=f"{username}@demo.bishan.gov.cn", phone=f"1390000{len(users):04d}",
                    is_staff=role == Role.SYSADMIN, is_superuser=role == Role.SYSADMIN,
                )
                user.password = hashed
                user.save(update_fields=["password"])
                if org_key:
                    user_join_organization(user=user, organization=orgs[org_key], roles=[role])
                else:
                    services.user_set_roles(user=user, roles=[role])
            if username in MEDIATOR_PROFILES and not MediatorProfile.objects.filter(user=user).exists():
                kinds, ips, title = MEDIATOR_PROFILES[username]
                user.industries.set([industries[k] for k in kinds])
                MediatorProfile.objects.create(user=user, ip_kinds=ips, title=title, max_load=25)
            users[username] = user
        return users

    def _story_for(self, i, rng):
        if i < len(STORIES):
            return STORIES[i]
        return rng.choices(STORIES, weights=[w for w, _n, _s in STORIES])[0]

    @transaction.atomic
    def _demo_case(self, i, rng, orgs, industries, users, now):
        _weight, name, steps = self._story_for(i, rng)
        joint = name == "confirmation_pending"  # 司法确认 needs both parties on the platform
        patent = any(s.startswith("adj_") or "adjudication" in s for s in steps)
        ip_kind = rng.choice(PATENT_KINDS) if patent else rng.choice(
            ["utility_model", "utility_model", "invention_patent", "design_patent", "trademark", "trademark",
             "copyright", "trade_secret"])
        industry_name = rng.choice(INDUSTRIES[:4] * 3 + ["其他"])
        company = rng.choice(COMPANY_WORDS[industry_name]) + "有限公司"
        respondent_company = "重庆" + rng.choice(COMPANY_WORDS[rng.choice(INDUSTRIES)]) + "有限公司"
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        mine = i % 12 == 0 or joint  # the demo complainant's own cases
        if rng.random() < 0.6 and not mine:
            applicant = {"role": Party.PartyRole.APPLICANT, "kind": Party.Kind.ORGANIZATION, "name": "重庆" + company,
                         "credit_code": _credit_code(rng), "legal_representative": person, "phone": _phone(rng),
                         "address": "重庆市璧山区璧泉街道"}
        else:
            applicant = {"role": Party.PartyRole.APPLICANT, "kind": Party.Kind.PERSON,
                         "name": users["complainant"].full_name if mine else person,
                         "id_number": _id_number(rng), "phone": _phone(rng), "address": "重庆市璧山区青杠街道",
                         "user": users["complainant"] if mine else None}
        respondent = {"role": Party.PartyRole.RESPONDENT, "kind": Party.Kind.ORGANIZATION,
                      "name": respondent_company, "credit_code": _credit_code(rng),
                      "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN), "phone": _phone(rng),
                      "address": "重庆市璧山区璧城街道",
                      "user": users["respondent"] if i % 15 == 1 or joint else None}
        invention, product = PRODUCTS[industry_name]
        if ip_kind in PATENT_KINDS:
            digit = {"invention_patent": 1, "utility_model": 2, "design_patent": 3}[ip_kind]
            right = {"kind": ip_kind, "number": _patent_number(rng, digit),
                     "title": product if ip_kind == "design_patent" else invention}
        elif ip_kind == "trademark":
            right = {"kind": ip_kind, "number": str(rng.randint(10000000, 79999999)), "title": "“璧联”商标"}
        elif ip_kind == "copyright":
            right = {"kind": ip_kind, "number": f"{rng.randint(2019, 2025)}SR{rng.randint(0, 9999999):07d}",
                     "title": "智能设备管理软件V2.0"}
        else:
            right = {"kind": ip_kind, "number": "", "title": "客户名单及工艺参数"}
        right["holder"] = applicant["name"]
        span = story_span(steps)
        age = span + (rng.randint(30, 420) if name in CLOSED_STORIES else rng.randint(0, 3))
        amount = Decimal(rng.choice([5, 10, 20, 30, 50, 80, 100, 150, 300])) * 10000
        clock = Clock(work_moment(timezone.localdate(now) - timedelta(days=age), rng), now, rng)
        with clock_installed(clock):
            case = services.case_create(
                actor=users["complainant"] if mine else users["intake"],
                organization=orgs["centre"],
                dispute_type="infringement" if patent or rng.random() < 0.8 else "contract",
                industry=industries[industry_name],
                facts=(f"申请人系“{right['title']}”的权利人。被申请人{respondent_company}未经许可，"
                       f"在其生产经营中使用与涉案权利相同或近似的技术方案／标识，并通过电商平台销售，"
                       f"给申请人造成经济损失约{amount / 10000:.0f}万元。"),
                claims="1. 请求被申请人立即停止侵权行为；2. 请求被申请人赔偿经济损失及合理开支。",
                parties=[applicant, respondent], ip_rights=[right], amount_in_dispute=amount,
                preferred_route="adjudication" if patent and "to_adjudication" in steps else "mediation",
                knowledge_date=clock.today() - timedelta(days=rng.randint(10, 200)),
                submitted_at=clock(),
            )
            services.evidence_add(
                actor=case.submitted_by or users["intake"], case=case,
                uploaded_file=SimpleUploadedFile("侵权产品购买公证书.pdf", _evidence_pdf(case.number),
                                                 content_type="application/pdf"),
                description="公证购买侵权产品的公证书及实物照片",
            )
            story = Story(case, users=users, rng=rng, clock=clock, amount=amount)
            for step in steps:
                story.run(step)
        case.refresh_from_db()
        if case.status in (CaseStatus.MEDIATED, CaseStatus.ADJUDICATED, CaseStatus.COURT_CLOSED):
            recovered = (amount * Decimal(rng.choice([30, 50, 60, 80, 100])) / 100).quantize(Decimal("1"))
            Case.objects.filter(pk=case.pk).update(losses_recovered=recovered)
        return case

    def _print_summary(self, district, added, elapsed):
        from django.db.models import Count

        rows = (Case.objects.filter(district=district).values("status").annotate(n=Count("pk")).order_by("status"))
        self.stdout.write(f"演示案件 / demo cases: +{added}，用时 {elapsed:.1f} 秒")
        labels = dict(CaseStatus.choices)
        for row in rows:
            self.stdout.write(f"  {labels.get(row['status'], row['status']):<10} {row['n']}")

    def _print_accounts(self):
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）/ demo accounts (password for all):")
        for username, name, role, _org in ACCOUNTS:
            self.stdout.write(f"  {username:<13} {role.label:<8} {name}")
        otp = "开启 on" if settings.IPDR_STAFF_OTP_REQUIRED else "关闭 off（仅限演示 / demo only）"
        self.stdout.write(f"工作人员两步验证 / staff second factor (IPDR_STAFF_OTP_REQUIRED): {otp}")
        self.stdout.write("")
