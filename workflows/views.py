"""Views that move cases along the chain: thin, they call ``workflows.router`` or a service.

Every view checks the role and the case in one step (``access_case``); a case the user
may not see is 404. A service's ValidationError becomes a form error (status 400) and
changes nothing; a decision already taken shows a message instead of a second attempt.
"""
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases.forms import EvidenceUploadForm
from cases.intake import services as intake
from cases.links import party_from_token
from cases.models import CaseEvent, CaseStatus, Party, Route
from cases.pagination import keyset_page
from cases.permissions import access_case, can_add_evidence, require_role, visible_cases
from cases.services.cases import TRANSITIONS
from mediation.models import MediationConsent
from workflows import router, selectors
from workflows.forms import (
    AcceptForm,
    AnswerForm,
    ConsentForm,
    NextRouteForm,
    RecordConsentForm,
    RefuseForm,
    SupplementForm,
    WithdrawForm,
    apply_service_error,
)
from workflows.services import respondent_answer_submit, respondent_portal_login

LINK_LOGIN_BACKEND = "cases.auth.PhoneOrEmailBackend"


def _may_change(user, case) -> bool:
    return visible_cases(user, "change_case").filter(pk=case.pk).exists()


# ---------- intake: the clerk's queue and the triage screen ----------

@never_cache
@login_required
def intake_queue(request):
    require_role(request.user, *selectors.INTAKE_ROLES)
    sections = selectors.intake_queue_sections(request.user)
    return render(request, "workflows/intake_queue.html", {
        "page": keyset_page(sections["pending"], selectors.INTAKE_QUEUE_KEYS, request.GET),
        "supplement_page": keyset_page(sections["supplement"], selectors.INTAKE_QUEUE_KEYS, request.GET, prefix="s"),
        "counts": selectors.intake_counts(request.user),
        "today": sections["today"],
    })


def _missing_supplement_items(checklist) -> list[str]:
    """The supplement items to pre-tick: those the completeness checklist found missing."""
    return [check.supplement for check in checklist if not check.ok and check.supplement]


def _triage_forms(case, checklist, data=None, decision=None):
    def bound(name):
        return data if decision == name else None

    return {
        "accept_form": AcceptForm(bound("accept"), case=case, prefix="accept"),
        "supplement_form": SupplementForm(
            bound("supplement"), prefix="supplement", initial={"items": _missing_supplement_items(checklist)},
        ),
        "refuse_form": RefuseForm(bound("refuse"), prefix="refuse"),
    }


def _decide(request, case, decision, form):
    """Call the service for ``decision``; return the success message."""
    data = form.cleaned_data
    if decision == "accept":
        router.accept_complaint(actor=request.user, case=case, route=data["route"], note=data["note"])
        if data["route"] == Route.MEDIATION:
            return _("已受理，案件已转调解委员会，并已向被申请人发出调解邀请。")
        return _("已受理，案件已转入%(route)s程序。") % {"route": Route(data["route"]).label}
    if decision == "supplement":
        result = intake.intake_request_supplement(
            actor=request.user, case=case, items=data["items"], note=data["note"],
        )
        return _("已发出补正通知，补正期限至%(due)s，期间受理审查期限暂停计算。") % {
            "due": f"{result.due_date:%Y年%m月%d日}"}
    intake.intake_refuse(actor=request.user, case=case, grounds=data["grounds"], reason_text=data["reason_text"])
    return _("已决定不予受理，不予受理通知书已生成。")


_FORM_CLASSES = {"accept": "accept_form", "supplement": "supplement_form", "refuse": "refuse_form"}


@never_cache
@login_required
def triage(request, case_id):
    """受理审查 on one page: the complaint, its checks, and the three decisions."""
    case = access_case(request.user, case_id, roles=selectors.INTAKE_ROLES)
    in_intake = case.status in (CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENT_REQUESTED)
    if in_intake and not _may_change(request.user, case):
        raise PermissionDenied
    decidable = case.status == CaseStatus.SUBMITTED
    status = 200
    decision = request.POST.get("decision") if request.method == "POST" else None
    if request.method == "POST":
        if not decidable:
            messages.warning(request, _("本案已经作出决定（当前状态：%(status)s），无需重复提交。") % {
                "status": case.get_status_display()})
            return redirect("workflows:triage", case_id=case.pk)
        if decision not in _FORM_CLASSES:
            messages.error(request, _("请选择受理、补正或不予受理中的一项决定。"))
            return redirect("workflows:triage", case_id=case.pk)
    context = selectors.triage(case, request.user)
    forms = _triage_forms(case, context["checklist"], request.POST if decision else None, decision)
    if decision:
        form = forms[_FORM_CLASSES[decision]]
        if form.is_valid():
            try:
                message = _decide(request, case, decision, form)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, message)
                return redirect("workflows:intake_queue")
        status = 400
    return render(request, "workflows/triage.html", {
        "case": case, "decidable": decidable, "decision": decision, **context, **forms,
    }, status=status)


# ---------- the respondent: the signed link and the respondent's page ----------

def _login_required_page(request, party, status=200):
    target = reverse("workflows:respondent_case", args=[party.case_id]) \
        if party.role == Party.PartyRole.RESPONDENT else reverse("cases:detail", args=[party.case_id])
    return render(request, "workflows/respond_login.html", {"next": target}, status=status)


@never_cache
def respond(request, token):
    """The invitation link: sign the respondent in (first use makes the account) and show the case."""
    party = party_from_token(token)
    if party is None:
        return render(request, "workflows/respond_invalid.html", status=404)
    target = reverse("workflows:respondent_case", args=[party.case_id])
    user = request.user
    if user.is_authenticated and party.user_id == user.pk:
        return redirect(target)
    if user.is_authenticated:
        logout(request)  # never act as someone else on this party's case
    account = respondent_portal_login(party=party)
    if account is None:
        return _login_required_page(request, party)
    login(request, account, backend=LINK_LOGIN_BACKEND)
    return redirect(target)


def _respondent_party(case, user):
    party = Party.objects.filter(case=case, role=Party.PartyRole.RESPONDENT, user_id=user.pk).first()
    if party is None:
        raise Http404
    return party


def _respondent_page(request, case, party, *, consent_form=None, answer_form=None, status=200):
    consent = MediationConsent.objects.filter(case=case, party=party).first()
    consent_open = (case.status == CaseStatus.MEDIATION_CONSENT and consent is not None
                    and consent.answered_at is None)
    parties = list(case.parties.all())
    answers = CaseEvent.objects.filter(case=case, kind="respondent_answer").filter(
        Q(after__party=party.pk)).order_by("created_at", "id")
    return render(request, "workflows/respondent_case.html", {
        "case": case,
        "party": party,
        "applicants": [p for p in parties if p.role == Party.PartyRole.APPLICANT],
        "ip_rights": list(case.ip_rights.all()),
        "consent": consent,
        "consent_open": consent_open,
        "consent_form": consent_form or (ConsentForm(prefix="consent") if consent_open else None),
        "answer_form": answer_form or AnswerForm(prefix="answer"),
        "can_answer": case.is_open,
        "answers": list(answers),
        "my_evidence": list(case.evidence.filter(party=party).order_by("uploaded_at", "id")),
        "can_upload": can_add_evidence(request.user, case),
        "upload_form": EvidenceUploadForm(),
        "mediation_ended": case.status == CaseStatus.MEDIATION_TERMINATED,
        "applicant_routes": router.next_routes(case),
    }, status=status)


@never_cache
@login_required
def respondent_case(request, case_id):
    case = access_case(request.user, case_id)
    party = _respondent_party(case, request.user)
    return _respondent_page(request, case, party)


@require_POST
@login_required
def respondent_consent(request, case_id):
    """The respondent agrees or refuses to mediate (a refusal ends mediation at once)."""
    case = access_case(request.user, case_id)
    party = _respondent_party(case, request.user)
    consent = MediationConsent.objects.filter(case=case, party=party).first()
    if consent is None or consent.answered_at is not None or case.status != CaseStatus.MEDIATION_CONSENT:
        messages.warning(request, _("本案已不在征询调解意愿阶段，或您已经答复过，无需再答复。"))
        return redirect("workflows:respondent_case", case_id=case.pk)
    form = ConsentForm(request.POST, prefix="consent")
    if form.is_valid():
        try:
            state = router.answer_mediation_invitation(
                actor=request.user, consent=consent, agreed=form.agreed, reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, {
                "refused": _("您已表示不同意调解，调解程序已终止。"),
                "agreed": _("您已同意调解。调解委员会将指派调解员，并通知您调解的时间和方式。"),
            }.get(state, _("您已同意调解，正在等待其他被申请人答复。")))
            return redirect("workflows:respondent_case", case_id=case.pk)
    return _respondent_page(request, case, party, consent_form=form, status=400)


@require_POST
@login_required
def respondent_answer(request, case_id):
    """答辩意见 from the respondent."""
    case = access_case(request.user, case_id)
    party = _respondent_party(case, request.user)
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        try:
            respondent_answer_submit(actor=request.user, case=case, party=party, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("答辩意见已提交，申请人和办案人员可以看到。"))
            return redirect("workflows:respondent_case", case_id=case.pk)
    return _respondent_page(request, case, party, answer_form=form, status=400)


# ---------- staff: a respondent's answer given by phone or in person ----------

@never_cache
@login_required
def record_consent(request, case_id):
    case = access_case(request.user, case_id, perm="change_case", roles=selectors.CONSENT_RECORDING_ROLES)
    open_ = case.status == CaseStatus.MEDIATION_CONSENT and MediationConsent.objects.filter(
        case=case, answered_at__isnull=True).exists()
    status = 200
    form = None
    if request.method == "POST":
        if not open_:
            messages.warning(request, _("本案已不在征询调解意愿阶段，或被申请人均已答复，无需再记录。"))
            return redirect("cases:detail", case_id=case.pk)
        form = RecordConsentForm(request.POST, case=case)
        if form.is_valid():
            consent = form.cleaned_data["consent"]
            try:
                state = router.answer_mediation_invitation(
                    actor=request.user, consent=consent, agreed=form.agreed,
                    reason=form.cleaned_data["reason"], channel=form.cleaned_data["channel"],
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, {
                    "refused": _("已记录：%(name)s不同意调解，调解程序已终止。"),
                    "agreed": _("已记录：%(name)s同意调解，案件转入待指派调解员。"),
                }.get(state, _("已记录：%(name)s同意调解，等待其他被申请人答复。")) % {"name": consent.party.name})
                return redirect("cases:detail", case_id=case.pk)
        status = 400
    elif open_:
        form = RecordConsentForm(case=case)
    answered = MediationConsent.objects.filter(case=case).select_related("party", "recorded_by").order_by("party_id")
    return render(request, "workflows/record_consent.html", {
        "case": case, "form": form, "open": open_, "consents": list(answered),
    }, status=status)


# ---------- the applicant: withdrawal, and the next route after failed mediation ----------

def _applicant_case(user, case_id):
    case = access_case(user, case_id)
    if not Party.objects.filter(case=case, role=Party.PartyRole.APPLICANT, user_id=user.pk).exists():
        raise Http404
    return case


@never_cache
@login_required
def withdraw(request, case_id):
    """撤回: a confirmation page with an optional reason."""
    case = _applicant_case(request.user, case_id)
    allowed = CaseStatus.WITHDRAWN in TRANSITIONS.get(case.status, ())
    status = 200
    form = WithdrawForm()
    if request.method == "POST":
        if not allowed:
            messages.warning(request, _("案件当前状态为“%(status)s”，不能撤回。") % {
                "status": case.get_status_display()})
            return redirect("cases:detail", case_id=case.pk)
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                router.withdraw(actor=request.user, case=case, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("您的申请已撤回，案件已结束。"))
                return redirect("cases:detail", case_id=case.pk)
        status = 400
    return render(request, "workflows/withdraw.html", {"case": case, "form": form, "allowed": allowed},
                  status=status)


@never_cache
@login_required
def next_route(request, case_id):
    """After mediation failed: the applicant chooses adjudication (patent infringement) or the court."""
    case = _applicant_case(request.user, case_id)
    routes = router.next_routes(case)
    status = 200
    form = NextRouteForm(routes=routes) if routes else None
    if request.method == "POST":
        if not routes:
            messages.warning(request, _("案件当前状态为“%(status)s”，不能转入其他程序。") % {
                "status": case.get_status_display()})
            return redirect("cases:detail", case_id=case.pk)
        form = NextRouteForm(request.POST, routes=routes)
        if form.is_valid():
            route = form.cleaned_data["route"]
            try:
                router.continue_after_mediation(actor=request.user, case=case, route=route)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, {
                    Route.ADJUDICATION: _(
                        "已转入行政裁决程序，区市场监督管理局（知识产权局）将在5个工作日内决定是否立案。"),
                    Route.LITIGATION: _("案件已移送法院，法院将与您联系。"),
                }[Route(route)])
                return redirect("cases:detail", case_id=case.pk)
        status = 400
    return render(request, "workflows/next_route.html", {"case": case, "form": form}, status=status)

