"""Thin views: check access, call a selector or service, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.downloads import protected_file_response
from cases.forms import EvidenceUploadForm
from cases.intake.drafts import draft_latest, unread_notice_count
from cases.intake.forms import SupplementAnswerForm
from cases.intake.models import IntakeDecision, SupplementItem
from cases.intake.services import intake_answer_supplement
from cases.models import STAFF_ROLES, CaseStatus, Party, Role, Tier
from cases.pagination import keyset_page
from cases.permissions import access_case, access_evidence, can_add_evidence, own_parties


def client_ip(request):
    return request.META.get("REMOTE_ADDR")


@never_cache
@login_required
def home(request):
    """Each role's landing page: what to do next, and where."""
    user = request.user
    roles = user.roles
    is_party = not (roles & STAFF_ROLES) and not user.is_superuser
    open_count, organisations = selectors.open_case_count(user)
    return render(request, "cases/home.html", {
        "roles": sorted(roles, key=lambda r: list(Role).index(r)),
        "is_party": is_party,
        "deadlines": selectors.open_deadlines_for(user),
        "recent_cases": selectors.recent_cases(user),
        "open_count": open_count,
        "open_count_is_organisations": organisations,
        "open_draft": draft_latest(user) if is_party else None,
        "unread_notices": unread_notice_count(user),
    })


@never_cache
@login_required
def case_list(request):
    filters = {
        "status": request.GET.get("status", "") if request.GET.get("status", "") in CaseStatus.values else "",
        "tier": request.GET.get("tier", "") if request.GET.get("tier", "") in Tier.values else "",
        "q": request.GET.get("q", "")[:50],
    }
    page = keyset_page(selectors.case_list(request.user, **filters), selectors.CASE_LIST_KEYS, request.GET,
                       count=True)
    return render(request, "cases/case_list.html", {
        "page": page, "filters": filters, "statuses": CaseStatus.choices, "tiers": Tier.choices,
    })


@never_cache
@login_required
def case_detail(request, case_id):
    case = _page_case(request.user, case_id)
    context = {
        "case": case, "upload_form": EvidenceUploadForm(), **selectors.case_detail(case, request.user),
        **_supplement_context(case, request.user),
    }
    return render(request, "cases/case_detail.html", context)


def _page_case(user, case_id):
    """The case with what every panel of its page reads (one-to-one tier records, parties, deadlines, evidence)."""
    return access_case(user, case_id, select_related=selectors.case_page_related(),
                       prefetch=selectors.case_page_prefetch(), annotate=selectors.case_page_facts())


def _applicant_side(case, user) -> bool:
    """The user is an applicant (or an applicant's agent) of the case."""
    return any(p.role in (Party.PartyRole.APPLICANT, Party.PartyRole.AGENT) for p in own_parties(user, case))


def _supplement_context(case, user, answer_form=None) -> dict:
    """The "需要您补正" panel: the open supplement request, for the applicant side only."""
    if case.status != CaseStatus.SUPPLEMENT_REQUESTED or not _applicant_side(case, user):
        return {}
    decision = (
        case.intake_decisions.filter(kind=IntakeDecision.Kind.SUPPLEMENT, answered_at=None)
        .order_by("decided_at", "id").last()
    )
    if decision is None:
        return {}
    labels = dict(SupplementItem.choices)
    return {
        "supplement_request": decision,
        "supplement_items": [labels.get(i, i) for i in decision.missing_items],
        "supplement_form": answer_form or SupplementAnswerForm(),
    }


@require_POST
@login_required
def evidence_upload(request, case_id):
    """Upload evidence; a refused file re-renders the page with the reason beside the field (400)."""
    case = access_case(request.user, case_id)
    if not can_add_evidence(request.user, case):
        raise PermissionDenied
    form = EvidenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        party = case.parties.filter(user_id=request.user.pk).first()
        try:
            services.evidence_add(
                actor=request.user, case=case, uploaded_file=form.cleaned_data["file"],
                description=form.cleaned_data["description"], party=party, ip_address=client_ip(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):  # description / party problems, keyed by field
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("file", exc)
        else:
            messages.success(request, _("证据已上传。"))
            return redirect("cases:detail", case_id=case.pk)
    context = {
        "case": case, "upload_form": form, **selectors.case_detail(case, request.user),
        **_supplement_context(case, request.user),
    }
    return render(request, "cases/case_detail.html", context, status=400)


@require_POST
@login_required
def supplement_answer(request, case_id):
    """提交补正: the applicant answers the open supplement request; the triage clock restarts."""
    case = access_case(request.user, case_id)
    if not _applicant_side(case, request.user):
        raise Http404
    form = SupplementAnswerForm(request.POST)
    if form.is_valid():
        try:
            intake_answer_supplement(actor=request.user, case=case, answer_text=form.cleaned_data["answer_text"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cases:detail", case_id=case.pk)
        messages.success(request, _("补正已提交，受理员将继续审查您的申请。"))
        return redirect("cases:detail", case_id=case.pk)
    context = {
        "case": case, "upload_form": EvidenceUploadForm(), **selectors.case_detail(case, request.user),
        **_supplement_context(case, request.user, answer_form=form),
    }
    return render(request, "cases/case_detail.html", context, status=400)


@never_cache
@login_required
def evidence_download(request, evidence_id):
    evidence = access_evidence(request.user, evidence_id)
    return protected_file_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
