"""Statistics (read side) and typical-case publication.

The dashboard never aggregates the case table in a web request. A Celery task
(``statistics.tasks.refresh_aggregates``) keeps these tables current:

- ``CaseContribution``: what one case adds to each (day, dimensions) bucket: received,
  entered a tier, accepted, closed, mediation outcome, open / overdue now (day = NULL),
  invited to a survey, survey answers. One case, a handful of rows; rebuilt per changed case.
- ``DailyFact``: the sums of the contributions per (day, handler, organisation, district,
  tier, IP kind, industry, status group). The dashboard reads only this, ``DurationBucket``
  and ``RepeatRespondent``.
- ``CaseDuration`` / ``DurationBucket``: days spent per tier (and in total) by each case
  that finished it, counted per number of days, so percentiles are exact (computed in Python).
- ``CaseRespondent`` / ``RepeatRespondent``: respondents keyed on the unified social credit
  code, with the count of their cases at city, district and organisation level.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import TERMINAL_STATUSES, Case, CaseStatus, District, Industry, IPRightKind, Organization

OPEN_GROUP = "open"

# The status groups of the facts: "open" for every open status; a closed case keeps its outcome.
STATUS_GROUPS = (
    (OPEN_GROUP, _("办理中")),
    (CaseStatus.REFUSED.value, CaseStatus.REFUSED.label),
    (CaseStatus.LAPSED.value, CaseStatus.LAPSED.label),
    (CaseStatus.WITHDRAWN.value, CaseStatus.WITHDRAWN.label),
    (CaseStatus.MEDIATED.value, CaseStatus.MEDIATED.label),
    (CaseStatus.MEDIATION_TERMINATED.value, CaseStatus.MEDIATION_TERMINATED.label),
    (CaseStatus.ADJUDICATED.value, CaseStatus.ADJUDICATED.label),
    (CaseStatus.COURT_CLOSED.value, CaseStatus.COURT_CLOSED.label),
)


def status_group(status: str) -> str:
    return status if status in TERMINAL_STATUSES else OPEN_GROUP


# Additive measures shared by contributions and daily facts.
COUNT_MEASURES = (
    "received", "entered", "accepted", "closed", "mediation_success", "mediation_failure", "open", "overdue",
    "invited", "responses", "recommend",
    "sum_convenience", "sum_timeliness", "sum_professionalism", "sum_fairness", "sum_outcome",
)
MONEY_MEASURES = ("amount_received", "amount_closed", "recovered")
MEASURES = COUNT_MEASURES + MONEY_MEASURES
DIMENSIONS = ("day", "handler_id", "organization_id", "district_id", "tier", "ip_kind", "industry_id", "status_group")


class FactBase(models.Model):
    day = models.DateField(null=True, blank=True, help_text="NULL: the current snapshot (open and overdue cases).")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        help_text="NULL: the case itself; else the mediator or officer the row counts for.",
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    tier = models.CharField(max_length=16)
    ip_kind = models.CharField(max_length=32, blank=True)
    industry = models.ForeignKey(Industry, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    status_group = models.CharField(max_length=32)

    received = models.PositiveIntegerField(default=0)
    entered = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    mediation_success = models.PositiveIntegerField(default=0)
    mediation_failure = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)
    recommend = models.PositiveIntegerField(default=0)
    sum_convenience = models.PositiveIntegerField(default=0)
    sum_timeliness = models.PositiveIntegerField(default=0)
    sum_professionalism = models.PositiveIntegerField(default=0)
    sum_fairness = models.PositiveIntegerField(default=0)
    sum_outcome = models.PositiveIntegerField(default=0)
    amount_received = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount_closed = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    recovered = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        abstract = True


class CaseContribution(FactBase):
    """What one case adds to one bucket of ``DailyFact`` (rebuilt whenever the case changes)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["case"], name="stat_contrib_case"),
            models.Index(fields=["day"], name="stat_contrib_day"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.day} {self.tier}"


class DailyFact(FactBase):
    """Pre-aggregated counts and sums: what the dashboard, the exports and the reports read."""

    class Meta:
        indexes = [
            models.Index(fields=["district", "day"], name="stat_daily_district_day"),
            models.Index(fields=["organization", "day"], name="stat_daily_org_day"),
            models.Index(fields=["day"], name="stat_daily_day"),
            models.Index(fields=["handler", "day"], name="stat_daily_handler_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.organization_id} {self.tier} {self.status_group}"


class DurationBase(models.Model):
    day = models.DateField(help_text="The day the case finished the tier (or closed, for the total).")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    tier = models.CharField(max_length=16, help_text="A tier, or \"total\" for submission to closure.")
    ip_kind = models.CharField(max_length=32, blank=True)
    industry = models.ForeignKey(Industry, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    days = models.PositiveIntegerField()

    class Meta:
        abstract = True


class CaseDuration(DurationBase):
    """Days one case spent in one tier it has finished (calendar days)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["case"], name="stat_duration_case"),
            models.Index(fields=["day"], name="stat_duration_day"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.tier}: {self.days}"


class DurationBucket(DurationBase):
    """How many cases finished a tier on ``day`` after exactly ``days`` days (exact percentiles)."""

    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["district", "day"], name="stat_bucket_district_day"),
            models.Index(fields=["organization", "day"], name="stat_bucket_org_day"),
            models.Index(fields=["day"], name="stat_bucket_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.tier}: {self.days} x {self.count}"


class CaseRespondent(models.Model):
    """A respondent organisation of a case, keyed on its unified social credit code."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    credit_code = models.CharField(max_length=18, db_index=True)
    name = models.CharField(max_length=100)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    is_open = models.BooleanField(default=True)
    submitted_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["case"], name="stat_respondent_case")]

    def __str__(self):
        return f"{self.case_id} {self.credit_code}"


class RepeatRespondent(models.Model):
    """A respondent with two or more cases, per level: the city, a district, an organisation."""

    class Level(models.TextChoices):
        CITY = "city", _("全市")
        DISTRICT = "district", _("区县")
        ORGANIZATION = "organization", _("机构")

    level = models.CharField(max_length=12, choices=Level.choices)
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    credit_code = models.CharField(max_length=18, db_index=True)
    name = models.CharField(max_length=100)
    cases = models.PositiveIntegerField()
    open_cases = models.PositiveIntegerField()
    last_submitted_on = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["level", "district", "-cases"], name="stat_repeat_level_district"),
            models.Index(fields=["level", "organization", "-cases"], name="stat_repeat_level_org"),
        ]

    def __str__(self):
        return f"{self.level} {self.credit_code}: {self.cases}"


class RefreshState(models.Model):
    """The watermark of the incremental refresh, and how fresh the aggregates are."""

    key = models.CharField(max_length=20, unique=True, default="default")
    watermark = models.DateTimeField(null=True, blank=True, help_text="Changes up to here are in the aggregates.")
    last_date = models.DateField(null=True, blank=True, help_text="Local date of the last run (overdue roll-over).")
    running_since = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_full_at = models.DateTimeField(null=True, blank=True)
    last_cases = models.PositiveIntegerField(default=0)
    last_seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("统计刷新状态")
        verbose_name_plural = _("统计刷新状态")

    def __str__(self):
        return f"{self.key}: {self.watermark}"


class TypicalCase(models.Model):
    """典型案例: a closed case's story, masked, proposed by a director, published by a supervisor."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        PUBLISHED = "published", _("已发布")
        REJECTED = "rejected", _("已退回")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="typical_cases")
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PROPOSED)
    title = models.CharField(_("标题"), max_length=200)
    facts = models.TextField(_("基本案情"))
    claims = models.TextField(_("请求事项"))
    outcome = models.TextField(_("处理结果"))
    significance = models.TextField(_("典型意义"), blank=True)
    ip_kind = models.CharField(_("知识产权类型"), max_length=32, choices=IPRightKind.choices, blank=True)
    industry = models.ForeignKey(
        Industry, verbose_name=_("行业"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    district = models.ForeignKey(District, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, verbose_name=_("推荐机构"), on_delete=models.PROTECT, related_name="typical_cases",
    )
    mask_companies = models.BooleanField(_("隐去单位名称"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), on_delete=models.PROTECT, related_name="+",
    )
    proposed_at = models.DateTimeField(_("推荐时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-published_at", "-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state__in=["proposed", "published"]), name="typical_case_active_once",
            ),
        ]
        indexes = [models.Index(fields=["state", "-published_at"], name="typical_state_published")]

    def __str__(self):
        return self.title
