"""Mediation pages that may move a case to another tier, through ``workflows.router``:
终止调解 (a court-delegated case goes back to the court) and the joint 司法确认 application
(filed with the circuit station once every party joined)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases.models import CaseStatus
from mediation import forms as f
from mediation.permissions import access_party_case, access_staff_case, directs, handles
from mediation.selectors import case_panel
from workflows import router

TERMINABLE = (CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING)


def _page(request, *, case, form, title, lead, submit, danger=False, status=200):
    return render(request, "mediation/form_page.html", {
        "case": case, "form": form, "title": title, "lead": lead, "submit": submit, "danger": danger,
        "action": request.path,
    }, status=status)


@never_cache
@login_required
def terminate(request, case_id):
    """终止调解 by the case's mediator or a director, with the reason the notice will state."""
    case = access_staff_case(request.user, case_id, perm="change_case")
    if not (handles(request.user, case) or directs(request.user, case)):
        raise PermissionDenied
    if case.status not in TERMINABLE:
        messages.warning(request, _("案件当前状态为“%(status)s”，不能终止调解。") % {
            "status": case.get_status_display()})
        return redirect("mediation:work", case_id=case.pk)
    form = f.TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            router.terminate_mediation(actor=request.user, case=case, reason=form.cleaned_data["reason"],
                                       note=form.cleaned_data["note"])
        except ValidationError as exc:
            f.apply_service_error(form, exc)
        else:
            case.refresh_from_db()
            messages.success(request, _("已终止调解，终止调解通知书已送达各方当事人。") if case.status ==
                             CaseStatus.MEDIATION_TERMINATED else _("已终止调解，案件材料已退回人民法院。"))
            return redirect("mediation:work", case_id=case.pk)
    return _page(request, case=case, form=form, title=_("终止调解"), submit=_("终止调解"), danger=True,
                 lead=_("终止后将向各方当事人送达终止调解通知书，告知其可以选择的其他途径；法院委派的案件退回法院。"),
                 status=400 if request.method == "POST" else 200)


@never_cache
@login_required
def judicial(request, case_id):
    """A party joins the joint application for 司法确认."""
    case, party = access_party_case(request.user, case_id)
    panel = case_panel(case, request.user)
    form = f.JudicialForm(request.POST or None)
    if request.method == "POST":
        if not panel.can_join_judicial:
            messages.warning(request, _("本案目前不能申请司法确认，或您已经申请。"))
            return redirect("cases:detail", case_id=case.pk)
        if form.is_valid():
            try:
                filed = router.apply_judicial_confirmation(actor=request.user, case=case,
                                                           ip_address=request.META.get("REMOTE_ADDR"))
            except ValidationError as exc:
                f.apply_service_error(form, exc)
            else:
                messages.success(request, _("各方当事人均已同意，司法确认申请已提交人民法院。") if filed
                                 else _("您已同意共同申请司法确认，正在等待对方当事人。"))
                return redirect("cases:detail", case_id=case.pk)
    return _page(request, case=case, form=form, title=_("共同申请司法确认"), submit=_("同意共同申请"),
                 lead=_("经人民法院确认有效的调解协议，一方拒绝履行的，对方可以向人民法院申请强制执行。"
                        "须由双方当事人在协议生效之日起30日内共同申请。"),
                 status=400 if request.method == "POST" else 200)
