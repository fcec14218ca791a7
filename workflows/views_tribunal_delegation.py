"""委派/委托调解 pages of the circuit station: the form that creates a delegated case in 快调, and the
station's list of its delegations with the results the committee reported back.

The case is created by ``workflows.router.delegate_to_mediation`` in one transaction: any error comes
back next to its field and nothing is saved.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases.models import Organization
from cases.permissions import require_role
from cases.tribunal.services import CLERK_ROLES
from mediation import selectors as mediation_selectors
from workflows import router
from workflows.forms_tribunal import DelegationForms


def _station(user):
    """The circuit station the clerk or judge works at; 403 for anyone else."""
    require_role(user, *CLERK_ROLES)
    station = user.organization
    if station is None or station.kind != Organization.Kind.CIRCUIT_STATION:
        raise PermissionDenied
    return station


@never_cache
@login_required
def delegation_new(request):
    station = _station(request.user)
    forms = DelegationForms(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if forms.is_valid():
            try:
                case = router.delegate_to_mediation(actor=request.user, station=station,
                                                    ip_address=request.META.get("REMOTE_ADDR"),
                                                    **forms.service_kwargs())
            except ValidationError as exc:
                forms.apply(exc)
            else:
                messages.success(request, _("已%(kind)s，案号%(number)s，调解期限至%(due)s。") % {
                    "kind": case.court_delegation.get_kind_display(), "number": case.number,
                    "due": date_format(case.court_delegation.due_date, "DATE_FORMAT")})
                return redirect("workflows:tribunal:delegations")
        messages.error(request, _("请更正下面标出的问题后再提交。"))
        status = 400
    return render(request, "tribunal/delegation_form.html", {"forms": forms, "station": station}, status=status)


@never_cache
@login_required
def delegations(request):
    station = _station(request.user)
    today = timezone.localdate()
    context = mediation_selectors.station_delegation_queue(station, today, request.GET)
    return render(request, "tribunal/delegations.html", {**context, "station": station, "today": today})
