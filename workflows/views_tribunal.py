"""精审 pages for the circuit station: the clerk's queue and a case's station page with its actions.

Actions that close a case or send it back go through ``workflows.router``; the others call
``cases.tribunal.services`` directly. Bad input comes back as form errors on the case page.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases.models import CaseStatus
from cases.pagination import count_pages, keyset_page
from cases.permissions import access_case, require_role
from cases.tribunal import package, selectors
from cases.tribunal import services as tribunal
from cases.tribunal.models import CourtStage
from workflows import router

STATION_ROLES = tribunal.CLERK_ROLES


class EmptyForm(forms.Form):
    pass


class DocketForm(forms.Form):
    court_reference = forms.CharField(label=gettext_lazy("法院案号"), max_length=tribunal.COURT_REFERENCE_MAX)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("结案方式"), choices=CourtStage.Outcome.choices)
    decided_on = forms.DateField(label=gettext_lazy("裁判日期"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=gettext_lazy("结果摘要"), max_length=tribunal.SUMMARY_MAX, widget=forms.Textarea)
    document = forms.FileField(label=gettext_lazy("裁判文书（PDF）"), required=False)


class RulingForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=gettext_lazy("裁定"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", gettext_lazy("确认调解协议有效")), ("no", gettext_lazy("驳回申请"))],
    )
    reasons = forms.CharField(label=gettext_lazy("理由"), required=False, max_length=tribunal.SUMMARY_MAX,
                              widget=forms.Textarea)


def _apply(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# name: (form class, roles allowed, callable(actor, case, data, files))
ACTIONS = {
    "acknowledge": (EmptyForm, STATION_ROLES,
                    lambda u, c, d: tribunal.transfer_acknowledge(actor=u, case=c), gettext_lazy("已签收。")),
    "docket": (DocketForm, STATION_ROLES,
               lambda u, c, d: tribunal.transfer_docket(actor=u, case=c, court_reference=d["court_reference"]),
               gettext_lazy("已登记立案。")),
    "outcome": (OutcomeForm, STATION_ROLES,
                lambda u, c, d: router.court_close(actor=u, case=c, outcome=d["outcome"], decided_on=d["decided_on"],
                                                   summary=d["summary"], document=d.get("document")),
                gettext_lazy("已登记结案。")),
    "accept": (EmptyForm, STATION_ROLES,
               lambda u, c, d: tribunal.confirmation_accept(actor=u, case=c), gettext_lazy("已受理司法确认申请。")),
    "rule": (RulingForm, tribunal.JUDGE_ROLES,
             lambda u, c, d: router.confirmation_ruled(actor=u, case=c, confirmed=d["confirmed"],
                                                       reasons=d["reasons"]),
             gettext_lazy("已作出裁定。")),
    "letter": (EmptyForm, STATION_ROLES,
               lambda u, c, d: tribunal.transfer_package_build(actor=u, case=c), gettext_lazy("已生成移送函。")),
}


def _forms(case, user, bound=None):
    """The forms the case's status offers to ``user`` (``bound``: the one just submitted, with errors)."""
    judge = user.is_superuser or user.has_role(*tribunal.JUDGE_ROLES)
    stage = tribunal.stage_of(case)
    ruling = tribunal.ruling_of(case)
    names = []
    if case.status == CaseStatus.TRANSFERRED:
        names += ["docket"] if stage and stage.acknowledged_at else ["acknowledge"]
        names += ["outcome", "letter"]
    elif case.status == CaseStatus.IN_COURT:
        names += ["outcome", "letter"]
    elif case.status == CaseStatus.CONFIRMATION_PENDING:
        if ruling is None:
            names.append("accept")
        elif judge:
            names.append("rule")
    result = {name: ACTIONS[name][0](prefix=name) for name in names}
    if bound is not None:
        result[bound.prefix] = bound
    return result


def _page(request, case, bound=None, status=200):
    return render(request, "tribunal/case.html", {
        "case": case, "stage": tribunal.stage_of(case), "ruling": tribunal.ruling_of(case),
        "forms": _forms(case, request.user, bound),
        "letters": case.documents.filter(doc_type="transfer_letter").order_by("-version"),
        "package_ready": case.status in tribunal.PACKAGE_STATUSES and package.current_letter(case) is not None,
    }, status=status)


@never_cache
@login_required
def queue(request):
    require_role(request.user, *STATION_ROLES)
    sections = selectors.station_queue(request.user)
    pages = {name: keyset_page(qs, selectors.QUEUE_KEYS, request.GET, prefix=name[0]) for name, qs in sections.items()}
    count_pages((pages[name], qs) for name, qs in sections.items())
    return render(request, "tribunal/queue.html", pages)


@never_cache
@login_required
def case_page(request, case_id):
    case = access_case(request.user, case_id, perm="change_case", roles=STATION_ROLES)
    return _page(request, case)


@require_POST
@login_required
def action(request, case_id, name):
    if name not in ACTIONS:
        raise Http404
    form_class, roles, call, done = ACTIONS[name]
    case = access_case(request.user, case_id, perm="change_case", roles=roles)
    form = form_class(request.POST, request.FILES, prefix=name)
    if form.is_valid():
        try:
            call(request.user, case, form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, str(done))
            case.refresh_from_db()
            still_here = access_case_or_none(request.user, case.pk)
            if still_here is None:
                return redirect("workflows:tribunal:queue")
            return redirect("workflows:tribunal:case", case_id=case.pk)
    messages.error(request, _("请更正下面标出的问题后再提交。"))
    case.refresh_from_db()
    return _page(request, case, bound=form, status=400)


PACKAGE_PARTS = {"pdf": ("application/pdf", "pdf"), "zip": ("application/zip", "zip")}


@never_cache
@login_required
def package_download(request, case_id, part):
    """The transfer package (移送材料) as one PDF or as the zip of originals; each download is recorded."""
    if part not in PACKAGE_PARTS:
        raise Http404
    case = access_case(request.user, case_id, perm="change_case", roles=STATION_ROLES)
    if case.status not in tribunal.PACKAGE_STATUSES:
        raise Http404
    builder = package.package_pdf if part == "pdf" else package.package_zip
    try:
        out, sha256, size = package.spooled(builder, case)
    except package.PackageError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workflows:tribunal:case", case_id=case.pk)
    try:
        tribunal.transfer_package_record_download(actor=request.user, case=case, part=part, sha256=sha256,
                                                  size=size)
    except BaseException:
        out.close()
        raise
    content_type, ext = PACKAGE_PARTS[part]
    name = f"{package.safe_name(_('移送材料'))}-{package.safe_name(case.number or str(case.pk))}.{ext}"
    response = FileResponse(out, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Package-SHA256"] = sha256
    return response


def access_case_or_none(user, case_id):
    try:
        return access_case(user, case_id, perm="change_case", roles=STATION_ROLES)
    except (Http404, PermissionDenied):
        return None
