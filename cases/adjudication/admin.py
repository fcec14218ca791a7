"""速裁 in the Django admin: read-only views of the tier's records (every change goes through services)."""
from django.contrib import admin

from cases.adjudication import models
from cases.admin_mixins import ReadOnlyAdmin


@admin.register(models.Adjudication)
class AdjudicationAdmin(ReadOnlyAdmin):
    list_display = ("case", "office", "received_at", "filed_at", "decided_at", "final_at", "repeat_infringer")
    list_filter = ("office", "repeat_infringer")
    search_fields = ("case__number", "case__title")


for model in (models.FilingReview, models.PanelMember, models.Recusal, models.Answer, models.TechnicalQuestion,
              models.Hearing, models.SuspensionRequest, models.DamagesMediation, models.ExtensionRequest,
              models.Decision, models.Suit, models.Performance, models.EvidenceVisibility):
    admin.site.register(model, ReadOnlyAdmin)
