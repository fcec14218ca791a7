"""速裁: the administrative adjudication of patent-infringement disputes by the district IP office.

One ``Adjudication`` per case that entered the tier; around it the records of each step:
the filing review and the chief's approval, the panel and recusals, the answer, evidence
visibility, technical questions, hearings, suspension, mediation of damages, extension of
the time limit, the decision, a suit after it and the follow-up of its performance.

Models hold data and invariants only; every write goes through ``cases.adjudication.services``,
which records a ``CaseEvent`` in the same transaction. ``Case.status`` stays the business
status (changed only by ``case_change_status``); the viewflow flow (``workflows.flows.
adjudication``) says who acts next.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from cases.models import Case, Deadline, Evidence, Organization, Party

USER = settings.AUTH_USER_MODEL


def now():
    """``timezone.now`` looked up at call time (so a test clock that replaces it is followed)."""
    return timezone.now()


class AcceptanceCondition(models.TextChoices):
    """The conditions a request must meet to be filed (专利行政执法办法 / 行政裁决办案指南)."""

    STANDING = "standing", _("请求人是专利权人或者利害关系人，并提交了权利证明")
    RESPONDENT = "respondent", _("有明确的被请求人")
    CLAIMS = "claims", _("有明确的请求事项和具体的事实、理由")
    SCOPE = "scope", _("属于本机关的受案范围和管辖")
    NO_COURT = "no_court", _("当事人未就该专利侵权纠纷向人民法院起诉")


# What the 不予受理通知书 says when a condition is not met.
REFUSAL_REASONS = {
    AcceptanceCondition.STANDING: _("请求人不能证明其是专利权人或者利害关系人"),
    AcceptanceCondition.RESPONDENT: _("没有明确的被请求人"),
    AcceptanceCondition.CLAIMS: _("没有明确的请求事项和具体的事实、理由"),
    AcceptanceCondition.SCOPE: _("不属于本机关的受案范围或者管辖"),
    AcceptanceCondition.NO_COURT: _("当事人已就该专利侵权纠纷向人民法院起诉"),
}


class Adjudication(models.Model):
    """行政裁决案件: the adjudication side of one case, from receipt of the request to its end."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="adjudication")
    office = models.ForeignKey(Organization, verbose_name=_("承办机关"), on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("收到请求日期"), default=now)
    handler = models.ForeignKey(
        USER, verbose_name=_("承办人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    filed_at = models.DateTimeField(_("立案日期"), null=True, blank=True)
    refused_at = models.DateTimeField(_("不予受理日期"), null=True, blank=True)
    decided_at = models.DateTimeField(_("裁决日期"), null=True, blank=True)
    final_at = models.DateTimeField(_("裁决生效日期"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("起诉移送日期"), null=True, blank=True)
    repeat_infringer = models.BooleanField(_("重复侵权"), default=False, db_index=True)
    repeat_cases = models.JSONField(
        _("此前认定侵权的案件"), default=list, blank=True,
        help_text="Case numbers of earlier cases that found this respondent (by credit code) infringing.",
    )

    class Meta:
        verbose_name = _("行政裁决案件")
        verbose_name_plural = _("行政裁决案件")
        indexes = [models.Index(fields=["office", "filed_at"], name="adj_office_filed")]

    def __str__(self):
        return str(self.case)


class FilingReview(models.Model):
    """立案审查: the officer checks every condition and proposes; the chief approves or returns."""

    class Proposal(models.TextChoices):
        FILE = "file", _("立案")
        REFUSE = "refuse", _("不予受理")

    class State(models.TextChoices):
        PENDING = "pending", _("待负责人审批")
        APPROVED = "approved", _("已批准")
        RETURNED = "returned", _("退回重审")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="reviews")
    checks = models.JSONField(_("审查结果"), help_text='{"standing": {"ok": true, "note": "…"}, …}')
    proposal = models.CharField(_("审查意见"), max_length=8, choices=Proposal.choices)
    reason_text = models.TextField(_("说明"), blank=True)
    reviewed_by = models.ForeignKey(USER, verbose_name=_("审查人"), on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审查时间"), default=now)
    state = models.CharField(_("审批状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("审批人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("立案审查")
        verbose_name_plural = _("立案审查")
        ordering = ["adjudication", "reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["adjudication"], condition=Q(state="pending"),
                                    name="adj_one_pending_review"),
        ]

    def __str__(self):
        return f"{self.adjudication} {self.get_proposal_display()}"

    @property
    def failed_conditions(self) -> list[str]:
        return [c for c in AcceptanceCondition.values if not (self.checks.get(c) or {}).get("ok")]


class PanelMember(models.Model):
    """合议组成员: appointed by the chief; an odd number, three or more, active at a time."""

    class Role(models.TextChoices):
        PRESIDING = "presiding", _("合议组组长")
        MEMBER = "member", _("合议组成员")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(USER, verbose_name=_("办案人员"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("职责"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    appointed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(_("指定时间"), default=now)
    active = models.BooleanField(_("在任"), default=True)
    ended_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    end_reason = models.CharField(_("退出原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("合议组成员")
        verbose_name_plural = _("合议组成员")
        ordering = ["adjudication", "-active", "role", "appointed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["adjudication", "user"], condition=Q(active=True),
                                    name="adj_panel_member_once"),
        ]

    def __str__(self):
        return str(self.user)


class RecusalGround(models.TextChoices):
    """回避事由 (the same grounds as in mediation)."""

    PARTY = "party", _("是本案当事人或者当事人、代理人的近亲属")
    INTEREST = "interest", _("与本案有利害关系")
    RELATIONSHIP = "relationship", _("与本案当事人、代理人有其他关系，可能影响公正处理")


class Recusal(models.Model):
    """回避: a member's own declaration, or a party's request; the chief decides."""

    class Kind(models.TextChoices):
        DECLARATION = "declaration", _("自行回避")
        REQUEST = "request", _("当事人申请回避")

    class State(models.TextChoices):
        PENDING = "pending", _("待决定")
        GRANTED = "granted", _("准予回避")
        REFUSED = "refused", _("驳回申请")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(PanelMember, verbose_name=_("回避对象"), on_delete=models.PROTECT,
                               related_name="recusals")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    ground = models.CharField(_("回避事由"), max_length=16, choices=RecusalGround.choices)
    reason = models.TextField(_("具体理由"))
    party = models.ForeignKey(Party, verbose_name=_("申请人"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("提出时间"), default=now)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        ordering = ["adjudication", "raised_at", "id"]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()}"


class Answer(models.Model):
    """答辩: a respondent's written answer; a late one is recorded and marked, and does not stop the case."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("网上提交")
        PAPER = "paper", _("书面提交（工作人员登记）")
        API = "api", _("接口")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="answers")
    party = models.ForeignKey(Party, verbose_name=_("答辩人"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("答辩意见"))
    received_at = models.DateTimeField(_("收到时间"), default=now)
    due_date = models.DateField(_("答辩期限"), null=True, blank=True)
    late = models.BooleanField(_("逾期答辩"), default=False)
    channel = models.CharField(_("提交方式"), max_length=8, choices=Channel.choices)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(_("转送时间"), null=True, blank=True)
    forward_document = models.ForeignKey(
        "documents.Document", verbose_name=_("转送通知"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("答辩")
        verbose_name_plural = _("答辩")
        ordering = ["adjudication", "received_at", "id"]

    def __str__(self):
        return f"{self.party} {self.received_at:%Y-%m-%d}"


class EvidenceVisibility(models.Model):
    """证据交换中的可见范围: evidence a party marks confidential (trade secrets …) is seen by the panel,
    not by the other party. Evidence without a row is visible to both parties."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="adjudication_visibility")
    confidential = models.BooleanField(_("仅合议组可见"), default=True)
    reason = models.CharField(_("理由"), max_length=300)
    marked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("证据可见范围")
        verbose_name_plural = _("证据可见范围")

    def __str__(self):
        return f"{self.evidence} {'保密' if self.confidential else '公开'}"


class TechnicalQuestion(models.Model):
    """技术调查: questions put to a technical investigator, with the evidence needed and a deadline."""

    class State(models.TextChoices):
        OPEN = "open", _("待出具意见")
        ANSWERED = "answered", _("已出具意见")
        WITHDRAWN = "withdrawn", _("已撤回")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="technical_questions")
    investigator = models.ForeignKey(USER, verbose_name=_("技术调查官"), on_delete=models.PROTECT, related_name="+")
    questions = models.TextField(_("技术问题"))
    evidence = models.ManyToManyField(Evidence, verbose_name=_("所需证据"), blank=True, related_name="+")
    asked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("提出时间"), default=now)
    deadline = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    opinion = models.TextField(_("技术调查意见"), blank=True)
    answered_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    opinion_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("技术调查")
        verbose_name_plural = _("技术调查")
        ordering = ["adjudication", "asked_at", "id"]
        indexes = [models.Index(fields=["investigator", "state"], name="adj_question_investigator")]

    def __str__(self):
        return f"{self.adjudication} → {self.investigator}"


class Hearing(models.Model):
    """口头审理: noticed at least three working days ahead, recorded (笔录), possibly adjourned."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("现场审理")
        ONLINE = "online", _("网上审理")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("已通知")
        HELD = "held", _("已审理")
        ADJOURNED = "adjourned", _("延期审理")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="hearings")
    scheduled_at = models.DateTimeField(_("审理时间"))
    place = models.CharField(_("审理地点"), max_length=200)
    mode = models.CharField(_("审理方式"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    notice_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    scheduled_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    noticed_at = models.DateTimeField(default=now)
    attendees = models.TextField(_("到庭人员"), blank=True)
    record = models.TextField(_("审理笔录"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    held_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    adjourn_reason = models.TextField(_("延期理由"), blank=True)
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rescheduled_to",
    )

    class Meta:
        verbose_name = _("口头审理")
        verbose_name_plural = _("口头审理")
        ordering = ["adjudication", "scheduled_at", "id"]

    def __str__(self):
        return f"{self.adjudication} {self.scheduled_at:%Y-%m-%d %H:%M}"


class SuspensionRequest(models.Model):
    """中止: the respondent asks for it once CNIPA has accepted an invalidation request; the chief
    grants (the clock stops) or refuses it as plainly groundless; resumption restarts the clock."""

    class State(models.TextChoices):
        PENDING = "pending", _("待负责人决定")
        GRANTED = "granted", _("已中止")
        REFUSED = "refused", _("不予中止")
        RESUMED = "resumed", _("已恢复")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="suspensions")
    party = models.ForeignKey(Party, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    invalidation_number = models.CharField(_("无效宣告请求受理通知书编号"), max_length=60)
    invalidation_accepted_on = models.DateField(_("国家知识产权局受理日期"))
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=now)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("决定理由"), blank=True)
    suspended_on = models.DateField(_("中止日期"), null=True, blank=True)
    resumed_on = models.DateField(_("恢复日期"), null=True, blank=True)
    resume_reason = models.TextField(_("恢复理由"), blank=True)
    resumed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("中止处理")
        verbose_name_plural = _("中止处理")
        ordering = ["adjudication", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["adjudication"], condition=Q(state__in=["pending", "granted"]),
                                    name="adj_one_open_suspension"),
        ]

    def __str__(self):
        return f"{self.adjudication} {self.get_state_display()}"


class DamagesMediation(models.Model):
    """赔偿调解: mediation of damages inside the adjudication; ends in an agreement or not."""

    class State(models.TextChoices):
        ONGOING = "ongoing", _("调解中")
        AGREED = "agreed", _("达成协议")
        FAILED = "failed", _("调解不成")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="mediations")
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=now)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ONGOING)
    amount = models.DecimalField(_("赔偿金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    terms = models.TextField(_("协议内容"), blank=True)
    settles_case = models.BooleanField(_("全部纠纷一并解决"), default=False)
    note = models.TextField(_("说明"), blank=True)
    ended_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    agreement_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("赔偿调解")
        verbose_name_plural = _("赔偿调解")
        ordering = ["adjudication", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["adjudication"], condition=Q(state="ongoing"),
                                    name="adj_one_ongoing_mediation"),
        ]

    def __str__(self):
        return f"{self.adjudication} {self.get_state_display()}"


class ExtensionRequest(models.Model):
    """延长办案期限: asked by the panel, approved by the chief."""

    class State(models.TextChoices):
        PENDING = "pending", _("待负责人审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("不予批准")

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="extensions")
    months = models.PositiveSmallIntegerField(_("延长月数"))
    reason = models.TextField(_("延长理由"))
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=now)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    due_before = models.DateField(_("原届满日"), null=True, blank=True)
    due_after = models.DateField(_("延长后届满日"), null=True, blank=True)

    class Meta:
        verbose_name = _("延长期限")
        verbose_name_plural = _("延长期限")
        ordering = ["adjudication", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["adjudication"], condition=Q(state="pending"),
                                    name="adj_one_pending_extension"),
        ]

    def __str__(self):
        return f"{self.adjudication} +{self.months}"


class Decision(models.Model):
    """行政裁决书: drafted by the panel, approved by the chief, issued and served.

    The decision may only order the infringer to stop (责令停止侵权); damages are for mediation.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("草拟中")
        SUBMITTED = "submitted", _("待负责人审批")
        ISSUED = "issued", _("已签发")

    class Act(models.TextChoices):
        """专利法第十一条: the acts a decision may order the infringer to stop."""

        MAKE = "make", _("制造")
        USE = "use", _("使用")
        OFFER = "offer", _("许诺销售")
        SELL = "sell", _("销售")
        IMPORT = "import", _("进口")

    adjudication = models.OneToOneField(Adjudication, on_delete=models.CASCADE, related_name="decision")
    infringement_found = models.BooleanField(_("认定侵权成立"))
    acts = models.JSONField(_("责令停止的行为"), default=list, blank=True)
    product = models.CharField(_("被控侵权产品"), max_length=200, blank=True)
    facts = models.TextField(_("经审理查明"))
    reasoning = models.TextField(_("本机关认为"))
    order = models.TextField(_("裁决主文"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_note = models.TextField(_("退回意见"), blank=True)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    served_at = models.DateTimeField(_("送达完毕"), null=True, blank=True)

    class Meta:
        verbose_name = _("行政裁决")
        verbose_name_plural = _("行政裁决")

    def __str__(self):
        return f"{self.adjudication} {self.get_state_display()}"


class Suit(models.Model):
    """A party's suit against the decision, within 15 days of service: the case goes to the tribunal."""

    adjudication = models.ForeignKey(Adjudication, on_delete=models.CASCADE, related_name="suits")
    party = models.ForeignKey(Party, verbose_name=_("起诉人"), on_delete=models.PROTECT, related_name="+")
    court = models.CharField(_("受诉法院"), max_length=100)
    court_reference = models.CharField(_("法院案号"), max_length=60, blank=True)
    filed_on = models.DateField(_("起诉日期"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("起诉")
        verbose_name_plural = _("起诉")

    def __str__(self):
        return f"{self.adjudication} {self.court}"


class Performance(models.Model):
    """履行跟踪: after the decision becomes final, whether the infringer stopped."""

    class State(models.TextChoices):
        FOLLOWING = "following", _("跟踪中")
        PERFORMED = "performed", _("已履行")
        NOT_PERFORMED = "not_performed", _("未履行（申请强制执行）")

    adjudication = models.OneToOneField(Adjudication, on_delete=models.CASCADE, related_name="performance")
    deadline = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.FOLLOWING)
    note = models.TextField(_("跟踪情况"), blank=True)
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("履行跟踪")
        verbose_name_plural = _("履行跟踪")

    def __str__(self):
        return f"{self.adjudication} {self.get_state_display()}"


class AdjudicationProcess(Process):
    """The viewflow process of one case's adjudication: the main line or one of its side flows.

    A real foreign key to the case (as ``mediation.MediationProcess`` has): queues join tasks to
    cases in one query and a case's processes are found through an index. What a side flow is
    about (a question, a request …) is named in ``Process.data``.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="adjudication_processes")

    class Meta:
        verbose_name = _("行政裁决流程")
        verbose_name_plural = _("行政裁决流程")
        # Stated here so that importing the flows (which add "manage") never changes the model state.
        default_permissions = ("add", "change", "delete", "view", "manage")
