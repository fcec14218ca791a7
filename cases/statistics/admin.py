from django.contrib import admin

from cases.statistics.models import RefreshState, TypicalCase


@admin.register(TypicalCase)
class TypicalCaseAdmin(admin.ModelAdmin):
    """Typical cases are proposed, published and rejected through their pages; the admin looks only."""

    list_display = ("title", "state", "organization", "proposed_at", "published_at")
    list_filter = ("state", "ip_kind")
    search_fields = ("title",)
    raw_id_fields = ("case", "proposed_by", "reviewed_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RefreshState)
class RefreshStateAdmin(admin.ModelAdmin):
    list_display = ("key", "watermark", "last_finished_at", "last_full_at", "last_cases", "last_seconds")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
