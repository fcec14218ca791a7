from django.contrib import admin

from cases.admin_mixins import ReadOnlyAdminMixin
from cases.surveys.models import SurveyInvitation


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Invitations only: responses are anonymous and never listed one by one."""

    list_display = ("case", "state", "tier", "organization", "invited_at", "reminded_at", "answered_at")
    list_filter = ("state", "tier")
    search_fields = ("case__number",)
    raw_id_fields = ("case", "party", "staff")
