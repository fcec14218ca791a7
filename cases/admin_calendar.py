"""Admin for the holiday table (registered in ``cases/admin.py``).

Entering a year's schedule makes that year known: provisional deadlines touching it are
counted again with the real dates as soon as a row is saved or deleted.
"""
from django.contrib import admin, messages

from cases.services.deadlines import deadline_refresh_provisional


class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("date",)

    def _refresh(self, request, years) -> None:
        changed = sum(deadline_refresh_provisional(year=y, actor=request.user) for y in sorted(set(years)))
        if changed:
            self.message_user(
                request, f"已按新的节假日安排重新计算 {changed} 个暂定期限。", messages.INFO,
                fail_silently=True,
            )

    def save_model(self, request, obj, form, change):
        years = [obj.date.year]
        old = form.initial.get("date") if change else None
        if old is not None and getattr(old, "year", None):
            years.append(old.year)
        super().save_model(request, obj, form, change)
        self._refresh(request, years)

    def delete_model(self, request, obj):
        year = obj.date.year
        super().delete_model(request, obj)
        self._refresh(request, [year])

    def delete_queryset(self, request, queryset):
        years = {d.year for d in queryset.values_list("date", flat=True)}
        super().delete_queryset(request, queryset)
        self._refresh(request, years)
