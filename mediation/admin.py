"""Admin: the committee's own time limits, mediator profiles and declared relationships.

Everything else of the mediation tier is written by its services (with a CaseEvent each)
and is read-only here.
"""
from django.contrib import admin

from cases.admin_mixins import ReadOnlyAdmin
from mediation.models import (
    CourtDelegation,
    DeclaredRelationship,
    MediationAssignment,
    MediationRules,
    MediatorProfile,
)


@admin.register(MediationRules)
class MediationRulesAdmin(admin.ModelAdmin):
    list_display = ("committee", "consent_working_days", "accept_working_days", "limit_days", "delegated_days",
                    "entrusted_days", "entrusted_simple_days", "confirmation_days", "remind_days_before", "max_load")


@admin.register(MediatorProfile)
class MediatorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "available", "max_load")
    list_filter = ("available",)
    search_fields = ("user__full_name", "user__username")
    autocomplete_fields = ("user",)


@admin.register(DeclaredRelationship)
class DeclaredRelationshipAdmin(admin.ModelAdmin):
    list_display = ("mediator", "party_name", "identifier", "relation", "declared_at")
    search_fields = ("party_name", "identifier", "mediator__full_name")


@admin.register(MediationAssignment)
class MediationAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "mediator", "source", "status", "created_at")
    list_filter = ("status", "source")


@admin.register(CourtDelegation)
class CourtDelegationAdmin(ReadOnlyAdmin):
    list_display = ("court_reference", "case", "station", "kind", "result", "reported_at")
    list_filter = ("kind", "result")
