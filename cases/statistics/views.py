"""Thin views: the dashboard and its exports, the PDF reports, typical cases (staff and public)."""
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases.documents.models import Document, DocumentType
from cases.pagination import Keyset, keyset_page
from cases.permissions import access_case, require_role
from cases.statistics import exports
from cases.statistics.anonymize import find_unmasked, masked_draft
from cases.statistics.charts import dashboard_charts
from cases.statistics.forms import DashboardFilterForm, PublicFilterForm, ReportForm, ReviewForm, TypicalCaseForm
from cases.statistics.models import TypicalCase
from cases.statistics.permissions import (
    PROPOSER_ROLES,
    access_for_review,
    can_propose,
    can_review,
    proposable_cases,
    typical_cases_for,
)
from cases.statistics.selectors import STATISTICS_ROLES, figures, scope_for
from cases.statistics.services import (
    TEXT_LIMITS,
    default_outcome,
    field_labels,
    statistics_report_issue,
    typical_case_propose,
    typical_case_publish,
    typical_case_reject,
)

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
}

# 典型案例 lists, paged by keyset like every other list (``workflows/_pagination.html`` renders these links).
TYPICAL_MANAGE_KEYS = Keyset("state", "-proposed_at", "-id")
PUBLIC_KEYS = Keyset("-published_at", "-id")


def _scope(request):
    require_role(request.user, *STATISTICS_ROLES)
    return scope_for(request.user)


@never_cache
@login_required
def dashboard(request):
    """统计: filters, figures, charts (inline SVG) each followed by its table."""
    scope = _scope(request)
    form = DashboardFilterForm(request.GET, scope=scope)
    context = {"form": form, "scope": scope, "query": request.GET.urlencode(),
               "can_propose": can_propose(request.user), "can_review": can_review(request.user)}
    if not form.is_valid():
        return render(request, "statistics/dashboard.html", context, status=400)
    data = figures(scope, form.filters())
    state = data["freshness"]
    limit = timezone.now() - timedelta(minutes=settings.STATISTICS_STALE_MINUTES)
    context.update(data=data, charts=dashboard_charts(data),
                   stale=state is None or state.watermark is None or state.watermark < limit)
    return render(request, "statistics/dashboard.html", context)


@never_cache
@login_required
def export(request, fmt):
    """The dashboard's tables as CSV or XLSX (formula-like text neutralised)."""
    if fmt not in EXPORT_TYPES:
        raise Http404
    scope = _scope(request)
    form = DashboardFilterForm(request.GET, scope=scope)
    if not form.is_valid():
        return render(request, "statistics/dashboard.html", {"form": form, "scope": scope}, status=400)
    filters = form.filters()
    content_type, writer = EXPORT_TYPES[fmt]
    response = HttpResponse(writer(exports.report_tables(figures(scope, filters))), content_type=content_type)
    name = f"statistics-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reports(request):
    """统计报表: issue a monthly or annual PDF through the document renderer; list the issued ones."""
    scope = _scope(request)
    today = timezone.localdate()
    form = ReportForm(request.POST if request.method == "POST" else None,
                      initial={"kind": "month", "year": today.year, "month": today.month})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = statistics_report_issue(
                    actor=request.user, scope=scope, kind=data["kind"], year=data["year"],
                    month=data.get("month") if data["kind"] == "month" else None,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("已生成%(title)s（%(number)s）。") % {
                    "title": document.title, "number": document.number})
                return redirect("statistics:reports")
        status = 400
    issued = []
    if request.user.organization_id:
        issued = list(
            Document.objects.filter(case=None, doc_type=DocumentType.STATISTICS_REPORT,
                                    organization_id=request.user.organization_id, superseded_by__isnull=True)
            .order_by("-issued_at", "-id")[:24]
        )
    return render(request, "statistics/reports.html", {"form": form, "scope": scope, "issued": issued}, status=status)


# -- typical cases: staff ---------------------------------------------------------------------------


@never_cache
@login_required
def typical_manage(request):
    """典型案例 (staff): proposals and their state; for directors, the closed cases they may propose."""
    user = request.user
    if not (can_propose(user) or can_review(user) or user.is_superuser):
        raise PermissionDenied
    proposals = typical_cases_for(user).order_by("state", "-proposed_at", "-id")
    page = keyset_page(proposals, TYPICAL_MANAGE_KEYS, request.GET, size=20)
    candidates = []
    q = (request.GET.get("q") or "").strip()[:40]
    if can_propose(user):
        qs = proposable_cases(user)
        if q:
            qs = qs.filter(number__icontains=q)
        candidates = list(qs.order_by("-closed_at", "-id")[:20])
    return render(request, "statistics/typical_manage.html", {
        "page": page, "candidates": candidates, "q": q, "can_propose": can_propose(user),
        "can_review": can_review(user),
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def typical_propose(request, case_id):
    """推荐典型案例: the masked draft, editable; proposing checks that nothing unmasked remains."""
    require_role(request.user, *PROPOSER_ROLES)
    if not can_propose(request.user):
        raise PermissionDenied
    case = access_case(request.user, case_id)
    if not proposable_cases(request.user).filter(pk=case.pk).exists():
        return render(request, "statistics/typical_not_allowed.html", {"case": case}, status=409)
    mask_companies = request.POST.get("mask_companies") == "on" if request.method == "POST" else (
        request.GET.get("mask_companies") == "on")
    draft = masked_draft(case, mask_companies=mask_companies)
    initial = {"title": draft["title"], "facts": draft["facts"], "claims": draft["claims"],
               "outcome": default_outcome(case), "mask_companies": mask_companies}
    problems = []
    status = 200
    if request.method == "POST" and "regenerate" in request.POST:
        form = TypicalCaseForm(initial=initial)
    elif request.method == "POST":
        form = TypicalCaseForm(request.POST)
        if form.is_valid():
            try:
                typical_case_propose(actor=request.user, case=case, **form.cleaned_data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    problems = exc.messages
            else:
                messages.success(request, _("已推荐为典型案例，等待统计监督员审核。"))
                return redirect("statistics:typical_manage")
        status = 400
    else:
        form = TypicalCaseForm(initial=initial)
    return render(request, "statistics/typical_propose.html", {
        "case": case, "form": form, "problems": problems, "mask_companies": mask_companies,
    }, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def typical_review(request, pk):
    """审核典型案例: publish (after checking the text again) or send back with a reason."""
    typical = access_for_review(request.user, pk)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    labels = field_labels()
    problems = find_unmasked(
        {labels[name]: getattr(typical, name) for name in TEXT_LIMITS}, typical.case,
        mask_companies=typical.mask_companies,
    ) if typical.state == TypicalCase.State.PROPOSED else []
    if request.method == "POST":
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "publish":
                    typical_case_publish(actor=request.user, typical_case=typical, note=form.cleaned_data["note"])
                    messages.success(request, _("典型案例已发布。"))
                else:
                    typical_case_reject(actor=request.user, typical_case=typical, note=form.cleaned_data["note"])
                    messages.success(request, _("已退回推荐人修改。"))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                return redirect("statistics:typical_manage")
        status = 400
    return render(request, "statistics/typical_review.html", {
        "typical": typical, "form": form, "problems": problems,
    }, status=status)


# -- typical cases: public --------------------------------------------------------------------------


def public_list(request):
    """典型案例 (public, no login): published cases by IP type and industry."""
    form = PublicFilterForm(request.GET)
    qs = TypicalCase.objects.filter(state=TypicalCase.State.PUBLISHED).select_related("industry", "organization")
    status = 200
    if form.is_valid():
        if form.cleaned_data.get("ip_kind"):
            qs = qs.filter(ip_kind=form.cleaned_data["ip_kind"])
        if form.cleaned_data.get("industry"):
            qs = qs.filter(industry=form.cleaned_data["industry"])
    else:
        status = 400
    page = keyset_page(qs, PUBLIC_KEYS, request.GET, size=10)
    return render(request, "statistics/public_list.html", {
        "form": form, "page": page,
    }, status=status)


def public_detail(request, pk):
    if not 0 < pk < 2**63:
        raise Http404
    typical = (
        TypicalCase.objects.filter(state=TypicalCase.State.PUBLISHED, pk=pk)
        .select_related("industry", "organization", "district").first()
    )
    if typical is None:
        raise Http404
    return render(request, "statistics/public_detail.html", {"typical": typical})
