"""One small world for the access-control, IDOR and masking tests, built once per module.

Two districts, each with its full chain (centre, committee, office, station, supervision).
In the home district (璧山区) every kind of object exists twice:

- ``mine``: the signed-in test users' own objects: ``c1``/``r1`` are its parties, ``m1`` its
  mediator, ``o1`` presides its panel, ``i1`` answers its technical question;
- ``team``: the same organisations' other work: other parties (``c2``/``r2``), mediator ``m2``,
  a panel without ``o1``, investigator ``i2``;

and the other district (长寿区) holds ``other``: the same kinds of objects, another organisation.
Cases walk the real services (``seed_demo``'s ``Story`` steps), so every id the URLs take is real;
each variant also has three cases closed in 快调 for the typical-case pages (one its director may
propose, one proposed and waiting for review, one published: ``cases/statistics/services.py``).
"""
import random
from datetime import timedelta
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.management.commands.seed_demo import ORIGINAL_NOW, Clock, Story, all_ok, clock_installed, work_moment
from cases.models import District, Industry, Organization, Party, Role, User
from cases.services.organizations import organization_create, user_join_organization
from tests.factories import credit_code, id_number

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")

# The roles a signed-in test user can have, and the two users with no role that matter.
ROLE_USERS = {
    Role.COMPLAINANT: "c1", Role.RESPONDENT: "r1", Role.INTAKE_CLERK: "intake", Role.MEDIATOR: "m1",
    Role.COMMITTEE_DIRECTOR: "director", Role.ENFORCEMENT_OFFICER: "o1", Role.ADJUDICATION_CHIEF: "chief",
    Role.TECHNICAL_INVESTIGATOR: "i1", Role.TRIBUNAL_CLERK: "clerk", Role.JUDGE: "judge",
    Role.SUPERVISOR: "supervisor", Role.SYSADMIN: "admin",
}

STAFF = [
    # key, role, organisation key
    ("intake", Role.INTAKE_CLERK, "centre"), ("m1", Role.MEDIATOR, "committee"), ("m2", Role.MEDIATOR, "committee"),
    ("director", Role.COMMITTEE_DIRECTOR, "committee"), ("o1", Role.ENFORCEMENT_OFFICER, "office"),
    ("o2", Role.ENFORCEMENT_OFFICER, "office"), ("o3", Role.ENFORCEMENT_OFFICER, "office"),
    ("o4", Role.ENFORCEMENT_OFFICER, "office"), ("chief", Role.ADJUDICATION_CHIEF, "office"),
    ("i1", Role.TECHNICAL_INVESTIGATOR, None), ("i2", Role.TECHNICAL_INVESTIGATOR, None),
    ("clerk", Role.TRIBUNAL_CLERK, "station"), ("judge", Role.JUDGE, "station"),
    ("supervisor", Role.SUPERVISOR, "supervision"), ("admin", Role.SYSADMIN, "centre"),
]


def _chain(district, prefix, abbr):
    specs = [
        ("centre", f"{prefix}知识产权保护中心", Organization.Kind.PROTECTION_CENTRE, f"{abbr}知受"),
        ("committee", f"{prefix}知识产权纠纷人民调解委员会", Organization.Kind.MEDIATION_COMMITTEE, f"{abbr}知调"),
        ("office", f"{prefix}市场监督管理局（知识产权局）", Organization.Kind.IP_OFFICE, f"{abbr}市监知裁"),
        ("station", f"重庆知识产权法庭{prefix[:2]}巡回审判站", Organization.Kind.CIRCUIT_STATION, f"渝知巡{abbr}"),
        ("supervision", f"{prefix}知识产权统计监督办公室", Organization.Kind.SUPERVISION, f"{abbr}知统"),
    ]
    return {key: organization_create(name=name, kind=kind, district=district, number_abbr=number,
                                     address=f"重庆市{prefix}", phone="023-41400000")
            for key, name, kind, number in specs}


class Seq:
    """Distinct, valid identifiers: every seeded party has its own ID number and mobile."""

    def __init__(self, start):
        self.n = start

    def next(self):
        self.n += 1
        return self.n


def _users(tag, orgs, industry, seq):
    from mediation.models import MediatorProfile

    users = {}
    for key, role, org_key in STAFF:
        user = User.objects.create_user(
            username=f"{tag}_{key}", password=None, full_name=f"{tag}{key}员", email=f"{tag}_{key}@example.cn",
            phone=f"1390{seq.next():07d}", is_staff=role == Role.SYSADMIN,
        )
        if org_key:
            user_join_organization(user=user, organization=orgs[org_key], roles=[role])
        else:
            services.user_set_roles(user=user, roles=[role])
        if role == Role.MEDIATOR:
            user.industries.set([industry])
            MediatorProfile.objects.create(user=user, ip_kinds=["utility_model", "invention_patent"], max_load=25)
        users[key] = user
    for key, role in [("c1", Role.COMPLAINANT), ("c2", Role.COMPLAINANT), ("r1", Role.RESPONDENT),
                      ("r2", Role.RESPONDENT)]:
        user = User.objects.create_user(username=f"{tag}_{key}", password=None, full_name=f"{tag}{key}当事人",
                                        email=f"{tag}_{key}@example.cn", phone=f"1370{seq.next():07d}")
        services.user_set_roles(user=user, roles=[role])
        users[key] = user
    return users


class Builder:
    """Drives each case of one variant (mine / team / other) through the services."""

    def __init__(self, *, name, tag, orgs, users, industry, applicant, respondent, mediator, panel, investigator,
                 seq, rng):
        self.name, self.tag, self.orgs, self.u, self.industry = name, tag, orgs, users, industry
        self.applicant_user, self.respondent_user = applicant, respondent
        self.mediator, self.panel, self.investigator = mediator, panel, investigator
        self.seq, self.rng = seq, rng
        self.parties = []  # every seeded party's identifiers, for the masking scan

    def _case(self, title, *, route="mediation"):
        n = self.seq.next()
        applicant = {"role": "applicant", "kind": "person", "name": f"{self.tag}申请人{n}号",
                     "id_number": id_number(birth="19800101", serial=n % 1000), "phone": f"1381{n:07d}",
                     "address": "重庆市璧山区璧泉街道", "user": self.applicant_user}
        respondent = {"role": "respondent", "kind": "organization", "name": f"重庆{self.tag}被申请{n}号有限公司",
                      "credit_code": credit_code(seed=n), "phone": f"1358{n:07d}", "legal_representative": "王某",
                      "address": "重庆市璧山区青杠街道", "user": self.respondent_user}
        # Not a party with a login, but its numbers must be masked just the same.
        third = {"role": "applicant", "kind": "person", "name": f"{self.tag}共同申请人{n}号",
                 "id_number": id_number(birth="19900202", serial=(n + 500) % 1000), "phone": f"1591{n:07d}",
                 "address": "重庆市璧山区丁家街道"}
        case = services.case_create(
            actor=self.applicant_user, organization=self.orgs["centre"], dispute_type="infringement",
            industry=self.industry,
            facts=f"被申请人未经许可制造、销售落入涉案专利保护范围的产品。联系人电话{third['phone']}。",
            claims="请求停止侵权并赔偿经济损失。", parties=[applicant, respondent, third],
            ip_rights=[{"kind": "utility_model", "number": _patent(n),
                        "title": "一种新能源汽车电池散热装置"}],
            preferred_route=route, amount_in_dispute=100000,
        )
        services.evidence_add(actor=self.applicant_user, case=case, description="公证书",
                              uploaded_file=SimpleUploadedFile("公证书.pdf", PDF, content_type="application/pdf"))
        self.parties += [applicant, respondent, third]
        return case

    def _refused_mediation(self, title):
        """A case closed in 快调: the respondent refused mediation (调解终止), so the committee may propose it."""
        case = self._case(title)
        story, clock = self.story(case)
        with clock_installed(clock):
            story.run("to_mediation")
            story.run("consent_no")
        case.refresh_from_db()
        return case

    def _propose(self, case):
        """The director proposes ``case`` as a typical case, from the masked draft the page offers."""
        from cases.statistics.anonymize import masked_draft
        from cases.statistics.services import default_outcome, typical_case_propose

        draft = masked_draft(case, mask_companies=True)
        return typical_case_propose(actor=self.u["director"], case=case, title=draft["title"], facts=draft["facts"],
                                    claims=draft["claims"], outcome=default_outcome(case),
                                    significance="被申请人拒绝调解的，申请人仍可请求行政裁决或提起诉讼。",
                                    mask_companies=True)

    def story(self, case):
        clock = Clock(ORIGINAL_NOW() - timedelta(days=40), ORIGINAL_NOW() + timedelta(days=10), self.rng)
        users = {"intake": self.u["intake"], "director": self.u["director"], "officer": self.panel[0],
                 "officer2": self.panel[1], "officer3": self.panel[2], "chief": self.u["chief"],
                 "investigator": self.investigator, "clerk": self.u["clerk"], "judge": self.u["judge"]}
        story = Story(case, users=users, rng=self.rng, clock=clock, amount=100000)
        story.mediator = self.mediator
        return story, clock

    def build(self):
        from cases.adjudication import services as adj
        from cases.surveys.services import survey_invite_case
        from mediation import services as med
        from workflows import router

        out = SimpleNamespace(name=self.name)
        # 受理: waiting for a supplement
        out.intake = self._case(f"{self.tag}受理案")
        story, clock = self.story(out.intake)
        with clock_installed(clock):
            story.run("supplement")
        # 快调: mediating, sessions held and planned, agreement issued, a recusal and an extension asked
        out.mediation = self._case(f"{self.tag}调解案")
        story, clock = self.story(out.mediation)
        with clock_installed(clock):
            story.run("to_mediation")
            story.run("consent_yes")
            med.mediation_assign(actor=self.u["director"], case=out.mediation, mediator=self.mediator)
            for step in ("take", "session_held", "session_next"):
                story.run(step)
            out.recusal = med.recusal_request(actor=self.applicant_user, case=out.mediation, ground="interest",
                                              reasons="调解员与被申请人有业务往来。")
            out.extension = med.extension_request(actor=self.mediator, case=out.mediation, days=10,
                                                  reason="双方同意延长调解期限。", parties_agreed=True,
                                                  agreement_note="电话确认")
            story.run("agreement")
        out.mediation.refresh_from_db()
        out.session = out.mediation.mediation_sessions.order_by("pk").first()
        # 速裁: filed, panel, answer notice served, answer in, technical question, hearing planned, a recusal
        out.adjudication = self._case(f"{self.tag}裁决案", route="adjudication")
        story, clock = self.story(out.adjudication)
        with clock_installed(clock):
            for step in ("to_adjudication", "adj_review", "adj_file"):
                story.run(step)
            adj.adjudication_appoint_panel(actor=self.u["chief"], case=out.adjudication, members=self.panel,
                                           presiding=self.panel[0])
            for step in ("adj_notice", "adj_answer", "adj_technical", "adj_hearing_next"):
                story.run(step)
            out.question = story.question
            record = out.adjudication.adjudication
            member = record.panel.filter(active=True).order_by("pk").last()
            out.adj_recusal = adj.adjudication_raise_recusal(
                actor=member.user, case=out.adjudication, member=member, kind="declaration", ground="interest",
                reason="本人与被请求人存在业务往来。")
        out.adjudication.refresh_from_db()
        record = out.adjudication.adjudication
        from cases.documents.models import Service

        out.service = Service.objects.filter(document__case=out.adjudication).order_by("pk").first()
        out.answer = record.answers.order_by("pk").first()
        out.hearing = record.hearings.order_by("pk").first()
        # 精审: transferred to the station
        out.tribunal = self._case(f"{self.tag}移送案", route="litigation")
        story, clock = self.story(out.tribunal)
        with clock_installed(clock):
            story.run("to_court")
        # closed: withdrawn, surveys sent
        out.closed = self._case(f"{self.tag}撤回案")
        router.withdraw(actor=self.applicant_user, case=out.closed, reason="双方已和解。")
        out.closed.refresh_from_db()
        if not out.closed.survey_invitations.exists():
            survey_invite_case(case=out.closed)
        out.invitation = out.closed.survey_invitations.filter(party__user=self.applicant_user).first() \
            or out.closed.survey_invitations.first()
        # 典型案例: closed cases of the committee (the respondent refused mediation): one the director may
        # propose, one proposed and waiting for the supervisor, one published
        from cases.statistics.services import typical_case_publish

        out.proposable = self._refused_mediation(f"{self.tag}可推荐案")
        out.proposal = self._propose(self._refused_mediation(f"{self.tag}待审核案"))
        out.typical = typical_case_publish(actor=self.u["supervisor"],
                                           typical_case=self._propose(self._refused_mediation(f"{self.tag}典型案")))
        out.proposed, out.published = out.proposal.case, out.typical.case
        for case in (out.intake, out.mediation, out.adjudication, out.tribunal, out.closed):
            case.refresh_from_db()
        out.cases = [out.intake, out.mediation, out.adjudication, out.tribunal, out.closed, out.proposable,
                     out.proposed, out.published]
        out.party_records = list(Party.objects.filter(case__in=out.cases))
        return out


def _patent(n):
    from tests.factories import patent_number

    return patent_number(kind_digit=2, serial=n)


def build_world():
    """Everything the security tests request, built through the services (about half a minute)."""
    from cases.intake.models import ComplaintDraft

    services.access.ensure_role_groups()
    industry = Industry.objects.get_or_create(name="新能源汽车", defaults={"order": 1})[0]
    seq = Seq(400)
    rng = random.Random(8)
    home = District.objects.get_or_create(name="璧山区", defaults={"abbr": "璧"})[0]
    away = District.objects.get_or_create(name="长寿区", defaults={"abbr": "长"})[0]
    home_orgs, away_orgs = _chain(home, "璧山区", "璧"), _chain(away, "长寿区", "长")
    hu = _users("bs", home_orgs, industry, seq)
    au = _users("cs", away_orgs, industry, seq)
    disabled = User.objects.create_user(username="bs_disabled", password=None, full_name="停用账号",
                                        email="bs_disabled@example.cn", is_active=False)
    user_join_organization(user=disabled, organization=home_orgs["centre"], roles=[Role.INTAKE_CLERK])

    mine = Builder(name="mine", tag="璧甲", orgs=home_orgs, users=hu, industry=industry, applicant=hu["c1"],
                   respondent=hu["r1"], mediator=hu["m1"], panel=[hu["o1"], hu["o2"], hu["o3"]],
                   investigator=hu["i1"], seq=seq, rng=rng)
    team = Builder(name="team", tag="璧乙", orgs=home_orgs, users=hu, industry=industry, applicant=hu["c2"],
                   respondent=hu["r2"], mediator=hu["m2"], panel=[hu["o2"], hu["o3"], hu["o4"]],
                   investigator=hu["i2"], seq=seq, rng=rng)
    other = Builder(name="other", tag="长丙", orgs=away_orgs, users=au, industry=industry, applicant=au["c1"],
                    respondent=au["r1"], mediator=au["m1"], panel=[au["o1"], au["o2"], au["o3"]],
                    investigator=au["i1"], seq=seq, rng=rng)
    objects = {b.name: b.build() for b in (mine, team, other)}
    for name, owner in (("mine", hu["c1"]), ("team", hu["c2"]), ("other", au["c1"])):
        objects[name].draft = ComplaintDraft.objects.create(owner=owner, data={}, step="applicant")
    users = {role: hu[key] for role, key in ROLE_USERS.items()}
    return SimpleNamespace(
        home=home, away=away, home_orgs=home_orgs, away_orgs=away_orgs, home_users=hu, away_users=au,
        users=users, disabled=disabled, objects=objects,
        parties=mine.parties + team.parties + other.parties,
        groups=Group.objects.count(), work_moment=work_moment, all_ok=all_ok,
    )
