"""快调: the People's Mediation Committee's side of a case.

The respondent's consent to mediate (voluntary: a clear refusal ends mediation at once),
the mediators and their expertise, assignment with conflict checks, disclosure and
recusal, sessions and their records, the agreement and each party's confirmation,
extensions, judicial confirmation, performance follow-up, court-delegated cases and
their result reports, and the log that keeps deadline reminders from being sent twice.

Models hold data and invariants only; every write goes through ``mediation.services``.
"""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from cases.models import Case, Deadline, IPRightKind, Organization, Party


class MediationRules(models.Model):
    """A committee's own time limits and loads; an empty field falls back to the settings default."""

    committee = models.OneToOneField(
        Organization, verbose_name=_("调解委员会"), on_delete=models.CASCADE, related_name="mediation_rules",
        limit_choices_to={"kind": Organization.Kind.MEDIATION_COMMITTEE},
    )
    consent_working_days = models.PositiveSmallIntegerField(_("征询调解意愿期限（工作日）"), null=True, blank=True)
    accept_working_days = models.PositiveSmallIntegerField(_("调解员答复指派期限（工作日）"), null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("调解期限（日）"), null=True, blank=True)
    delegated_days = models.PositiveSmallIntegerField(_("委派调解期限（日）"), null=True, blank=True)
    entrusted_days = models.PositiveSmallIntegerField(_("委托调解期限（日）"), null=True, blank=True)
    entrusted_simple_days = models.PositiveSmallIntegerField(
        _("委托调解期限：简易程序（日）"), null=True, blank=True,
    )
    confirmation_days = models.PositiveSmallIntegerField(_("申请司法确认期限（日）"), null=True, blank=True)
    remind_days_before = models.PositiveSmallIntegerField(_("到期前提醒（日）"), null=True, blank=True)
    max_load = models.PositiveSmallIntegerField(_("每名调解员同时办理上限（件）"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解期限设置")
        verbose_name_plural = _("调解期限设置")

    def __str__(self):
        return str(self.committee)


class MediatorProfile(models.Model):
    """调解员: expertise beyond ``User.industries`` (the IP types handled) and availability."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("调解员"), on_delete=models.CASCADE, related_name="mediator_profile",
    )
    ip_kinds = models.JSONField(
        _("擅长的知识产权类型"), default=list, blank=True,
        help_text=_("知识产权类型代码列表，如 [\"utility_model\", \"trademark\"]。"),
    )
    title = models.CharField(_("职务或简介"), max_length=100, blank=True)
    max_load = models.PositiveSmallIntegerField(
        _("同时办理上限（件）"), null=True, blank=True, help_text=_("留空则使用调解委员会的设置。"),
    )
    available = models.BooleanField(_("可以接受新案件"), default=True)

    class Meta:
        verbose_name = _("调解员资料")
        verbose_name_plural = _("调解员资料")

    def __str__(self):
        return str(self.user)

    def ip_kind_labels(self) -> list[str]:
        labels = dict(IPRightKind.choices)
        return [str(labels[k]) for k in self.ip_kinds if k in labels]


class DeclaredRelationship(models.Model):
    """A relationship a mediator declared in advance (近亲属、曾任顾问 …): a conflict with that party."""

    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调解员"), on_delete=models.CASCADE,
        related_name="declared_relationships",
    )
    party_name = models.CharField(_("当事人名称或姓名"), max_length=100)
    identifier = models.CharField(
        _("统一社会信用代码或身份证号码"), max_length=18, blank=True, db_index=True,
    )
    relation = models.CharField(_("关系"), max_length=100, help_text=_("如：近亲属、曾担任其法律顾问。"))
    declared_at = models.DateTimeField(_("申报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("调解员申报的关系")
        verbose_name_plural = _("调解员申报的关系")
        ordering = ["mediator", "party_name"]

    def __str__(self):
        return f"{self.mediator} — {self.party_name}（{self.relation}）"


class MediationConsent(models.Model):
    """征询调解意愿: one respondent's answer to the invitation to mediate."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("网上答复")
        PHONE = "phone", _("电话答复（工作人员记录）")
        IN_PERSON = "in_person", _("现场答复（工作人员记录）")
        API = "api", _("接口")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_consents")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="mediation_consents")
    requested_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField(_("答复期限"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    agreed = models.BooleanField(_("同意调解"), null=True)
    reason = models.TextField(_("理由"), blank=True)
    channel = models.CharField(_("答复方式"), max_length=12, choices=Channel.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("调解意愿征询")
        verbose_name_plural = _("调解意愿征询")
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="mediation_consent_once")]

    def __str__(self):
        return f"{self.case} {self.party}"


ACTIVE_ASSIGNMENT = ("pending", "accepted")


class MediationAssignment(models.Model):
    """One mediator on one case: proposed by the director (or claimed), accepted or declined, ended."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待调解员接受")
        ACCEPTED = "accepted", _("办理中")
        DECLINED = "declined", _("调解员已谢绝")
        WITHDRAWN = "withdrawn", _("主任已改派")
        RELEASED = "released", _("调解员已退回")
        RECUSED = "recused", _("已回避")
        ENDED = "ended", _("调解已结束")

    class Source(models.TextChoices):
        DIRECTOR = "director", _("主任指派")
        CLAIM = "claim", _("调解员认领")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_assignments")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调解员"), on_delete=models.PROTECT,
        related_name="mediation_assignments",
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, db_index=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("指派人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    note = models.CharField(_("指派说明"), max_length=500, blank=True)
    ranking = models.JSONField(_("推荐依据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("指派时间"), default=timezone.now)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    response_note = models.CharField(_("谢绝或退回理由"), max_length=500, blank=True)
    disclosure_conflict = models.BooleanField(_("披露存在应回避情形"), null=True)
    disclosure_statement = models.TextField(_("披露声明"), blank=True)
    disclosed_at = models.DateTimeField(_("声明时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解员指派")
        verbose_name_plural = _("调解员指派")
        ordering = ["case", "-created_at", "-id"]
        constraints = [
            # The backstop of every claim and assignment: one active mediator per case.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status__in=ACTIVE_ASSIGNMENT), name="mediation_one_active_assignment",
            ),
        ]
        indexes = [models.Index(fields=["mediator", "status"], name="mediation_assignment_load")]

    def __str__(self):
        return f"{self.case} · {self.mediator} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT


class RecusalRequest(models.Model):
    """回避: a party's request with reasons, or a mediator's own disclosure; the director decides."""

    class Kind(models.TextChoices):
        PARTY = "party", _("当事人申请回避")
        DISCLOSURE = "disclosure", _("调解员主动披露")

    class Ground(models.TextChoices):
        IS_PARTY = "is_party", _("调解员是本案当事人或当事人的近亲属")
        INTEREST = "interest", _("调解员与本案有利害关系")
        RELATIONSHIP = "relationship", _("调解员与当事人有其他关系，可能影响公正调解")
        OTHER = "other", _("其他理由")

    class Status(models.TextChoices):
        PENDING = "pending", _("待主任决定")
        GRANTED = "granted", _("准予回避")
        REJECTED = "rejected", _("驳回申请")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recusal_requests")
    assignment = models.ForeignKey(MediationAssignment, on_delete=models.CASCADE, related_name="recusal_requests")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    ground = models.CharField(_("回避事由"), max_length=16, choices=Ground.choices)
    reasons = models.TextField(_("具体理由"))
    party = models.ForeignKey(
        Party, verbose_name=_("申请人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("回避申请")
        verbose_name_plural = _("回避申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class MediationSession(models.Model):
    """调解会议: scheduled online or in person, noticed to every party, recorded (笔录)."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("线上调解")
        IN_PERSON = "in_person", _("现场调解")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        HELD = "held", _("已举行")
        MISSED = "missed", _("未能举行")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_sessions")
    sequence = models.PositiveSmallIntegerField(_("第几次"))
    mode = models.CharField(_("方式"), max_length=12, choices=Mode.choices)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("预计时长（分钟）"), default=90)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    meeting_link = models.URLField(_("会议链接"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    revision = models.PositiveSmallIntegerField(
        _("改期次数"), default=0, help_text="The iCalendar SEQUENCE: each reschedule raises it.",
    )
    status_reason = models.CharField(_("改期或未举行原因"), max_length=500, blank=True)
    attendees = models.JSONField(_("到场人员"), default=list, blank=True)
    summary = models.TextField(_("调解情况"), blank=True)
    next_steps = models.TextField(_("下一步安排"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("调解会议")
        verbose_name_plural = _("调解会议")
        ordering = ["case", "sequence"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="mediation_session_sequence")]

    def __str__(self):
        return f"{self.case} 第{self.sequence}次调解"

    @property
    def ends_at(self):
        return self.starts_at + timezone.timedelta(minutes=self.duration_minutes)

    @property
    def series(self) -> str:
        """The document series of this session's notices (a reschedule supersedes the notice)."""
        return f"session:{self.pk}"


class MediationAgreement(models.Model):
    """调解协议书: drafted by the mediator, confirmed by every party, signed, sealed, effective."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟中")
        CONFIRMING = "confirming", _("待当事人确认")
        CONFIRMED = "confirmed", _("当事人均已确认，待调解员签名")
        SIGNED = "signed", _("调解员已签名，待加盖印章")
        EFFECTIVE = "effective", _("已生效")
        VOID = "void", _("已作废")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_agreements")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    facts = models.TextField(_("纠纷事实与争议事项"))
    terms = models.TextField(_("协议内容"))
    performance = models.TextField(_("履行方式"))
    performance_due = models.DateField(_("履行期限"))
    amount = models.DecimalField(_("协议金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    concerns_ownership_or_validity = models.BooleanField(
        _("协议涉及知识产权权属或效力确认"), default=False,
        help_text=_("涉及权属或效力的协议不能申请司法确认。"),
    )
    draft_document = models.ForeignKey(
        "documents.Document", verbose_name=_("确认稿"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    document = models.ForeignKey(
        "documents.Document", verbose_name=_("生效文本"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(_("发送确认时间"), null=True, blank=True)
    mediator_signed_at = models.DateTimeField(_("调解员签名时间"), null=True, blank=True)
    mediator_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    sealed_at = models.DateTimeField(_("盖章时间"), null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    judicial_filed_at = models.DateTimeField(_("申请司法确认时间"), null=True, blank=True)
    judicial_document = models.ForeignKey(
        "documents.Document", verbose_name=_("司法确认申请书"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")
        ordering = ["case", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=~Q(status="void"), name="mediation_one_agreement"),
        ]

    def __str__(self):
        return f"{self.case} 调解协议（{self.get_status_display()}）"


class AgreementConfirmation(models.Model):
    """One party's confirmation of one issued draft: who, when, from where, and the PDF's hash."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("在线确认（已验证登录密码）")
        IN_PERSON = "in_person", _("现场签字（调解员记录）")

    agreement = models.ForeignKey(MediationAgreement, on_delete=models.CASCADE, related_name="confirmations")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    channel = models.CharField(_("方式"), max_length=12, choices=Channel.choices)
    confirmed_at = models.DateTimeField(_("确认时间"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    document_sha256 = models.CharField(_("确认稿SHA-256"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("协议确认")
        verbose_name_plural = _("协议确认")
        ordering = ["confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "document", "party"], name="agreement_confirm_once"),
        ]

    def __str__(self):
        return f"{self.party} {self.confirmed_at:%Y-%m-%d %H:%M}"


class ConfirmationGuard(models.Model):
    """Wrong passwords at agreement confirmation, per agreement and user: five lock it for a while."""

    agreement = models.ForeignKey(MediationAgreement, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "user"], name="confirmation_guard_once")]

    def __str__(self):
        return f"{self.agreement_id}/{self.user_id}: {self.failures}"


class ConfirmationJoin(models.Model):
    """A party joins the joint application for 司法确认 (filed when every party has joined)."""

    agreement = models.ForeignKey(MediationAgreement, on_delete=models.CASCADE, related_name="judicial_joins")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("共同申请司法确认")
        verbose_name_plural = _("共同申请司法确认")
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="judicial_join_once")]

    def __str__(self):
        return f"{self.party} {self.joined_at:%Y-%m-%d}"


class MediationExtension(models.Model):
    """延长调解期限 by the parties' agreement, decided by the director."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待主任决定")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_extensions")
    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField(_("延长天数"))
    reason = models.TextField(_("延长理由"))
    parties_agreed = models.BooleanField(_("双方当事人同意延长"))
    agreement_note = models.CharField(_("当事人同意的方式"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("延长调解期限")
        verbose_name_plural = _("延长调解期限")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.case} +{self.days}"


class PerformanceFollowUp(models.Model):
    """回访: was the agreement performed."""

    class Result(models.TextChoices):
        PERFORMED = "performed", _("已履行完毕")
        PARTLY = "partly", _("部分履行")
        NOT_PERFORMED = "not_performed", _("未履行")

    agreement = models.ForeignKey(MediationAgreement, on_delete=models.CASCADE, related_name="follow_ups")
    result = models.CharField(_("履行情况"), max_length=16, choices=Result.choices)
    contact = models.CharField(_("回访对象和方式"), max_length=200)
    note = models.TextField(_("回访记录"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("履行回访")
        verbose_name_plural = _("履行回访")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.agreement_id} {self.get_result_display()}"


class CourtDelegation(models.Model):
    """委派/委托调解 from the circuit station, and the result report it reads back."""

    class Kind(models.TextChoices):
        DELEGATED = "delegated", _("委派调解（诉前）")
        ENTRUSTED = "entrusted", _("委托调解（诉中）")

    class Result(models.TextChoices):
        PENDING = "pending", _("调解中")
        MEDIATED = "mediated", _("调解成功")
        FAILED = "failed", _("调解不成")
        WITHDRAWN = "withdrawn", _("当事人撤回")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="court_delegation")
    station = models.ForeignKey(Organization, verbose_name=_("委派法院"), on_delete=models.PROTECT, related_name="+")
    court_reference = models.CharField(_("法院案号"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    simple_procedure = models.BooleanField(_("简易程序"), default=False)
    delegated_at = models.DateTimeField(_("委派时间"), default=timezone.now)
    delegated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("调解期限届满日"))
    result = models.CharField(_("调解结果"), max_length=12, choices=Result.choices, default=Result.PENDING)
    result_summary = models.TextField(_("结果说明"), blank=True)
    reported_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    result_document = models.ForeignKey(
        "documents.Document", verbose_name=_("结果文书"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    materials_returned_at = models.DateTimeField(_("材料退回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("法院委派/委托调解")
        verbose_name_plural = _("法院委派/委托调解")
        ordering = ["-delegated_at"]
        indexes = [models.Index(fields=["station", "result"], name="court_delegation_station")]

    def __str__(self):
        return f"{self.court_reference} → {self.case}"


class ReminderLog(models.Model):
    """One reminder or escalation per deadline, stage and due date: the beat's idempotency record."""

    class Stage(models.TextChoices):
        REMINDER = "reminder", _("到期前提醒")
        OVERDUE = "overdue", _("逾期提醒")
        ESCALATION = "escalation", _("逾期报告主任")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    due_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "stage", "due_date"], name="mediation_reminder_once"),
        ]

    def __str__(self):
        return f"{self.deadline_id} {self.stage} {self.due_date}"


class MediationProcess(Process):
    """The viewflow process of one case's mediation: who acts next, and the chart.

    A real foreign key to the case (not ``Process.artifact``, a generic relation): queues and
    the director's board join tasks to cases and their deadlines in one query, the database
    keeps the reference valid, and a case's processes are found through an index.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="mediation_processes")

    class Meta:
        verbose_name = _("调解流程")
        verbose_name_plural = _("调解流程")
        # Stated here so that importing the flow (which adds "manage") never changes the model state.
        default_permissions = ("add", "change", "delete", "view", "manage")
