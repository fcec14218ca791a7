"""满意度调查: one invitation per party of a closed case, at most one anonymous response each.

Models hold data and invariants only; every write goes through ``cases.surveys.services``.
The invitation captures, when it is made, the tier and organisation that closed the case
and the staff who handled it, so later reassignments never move old scores.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Organization, Party, Tier

# The five dimensions of DESIGN.md section 6, in the order they are asked.
DIMENSIONS = (
    ("convenience", _("便捷")),
    ("timeliness", _("及时")),
    ("professionalism", _("专业")),
    ("fairness", _("公正")),
    ("outcome", _("结果")),
)
DIMENSION_FIELDS = tuple(name for name, _label in DIMENSIONS)
SCORE_MIN, SCORE_MAX = 1, 5
COMMENT_MAX_LENGTH = 1000


def score_of(total: int | Decimal, answers: int) -> Decimal | None:
    """Satisfaction out of 100: the mean of ``answers`` 1-5 answers summing to ``total``, times 20.

    One response (five answers) scores ``sum x 4``; an aggregate is the mean over every answer.
    """
    if not answers:
        return None
    return (Decimal(total) * 20 / Decimal(answers)).quantize(Decimal("0.1"))


class SurveyInvitation(models.Model):
    """A party's invitation to rate the handling of a closed case (signed link, no login)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待评价")
        ANSWERED = "answered", _("已评价")
        EXPIRED = "expired", _("已过期")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="survey_invitations")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="survey_invitations")
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    tier = models.CharField(_("结案环节"), max_length=16, choices=Tier.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("结案机构"), on_delete=models.PROTECT, related_name="+",
    )
    closed_status = models.CharField(_("结案状态"), max_length=32)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人员"), blank=True, related_name="survey_attributions",
        help_text="Mediators and officers granted on the case when the invitation was made.",
    )
    channels = models.CharField(_("发送渠道"), max_length=40, blank=True)
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    expired_at = models.DateTimeField(_("过期处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("满意度调查邀请")
        verbose_name_plural = _("满意度调查邀请")
        ordering = ["-invited_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="survey_invitation_once")]
        indexes = [
            models.Index(fields=["state", "invited_at"], name="survey_inv_state_invited"),
            models.Index(fields=["state", "expires_at"], name="survey_inv_state_expires"),
        ]

    def __str__(self):
        return f"{self.case} / {self.party_id}"

    def is_expired(self, now=None) -> bool:
        return self.state == self.State.EXPIRED or (
            self.state == self.State.PENDING and self.expires_at <= (now or timezone.now())
        )


class SurveyResponse(models.Model):
    """One party's answers. Shown only in aggregate: no page lists responses one by one."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    convenience = models.PositiveSmallIntegerField(
        _("便捷"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    timeliness = models.PositiveSmallIntegerField(
        _("及时"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    professionalism = models.PositiveSmallIntegerField(
        _("专业"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    fairness = models.PositiveSmallIntegerField(
        _("公正"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    outcome = models.PositiveSmallIntegerField(
        _("结果"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    would_recommend = models.BooleanField(_("是否愿意推荐"))
    comment = models.TextField(
        _("意见建议"), max_length=COMMENT_MAX_LENGTH, blank=True, validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)],
    )
    answered_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{field}__gte": SCORE_MIN, f"{field}__lte": SCORE_MAX}),
                name=f"survey_response_{field}_1_5",
            )
            for field in DIMENSION_FIELDS
        ]

    def __str__(self):
        return f"{self.invitation_id}: {self.score}"

    @property
    def total(self) -> int:
        return sum(getattr(self, field) for field in DIMENSION_FIELDS)

    @property
    def score(self) -> Decimal:
        return score_of(self.total, len(DIMENSION_FIELDS))
