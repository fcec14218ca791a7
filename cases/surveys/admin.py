from django.contrib import admin

from cases.surveys.models import SurveyInvitation


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    """Invitations only: responses are anonymous and never listed one by one."""

    list_display = ("case", "state", "tier", "organization", "invited_at", "reminded_at", "answered_at")
    list_filter = ("state", "tier")
    search_fields = ("case__number",)
    raw_id_fields = ("case", "party", "staff")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
