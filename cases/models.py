"""The case file: the one record every tier of 快调 + 速裁 + 精审 reads and writes.

Models hold data and invariants only. Every write goes through ``cases.services``,
which records a ``CaseEvent`` in the same transaction.
"""
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases import validators
from cases.db import AppendOnlyMixin


class District(models.Model):
    """A district or county of the city (璧山区, 长寿区 …): the unit of jurisdiction."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    abbr = models.CharField(_("简称"), max_length=4, help_text=_("案号中的地区简称，如“璧”。"))
    city = models.CharField(_("所属城市"), max_length=50, default="重庆市")

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organization(models.Model):
    """An institution of the chain. Every case is scoped to the organisations that handled it."""

    class Kind(models.TextChoices):
        PROTECTION_CENTRE = "protection_centre", _("知识产权保护中心")
        MEDIATION_COMMITTEE = "mediation_committee", _("知识产权纠纷人民调解委员会")
        IP_OFFICE = "ip_office", _("市场监督管理局（知识产权局）")
        CIRCUIT_STATION = "circuit_station", _("知识产权巡回审判站")
        SUPERVISION = "supervision", _("统计监督机构")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    district = models.ForeignKey(
        District, verbose_name=_("区县"), on_delete=models.PROTECT, null=True, blank=True,
        help_text=_("留空表示全市范围。"),
    )
    number_abbr = models.CharField(
        _("案号代字"), max_length=12, help_text=_("如“璧知调”，案号形如（2026）璧知调字第0001号。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    members_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organization", editable=False,
        help_text="Holds the organisation's case permissions (guardian group object permissions).",
    )

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["district__name", "kind", "name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """The roles of DESIGN.md section 1, one auth Group each (created by ``ensure_roles``)."""

    COMPLAINANT = "complainant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    INTAKE_CLERK = "intake_clerk", _("受理员")
    MEDIATOR = "mediator", _("调解员")
    COMMITTEE_DIRECTOR = "committee_director", _("调委会主任")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("办案人员")
    ADJUDICATION_CHIEF = "adjudication_chief", _("裁决负责人")
    TECHNICAL_INVESTIGATOR = "technical_investigator", _("技术调查官")
    TRIBUNAL_CLERK = "tribunal_clerk", _("书记员")
    JUDGE = "judge", _("法官")
    SUPERVISOR = "supervisor", _("统计监督员")
    SYSADMIN = "sysadmin", _("系统管理员")


STAFF_ROLES = frozenset(Role) - {Role.COMPLAINANT, Role.RESPONDENT}


# Joins the "id:name" items of the ``group_list`` annotation (``cases.auth``); a group name never holds it.
GROUP_LIST_SEPARATOR = "\x1f"


class User(AbstractUser):
    """A person who signs in: a party (complainant, respondent) or staff of an organisation."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(
        _("手机号码"), max_length=20, unique=True, null=True, blank=True,
        validators=[validators.validate_phone],
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("所属机构"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="members",
    )
    industries = models.ManyToManyField(
        "Industry", verbose_name=_("擅长行业"), blank=True, related_name="experts",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"), name="user_email_unique_ci",
                condition=~models.Q(email=""),
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    def _group_rows(self) -> list:
        """``(id, name)`` of the user's groups: read once per user object (i.e. per request), or taken
        from the ``group_list`` annotation the authentication backend adds to the request's user."""
        if not hasattr(self, "_groups_cache"):
            packed = getattr(self, "group_list", None)
            if packed is not None:
                rows = [item.split(":", 1) for item in packed.split(GROUP_LIST_SEPARATOR) if item]
                self._groups_cache = [(int(pk), name) for pk, name in rows]
            else:
                self._groups_cache = list(self.groups.values_list("pk", "name"))
        return self._groups_cache

    @property
    def group_ids(self) -> list:
        """Ids of the user's groups (roles and organisation membership), cached with ``roles``."""
        return [pk for pk, _name in self._group_rows()]

    @property
    def roles(self) -> frozenset:
        """Role codes of this user, cached on the instance."""
        if not hasattr(self, "_roles_cache"):
            names = {name for _pk, name in self._group_rows()}
            self._roles_cache = frozenset(r for r in Role if r.value in names)
        return self._roles_cache

    def forget_groups(self):
        """Drop the cached groups and roles after the user's groups changed."""
        for attr in ("_roles_cache", "_groups_cache", "group_list", "_case_access_memo"):
            self.__dict__.pop(attr, None)

    def has_role(self, *roles) -> bool:
        return self.is_active and bool(self.roles.intersection(roles))


class Industry(models.Model):
    """行业: configurable list (新能源汽车, 新一代信息技术, 智能装备, 大健康, 其他 …)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Tier(models.TextChoices):
    INTAKE = "intake", _("受理分流")
    MEDIATION = "mediation", _("快调")
    ADJUDICATION = "adjudication", _("速裁")
    TRIBUNAL = "tribunal", _("精审")


class CaseStatus(models.TextChoices):
    """Business status that people read, search and count. Changed only by services."""

    SUBMITTED = "submitted", _("待受理")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补正")
    MEDIATION_CONSENT = "mediation_consent", _("征询调解意愿")
    MEDIATION_ASSIGNMENT = "mediation_assignment", _("待指派调解员")
    MEDIATING = "mediating", _("调解中")
    CONFIRMATION_PENDING = "confirmation_pending", _("司法确认中")
    ADJUDICATION_REVIEW = "adjudication_review", _("裁决立案审查")
    ADJUDICATING = "adjudicating", _("裁决审理中")
    ADJUDICATION_SUSPENDED = "adjudication_suspended", _("裁决中止")
    ADJUDICATION_DECIDED = "adjudication_decided", _("已裁决（起诉期内）")
    TRANSFERRED = "transferred", _("已移送法院")
    IN_COURT = "in_court", _("法院审理中")
    # terminal
    REFUSED = "refused", _("不予受理")
    LAPSED = "lapsed", _("逾期未补正")
    WITHDRAWN = "withdrawn", _("已撤回")
    MEDIATED = "mediated", _("调解成功")
    MEDIATION_TERMINATED = "mediation_terminated", _("调解终止")
    ADJUDICATED = "adjudicated", _("裁决生效")
    COURT_CLOSED = "court_closed", _("法院结案")


TERMINAL_STATUSES = frozenset({
    CaseStatus.REFUSED, CaseStatus.LAPSED, CaseStatus.WITHDRAWN, CaseStatus.MEDIATED,
    CaseStatus.MEDIATION_TERMINATED, CaseStatus.ADJUDICATED, CaseStatus.COURT_CLOSED,
})
OPEN_STATUSES = frozenset(CaseStatus) - TERMINAL_STATUSES

STATUS_TIER = {
    CaseStatus.SUBMITTED: Tier.INTAKE,
    CaseStatus.SUPPLEMENT_REQUESTED: Tier.INTAKE,
    CaseStatus.REFUSED: Tier.INTAKE,
    CaseStatus.LAPSED: Tier.INTAKE,
    CaseStatus.MEDIATION_CONSENT: Tier.MEDIATION,
    CaseStatus.MEDIATION_ASSIGNMENT: Tier.MEDIATION,
    CaseStatus.MEDIATING: Tier.MEDIATION,
    CaseStatus.MEDIATED: Tier.MEDIATION,
    CaseStatus.MEDIATION_TERMINATED: Tier.MEDIATION,
    CaseStatus.ADJUDICATION_REVIEW: Tier.ADJUDICATION,
    CaseStatus.ADJUDICATING: Tier.ADJUDICATION,
    CaseStatus.ADJUDICATION_SUSPENDED: Tier.ADJUDICATION,
    CaseStatus.ADJUDICATION_DECIDED: Tier.ADJUDICATION,
    CaseStatus.ADJUDICATED: Tier.ADJUDICATION,
    CaseStatus.CONFIRMATION_PENDING: Tier.TRIBUNAL,
    CaseStatus.TRANSFERRED: Tier.TRIBUNAL,
    CaseStatus.IN_COURT: Tier.TRIBUNAL,
    CaseStatus.COURT_CLOSED: Tier.TRIBUNAL,
}


class DisputeType(models.TextChoices):
    INFRINGEMENT = "infringement", _("侵权纠纷")
    OWNERSHIP = "ownership", _("权属纠纷")
    CONTRACT = "contract", _("合同纠纷")
    OTHER = "other", _("其他纠纷")


class Route(models.TextChoices):
    MEDIATION = "mediation", _("调解")
    ADJUDICATION = "adjudication", _("行政裁决")
    LITIGATION = "litigation", _("诉讼")


class CaseSource(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口申请")
    COURT_DELEGATED = "court_delegated", _("法院委派调解（诉前）")
    COURT_ENTRUSTED = "court_entrusted", _("法院委托调解（诉中）")


class Case(models.Model):
    """案件: one dispute from the first complaint to the last outcome, across all tiers."""

    number = models.CharField(_("案号"), max_length=40, blank=True, db_index=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("承办机构"), on_delete=models.PROTECT, related_name="cases",
    )
    district = models.ForeignKey(District, verbose_name=_("区县"), on_delete=models.PROTECT)
    tier = models.CharField(_("所处环节"), max_length=16, choices=Tier.choices, default=Tier.INTAKE)
    status = models.CharField(
        _("状态"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED,
    )
    title = models.CharField(_("案由"), max_length=200)
    dispute_type = models.CharField(_("纠纷类型"), max_length=16, choices=DisputeType.choices)
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业"), on_delete=models.PROTECT, null=True, blank=True,
    )
    facts = models.TextField(_("事实与理由"))
    claims = models.TextField(_("请求事项"))
    amount_in_dispute = models.DecimalField(
        _("标的额（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
    )
    losses_recovered = models.DecimalField(
        _("挽回经济损失（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
    )
    preferred_route = models.CharField(
        _("希望的解决方式"), max_length=16, choices=Route.choices, default=Route.MEDIATION,
    )
    source = models.CharField(_("来源"), max_length=20, choices=CaseSource.choices, default=CaseSource.ONLINE)
    court_reference = models.CharField(_("法院案号"), max_length=60, blank=True)
    knowledge_date = models.DateField(_("知道或应当知道权利受侵害之日"), null=True, blank=True)
    court_docketed = models.BooleanField(_("同一纠纷已由法院立案"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="submitted_cases",
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Derived, never edited: the soonest due date among the case's running deadlines (None: no
    # clock running), kept by cases.services.deadlines so the queues sort and count by an index.
    next_due = models.DateField(_("最近届满日"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "-submitted_at"], name="case_org_status"),
            # The queues: a status's cases by their soonest running deadline (intake, 快调, 速裁).
            models.Index(fields=["status", "next_due", "submitted_at", "id"], name="case_status_next_due"),
            models.Index(fields=["district", "tier", "status"], name="case_district_tier"),
            models.Index(fields=["-submitted_at", "-id"], name="case_submitted"),
            # A staff member's home page: the newest cases their organisation holds (cases.selectors.recent_cases).
            models.Index(fields=["organization", "-submitted_at", "-id"], name="case_org_submitted"),
            # The statistics refresh reads "cases changed since the last run".
            models.Index(fields=["updated_at"], name="case_updated"),
        ]

    def __str__(self):
        return self.number or self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseNumberSequence(models.Model):
    """Gapless counter per organisation, tier and year; locked row by row when a number is taken."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT)
    tier = models.CharField(max_length=16, choices=Tier.choices)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "tier", "year"], name="case_number_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.organization_id}/{self.tier}/{self.year}: {self.last_value}"


class CaseNumber(models.Model):
    """Every number a case has received, one per tier that docketed it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="numbers")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT)
    tier = models.CharField(max_length=16, choices=Tier.choices)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    text = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "tier", "year", "sequence"], name="case_number_unique",
            ),
        ]

    def __str__(self):
        return self.text


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Guardian direct foreign key table: a user's rights on one case (fast joins at scale)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_permissions")


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian direct foreign key table: an organisation's (group's) rights on one case."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_permissions")


class Party(models.Model):
    """当事人 or 代理人 of a case. A person carries an ID number, an organisation a credit code."""

    class PartyRole(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")
        THIRD_PARTY = "third_party", _("第三人")
        AGENT = "agent", _("代理人")

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANIZATION = "organization", _("法人或其他组织")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=16, choices=PartyRole.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("姓名或名称"), max_length=100)
    id_number = models.CharField(
        _("居民身份证号码"), max_length=18, blank=True, validators=[validators.validate_id_number],
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, db_index=True,
        validators=[validators.validate_credit_code],
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validators.validate_phone])
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    represents = models.ForeignKey(
        "self", verbose_name=_("被代理人"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="agents",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("平台账号"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="parties",
    )

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "role", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.kind == self.Kind.PERSON and self.credit_code:
            errors["credit_code"] = _("自然人不填写统一社会信用代码。")
        if self.kind == self.Kind.ORGANIZATION and self.id_number:
            errors["id_number"] = _("单位当事人请填写统一社会信用代码，而非身份证号码。")
        # ``represents`` may be an unsaved party of the same new case (set before saving).
        has_principal = self.represents_id is not None or Party.represents.is_cached(self)
        if self.role == self.PartyRole.AGENT and not has_principal:
            errors["represents"] = _("请选择代理人所代理的当事人。")
        if self.role != self.PartyRole.AGENT and has_principal:
            errors["represents"] = _("只有代理人才有被代理人。")
        if errors:
            raise ValidationError(errors)


class IPRightKind(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("发明专利")
    UTILITY_MODEL = "utility_model", _("实用新型专利")
    DESIGN_PATENT = "design_patent", _("外观设计专利")
    TRADEMARK = "trademark", _("商标")
    COPYRIGHT = "copyright", _("著作权")
    TRADE_SECRET = "trade_secret", _("商业秘密")
    GEOGRAPHICAL_INDICATION = "geographical_indication", _("地理标志")
    PLANT_VARIETY = "plant_variety", _("植物新品种")
    IC_LAYOUT = "ic_layout", _("集成电路布图设计")


PATENT_KINDS = frozenset({IPRightKind.INVENTION_PATENT, IPRightKind.UTILITY_MODEL, IPRightKind.DESIGN_PATENT})


class IPRight(models.Model):
    """涉案知识产权. The number is checked by kind (patent check digit, trademark number …)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ip_rights")
    kind = models.CharField(_("权利类型"), max_length=32, choices=IPRightKind.choices)
    number = models.CharField(_("登记/申请号"), max_length=40, blank=True, db_index=True)
    title = models.CharField(_("名称"), max_length=200)
    holder = models.CharField(_("权利人"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("涉案知识产权")
        verbose_name_plural = _("涉案知识产权")
        ordering = ["case", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number or self.title}"

    def clean(self):
        try:
            self.number = validators.normalize_ip_number(self.kind, self.number)
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages}) from exc


def evidence_upload_to(instance, filename):
    """Generated names only: the uploader's file name never reaches the file system."""
    now = timezone.now()
    return f"evidence/{now:%Y/%m}/{uuid.uuid4().hex}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Evidence(models.Model):
    """证据: a file checked by content, hashed, stored outside static files."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    party = models.ForeignKey(
        Party, verbose_name=_("提交方"), on_delete=models.SET_NULL, null=True, blank=True,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, null=True,
    )
    file = models.FileField(storage=private_storage, upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    description = models.CharField(_("证据说明"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    confidential = models.BooleanField(
        _("保密证据"), default=False,
        help_text=_("仅办案人员和提交方可见（如商业秘密），其他当事人看不到。"),
    )

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["case", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class CaseEvent(AppendOnlyMixin, models.Model):
    """案件动态: the append-only timeline and audit record. Never updated, never deleted.

    PostgreSQL enforces this with a trigger (migration 0002); the model refuses too. Bulk
    ``update()``/``delete()`` are left to the trigger (``cases.db``).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    actor_role = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=48)
    message = models.CharField(max_length=500, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    public = models.BooleanField(default=False, help_text="Shown to the parties in their timeline.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("案件动态")
        verbose_name_plural = _("案件动态")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="caseevent_case_time"),
            # The station queue sorts by each case's latest arrival (cases.tribunal.selectors.station_queue):
            # one probe per case instead of reading every event of the case.
            models.Index(fields=["case", "-created_at", "-id"], condition=models.Q(kind="organization_changed"),
                         name="caseevent_arrival"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"


class HolidayOverride(models.Model):
    """An admin-maintained day that overrides chinesecalendar (and covers years it does not)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"), help_text=_("勾选表示调休上班日；不勾选表示放假。"))
    name = models.CharField(_("说明"), max_length=50, blank=True, help_text=_("如“春节”“国庆节调休”。"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class Deadline(models.Model):
    """期限: a statutory time limit on a case, counted in working or calendar days.

    A clock stop (suspension, supplement request) freezes the remaining time; on
    resumption the remaining days run again from the resumption date.
    """

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("工作日")
        DAYS = "days", _("日")
        MONTHS = "months", _("月")

    class State(models.TextChoices):
        RUNNING = "running", _("计时中")
        STOPPED = "stopped", _("已中止计时")
        MET = "met", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("期限类型"), max_length=48)
    label = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("计算单位"), max_length=16, choices=Unit.choices)
    length = models.PositiveSmallIntegerField(_("期间"))
    start_date = models.DateField(_("起算日"))
    due_date = models.DateField(_("届满日"), db_index=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.RUNNING)
    stopped_on = models.DateField(_("中止计时日"), null=True, blank=True)
    remaining = models.PositiveSmallIntegerField(
        _("剩余期间"), null=True, blank=True, help_text="Units left when the clock was stopped.",
    )
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("所涉年份的节假日安排尚未公布，按周一至周五计算。"),
    )
    responsible_role = models.CharField(_("责任角色"), max_length=32, choices=Role.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="deadlines",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    after_closure = models.BooleanField(
        _("结案后继续计算"), default=False,
        help_text="Runs after the case closed (performance follow-up, judicial-confirmation window): "
                  "closing the case does not cancel it.",
    )

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["state", "due_date"], name="deadline_state_due"),
            # The home page's "your deadlines": one role's running deadlines, soonest first
            # (cases.selectors.open_deadlines_for).
            models.Index(fields=["responsible_role", "due_date", "id"], condition=models.Q(state="running"),
                         name="deadline_running_role_due"),
        ]

    def __str__(self):
        return f"{self.label} {self.due_date}"

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.RUNNING and self.due_date < timezone.localdate()


class Notification(models.Model):
    """A notice to one person on one channel (in-app, SMS, e-mail), sent by a Celery task.

    The row is the outbox: it is written in the transaction of the change that caused
    it, so a notice is never lost when the broker is down, and ``idempotency_key``
    keeps a retried task or a repeated reminder from sending it twice.
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("站内消息")
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("接收地址"), max_length=254, blank=True, help_text="Phone or e-mail address.")
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=500, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "channel", "read_at"], name="notification_inbox")]

    def __str__(self):
        return self.subject


@receiver(m2m_changed, sender=User.groups.through)
def _user_groups_changed(sender, instance, **kwargs):
    """A user object whose groups change forgets its cached roles (``user.groups.add`` and friends)."""
    if isinstance(instance, User):
        instance.forget_groups()


class IdempotencyRecord(models.Model):
    """The first successful answer of an API write sent with an ``Idempotency-Key``, kept per user
    (a docking client's service account included) and replayed byte for byte (``cases.idempotency``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the request; rows copied from the old complaint replay keep theirs as ``data:<sha256>``.
    fingerprint = models.CharField(max_length=80)
    status_code = models.PositiveSmallIntegerField()
    body = models.TextField()
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_once")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
