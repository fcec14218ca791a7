"""Admin of 精审: the docking API (issue a client, its token shown once; revoke it; read the call audit), and the
station's records (court stages, confirmation rulings), which the admin reads but never writes: services do."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.admin_mixins import ReadOnlyAdminMixin
from cases.models import Organization
from cases.tribunal.docking import SCOPES, docking_client_create, docking_client_revoke
from cases.tribunal.models import ConfirmationRuling, CourtStage, DockingCall, DockingClient


class DockingClientAddForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=gettext_lazy("权限范围"), choices=list(SCOPES.items()),
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = DockingClient
        fields = ("station", "name", "scopes", "expires_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Organization.objects.filter(kind=Organization.Kind.CIRCUIT_STATION)


@admin.register(DockingClient)
class DockingClientAdmin(admin.ModelAdmin):
    list_display = ("name", "station", "token_prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("station", "revoked_at")
    actions = ["revoke"]
    readonly_fields = ("station", "name", "scopes", "token_prefix", "acting_user", "created_at", "expires_at",
                       "revoked_at", "last_used_at")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = DockingClientAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ("station", "name", "scopes", "expires_at")

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        try:
            client, token = docking_client_create(actor=request.user, station=data["station"], name=data["name"],
                                                  scopes=data["scopes"], expires_at=data.get("expires_at"))
        except ValidationError as exc:  # checked again by the service; shown rather than a 500
            messages.error(request, " ".join(exc.messages))
            raise
        obj.pk = obj.id = client.pk
        messages.warning(request, _("令牌（只显示这一次，请立即妥善保存）：%(token)s") % {"token": token})

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("吊销所选对接客户端的令牌"))
    def revoke(self, request, queryset):
        for client in queryset:
            docking_client_revoke(actor=request.user, client=client)
        messages.success(request, _("已吊销%(n)d个对接客户端。") % {"n": queryset.count()})


@admin.register(DockingCall)
class DockingCallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: read here, never changed."""

    list_display = ("created_at", "client", "method", "path", "operation_id", "status_code", "case_id",
                    "ip_address", "duration_ms")
    list_filter = ("client", "status_code", "operation_id")
    search_fields = ("path", "idempotency_key", "fingerprint")


# -- the station's records: read here; every change goes through cases.tribunal.services ------------------


class _ReadMostly(admin.ModelAdmin):
    """Shown with every field read-only: a change made here would bypass the case's audit trail."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CourtStage)
class CourtStageAdmin(_ReadMostly):
    list_display = ("case", "station", "acknowledged_at", "docketed_at", "outcome", "decided_on", "closed_at")
    list_filter = ("station", "outcome")
    search_fields = ("case__number", "case__court_reference", "case__title")
    list_select_related = ("case", "station")
    date_hierarchy = "acknowledged_at"


@admin.register(ConfirmationRuling)
class ConfirmationRulingAdmin(_ReadMostly):
    list_display = ("case", "station", "accepted_at", "confirmed", "ruled_at")
    list_filter = ("station", "confirmed")
    search_fields = ("case__number", "case__title")
    list_select_related = ("case", "station")
    date_hierarchy = "accepted_at"
