"""Demo data for 璧山区: organisations, one account per role, a few hundred realistic cases.

Idempotent: organisations and users are looked up before they are created, and only
the cases still missing up to ``--cases`` are added. Everything goes through the
services, so numbers, events, deadlines and permissions are the real ones.
"""
import io
import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import (
    Case,
    CaseStatus,
    Deadline,
    District,
    Industry,
    Organization,
    Party,
    Role,
    Tier,
    User,
)
from cases.services.deadlines import deadline_complete, deadlines_stop_all
from cases.services.organizations import organization_create, user_join_organization

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
# (weight, path of statuses after SUBMITTED). Each path is a legal walk through the
# status graph of cases.services.cases.TRANSITIONS.
PATHS = [
    (10, []),
    (4, [CaseStatus.SUPPLEMENT_REQUESTED]),
    (3, [CaseStatus.SUPPLEMENT_REQUESTED, CaseStatus.LAPSED]),
    (4, [CaseStatus.REFUSED]),
    (3, [CaseStatus.WITHDRAWN]),
    (6, [CaseStatus.MEDIATION_CONSENT]),
    (5, [CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT]),
    (10, [CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING]),
    (22, [CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING,
          CaseStatus.MEDIATED]),
    (3, [CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING,
         CaseStatus.MEDIATED, CaseStatus.CONFIRMATION_PENDING]),
    (6, [CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_TERMINATED]),
    (4, [CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING,
         CaseStatus.MEDIATION_TERMINATED]),
    (4, [CaseStatus.ADJUDICATION_REVIEW]),
    (5, [CaseStatus.ADJUDICATION_REVIEW, CaseStatus.ADJUDICATING]),
    (2, [CaseStatus.ADJUDICATION_REVIEW, CaseStatus.ADJUDICATING, CaseStatus.ADJUDICATION_SUSPENDED]),
    (2, [CaseStatus.ADJUDICATION_REVIEW, CaseStatus.ADJUDICATING, CaseStatus.ADJUDICATION_DECIDED]),
    (5, [CaseStatus.ADJUDICATION_REVIEW, CaseStatus.ADJUDICATING, CaseStatus.ADJUDICATION_DECIDED,
         CaseStatus.ADJUDICATED]),
    (2, [CaseStatus.ADJUDICATION_REVIEW, CaseStatus.ADJUDICATING, CaseStatus.MEDIATED]),
    (3, [CaseStatus.TRANSFERRED]),
    (3, [CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_TERMINATED, CaseStatus.TRANSFERRED,
         CaseStatus.IN_COURT]),
    (4, [CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_TERMINATED, CaseStatus.TRANSFERRED,
         CaseStatus.IN_COURT, CaseStatus.COURT_CLOSED]),
    (2, [CaseStatus.ADJUDICATION_REVIEW, CaseStatus.ADJUDICATING, CaseStatus.ADJUDICATION_DECIDED,
         CaseStatus.TRANSFERRED, CaseStatus.IN_COURT]),
]
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
    ("director", "周国平", Role.COMMITTEE_DIRECTOR, "committee"),
    ("officer", "刘勇", Role.ENFORCEMENT_OFFICER, "office"),
    ("chief", "赵志强", Role.ADJUDICATION_CHIEF, "office"),
    ("investigator", "孙晓东", Role.TECHNICAL_INVESTIGATOR, "office"),
    ("clerk", "杨静", Role.TRIBUNAL_CLERK, "station"),
    ("judge", "黄海燕", Role.JUDGE, "station"),
    ("supervisor", "吴红梅", Role.SUPERVISOR, "supervision"),
    ("admin", "系统管理员", Role.SYSADMIN, "centre"),
]
TIER_ORG = {
    Tier.MEDIATION: "committee",
    Tier.ADJUDICATION: "office",
    Tier.TRIBUNAL: "station",
}


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


class Command(BaseCommand):
    help = "Load realistic demo data for 璧山区 (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=240, help="How many demo cases the district should have.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, cases, seed, quiet, **options):
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
        rng = random.Random(seed + existing)
        for i in range(existing, cases):
            self._demo_case(i, rng, orgs, industries, users)
        if not quiet:
            self._print_accounts()

    def _accounts(self, orgs, industries):
        users = {}
        for username, name, role, org_key in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username, password=DEMO_PASSWORD, full_name=name,
                    email=f"{username}@demo.bishan.gov.cn",
                    is_staff=role == Role.SYSADMIN, is_superuser=role == Role.SYSADMIN,
                )
                if org_key:
                    user_join_organization(user=user, organization=orgs[org_key], roles=[role])
                else:
                    services.user_set_roles(user=user, roles=[role])
                if role == Role.MEDIATOR:
                    user.industries.set([industries["新能源汽车"], industries["智能装备"]])
            users[role] = user
        return users

    @transaction.atomic
    def _demo_case(self, i, rng, orgs, industries, users):
        weights, paths = zip(*PATHS, strict=True)
        path = rng.choices(paths, weights=weights)[0]
        if any(s in path for s in (CaseStatus.ADJUDICATION_REVIEW,)):
            ip_kind = rng.choice(["invention_patent", "utility_model", "design_patent"])
        else:
            ip_kind = rng.choice(["utility_model", "utility_model", "invention_patent", "design_patent",
                                  "trademark", "trademark", "copyright", "trade_secret"])
        industry_name = rng.choice(INDUSTRIES[:4] * 3 + ["其他"])
        company = rng.choice(COMPANY_WORDS[industry_name]) + "有限公司"
        respondent_company = "重庆" + rng.choice(COMPANY_WORDS[rng.choice(INDUSTRIES)]) + "有限公司"
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        mine = i % 12 == 0  # the demo complainant's own cases
        if rng.random() < 0.6 and not mine:
            applicant = {"role": Party.PartyRole.APPLICANT, "kind": Party.Kind.ORGANIZATION, "name": "重庆" + company,
                         "credit_code": _credit_code(rng), "legal_representative": person, "phone": _phone(rng),
                         "address": "重庆市璧山区璧泉街道"}
        else:
            applicant = {"role": Party.PartyRole.APPLICANT, "kind": Party.Kind.PERSON,
                         "name": users[Role.COMPLAINANT].full_name if mine else person,
                         "id_number": _id_number(rng), "phone": _phone(rng), "address": "重庆市璧山区青杠街道",
                         "user": users[Role.COMPLAINANT] if mine else None}
        respondent = {"role": Party.PartyRole.RESPONDENT, "kind": Party.Kind.ORGANIZATION,
                      "name": respondent_company, "credit_code": _credit_code(rng),
                      "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN), "phone": _phone(rng),
                      "address": "重庆市璧山区璧城街道",
                      "user": users[Role.RESPONDENT] if i % 15 == 1 else None}
        invention, product = PRODUCTS[industry_name]
        if ip_kind in ("invention_patent", "utility_model", "design_patent"):
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
        closed = bool(path) and path[-1] in (CaseStatus.REFUSED, CaseStatus.LAPSED, CaseStatus.WITHDRAWN,
                                             CaseStatus.MEDIATED, CaseStatus.MEDIATION_TERMINATED,
                                             CaseStatus.ADJUDICATED, CaseStatus.COURT_CLOSED)
        age = rng.randint(40, 520) if closed else rng.randint(0, 3 + 12 * len(path))
        amount = Decimal(rng.choice([5, 10, 20, 30, 50, 80, 100, 150, 300])) * 10000
        case = services.case_create(
            actor=users[Role.COMPLAINANT] if mine else users[Role.INTAKE_CLERK],
            organization=orgs["centre"], dispute_type="infringement" if rng.random() < 0.8 else "contract",
            industry=industries[industry_name],
            facts=(f"申请人系“{right['title']}”的权利人。被申请人{respondent_company}未经许可，"
                   f"在其生产经营中使用与涉案权利相同或近似的技术方案／标识，并通过电商平台销售，"
                   f"给申请人造成经济损失约{amount / 10000:.0f}万元。"),
            claims="1. 请求被申请人立即停止侵权行为；2. 请求被申请人赔偿经济损失及合理开支。",
            parties=[applicant, respondent], ip_rights=[right], amount_in_dispute=amount,
            preferred_route="adjudication" if CaseStatus.ADJUDICATION_REVIEW in path else "mediation",
            knowledge_date=timezone.localdate() - timedelta(days=age + rng.randint(10, 200)),
            submitted_at=timezone.now() - timedelta(days=age, hours=rng.randint(0, 8)),
        )
        services.evidence_add(
            actor=case.submitted_by or users[Role.INTAKE_CLERK], case=case,
            uploaded_file=SimpleUploadedFile("侵权产品购买公证书.pdf", _evidence_pdf(case.number),
                                             content_type="application/pdf"),
            description="公证购买侵权产品的公证书及实物照片",
        )
        actor_for = {Tier.INTAKE: users[Role.INTAKE_CLERK], Tier.MEDIATION: users[Role.MEDIATOR],
                     Tier.ADJUDICATION: users[Role.ENFORCEMENT_OFFICER], Tier.TRIBUNAL: users[Role.TRIBUNAL_CLERK]}
        for status in path:
            self._step(case, status, orgs, actor_for)
        if case.status in (CaseStatus.MEDIATED, CaseStatus.ADJUDICATED, CaseStatus.COURT_CLOSED):
            recovered = (amount * Decimal(rng.choice([30, 50, 60, 80, 100])) / 100).quantize(Decimal("1"))
            Case.objects.filter(pk=case.pk).update(losses_recovered=recovered)

    def _step(self, case, status, orgs, actor_for):
        from cases.models import STATUS_TIER

        tier = STATUS_TIER.get(CaseStatus(status), case.tier)
        actor = actor_for[case.tier]
        if case.tier == Tier.INTAKE and tier != Tier.INTAKE or status in (CaseStatus.REFUSED,):
            for deadline in case.deadlines.filter(state=Deadline.State.RUNNING):
                deadline_complete(deadline=deadline, actor=actor)
        services.case_change_status(case=case, actor=actor, to=status, reason="演示数据")
        if status == CaseStatus.SUPPLEMENT_REQUESTED:
            deadlines_stop_all(case=case, actor=actor)
        org = orgs.get(TIER_ORG.get(tier, ""))
        if org is not None and case.organization_id != org.pk:
            services.case_move_to_organization(case=case, organization=org, actor=actor)
            services.case_assign_number(case=case, organization=org, tier=tier, actor=actor)

    def _print_accounts(self):
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）/ demo accounts (password for all):")
        for username, name, role, _org in ACCOUNTS:
            self.stdout.write(f"  {username:<13} {role.label:<8} {name}")
        self.stdout.write("")
