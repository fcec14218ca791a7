"""速裁 views that belong to the chain: a suit after the decision moves the case to the tribunal
(through ``workflows.router``), the decision becoming final, and the flow charts of a case.

The rest of the tier's pages are ``cases.adjudication.views`` (mounted with these, see
``workflows/urls_adjudication.py``).
"""
import re
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from viewflow.workflow import chart

from cases.adjudication import api as adjudication_api
from cases.adjudication import permissions as perm
from cases.adjudication import serializers as adj_sz
from cases.adjudication.forms import ConfirmForm, StaffSuitForm, SuitForm, apply_service_error
from cases.adjudication.models import AdjudicationProcess
from cases.adjudication.views import header_context
from cases.api import ApiView, check_id, validated
from cases.models import CaseStatus, Party
from workflows import router
from workflows.flows import adjudication as flows


def _back(adj, user):
    staff = perm.is_officer(user, adj) or perm.is_panel_member(user, adj)
    return redirect("workflows:adjudication:decision" if staff else "workflows:adjudication:party", case_id=adj.case_id)


@require_POST
@login_required
def suit(request, case_id):
    """A party (or the office for it) records the suit filed against the decision: the case goes to 精审."""
    user = request.user
    me = None
    if user.has_role(*perm.STAFF_ROLES) or perm.is_admin(user):
        adj = perm.access_adjudication(user, case_id)
        if not perm.is_officer(user, adj):
            raise PermissionDenied
        parties = Party.objects.filter(case=adj.case, role__in=[Party.PartyRole.APPLICANT,
                                                                 Party.PartyRole.RESPONDENT])
        form = StaffSuitForm(request.POST, parties=parties, prefix="suit")
    else:
        adj, me = perm.access_as_party(user, case_id)
        form = SuitForm(request.POST, prefix="suit")
    if adj.case.status != CaseStatus.ADJUDICATION_DECIDED:
        messages.warning(request, _("案件当前状态为“%(status)s”，不能登记起诉。") % {
            "status": adj.case.get_status_display()})
        return _back(adj, user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            router.adjudication_suit_filed(actor=user, case=adj.case, party=data.get("party") or me,
                                           court=data["court"], filed_on=data["filed_on"],
                                           court_reference=data["court_reference"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记起诉，案件已移送人民法院（巡回审判站）。"))
            return redirect("cases:detail", case_id=adj.case_id)
    messages.error(request, " ".join(
        str(e) for errors in form.errors.values() for e in errors) or _("请检查填写的内容。"))
    return _back(adj, user)


@require_POST
@login_required
def final(request, case_id):
    """The officer confirms that the suit window ended with no suit: the decision is final."""
    adj = perm.access_adjudication(request.user, case_id, change=True)
    if not perm.is_officer(request.user, adj):
        raise PermissionDenied
    form = ConfirmForm(request.POST, prefix="final")
    form.is_valid()
    try:
        performance = router.adjudication_decision_final(actor=request.user, case=adj.case)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        follow = _("请在期限内跟踪被请求人停止侵权的情况。") if performance else ""
        messages.success(request, _("行政裁决已生效。") + follow)
    return redirect("workflows:adjudication:decision", case_id=adj.case_id)


STATUS_LABELS = {
    "NEW": gettext_lazy("待办理"), "ASSIGNED": gettext_lazy("待办理"), "STARTED": gettext_lazy("办理中"),
    "DONE": gettext_lazy("已完成"), "CANCELED": gettext_lazy("已取消"), "ERROR": gettext_lazy("出错"),
    "SCHEDULED": gettext_lazy("已排期"), "REVIVED": gettext_lazy("已恢复"),
}


@cache
def chart_size(flow_class) -> tuple[int, int]:
    """The natural size of a flow's chart (the layout depends on the flow only)."""
    grid = chart.calc_layout_data(flow_class)
    return grid.width, grid.height


def _processes(adj):
    rows = []
    for process in flows.processes_of(adj.case):
        width, height = chart_size(process.flow_class)
        tasks = list(process.task_set.order_by("created", "pk"))
        rows.append({
            "process": process, "title": process.flow_class.process_title,
            "tasks": [{"title": t.flow_task.task_title if t.flow_task else "", "status": t.status,
                       "status_label": STATUS_LABELS.get(t.status, t.status), "created": t.created,
                       "finished": t.finished, "owner": t.owner} for t in tasks],
            "open": process.status == "NEW", "width": width, "height": height, "wide": width > 800,
        })
    return rows


@never_cache
@login_required
def chart_page(request, case_id):
    """Where the case stands in its flows, as charts (for the chief, the officers and the panel)."""
    adj = perm.access_adjudication(request.user, case_id)
    return render(request, "adjudication/chart.html", {
        "adj": adj, "case": adj.case, "processes": _processes(adj), "current_tab": "chart",
        **header_context(request, adj),
    })


EDGE_LABELS = {"yes": gettext_lazy("是"), "no": gettext_lazy("否")}


def svg_of(grid) -> str:
    """viewflow's SVG, with the If gateways' "yes" / "no" edge captions in the page's language."""
    return re.sub(r'(<text class="edge-label"[^>]*>)(yes|no)(</text>)',
                  lambda m: f"{m.group(1)}{EDGE_LABELS[m.group(2)]}{m.group(3)}", chart.grid_to_svg(grid))


@never_cache
@login_required
def chart_svg(request, case_id, process_id):
    """The SVG chart of one process of the case, its tasks coloured by state."""
    adj = perm.access_adjudication(request.user, case_id)
    process = AdjudicationProcess.objects.filter(pk=process_id, case_id=adj.case_id).first()
    if process is None:
        raise Http404
    grid = chart.calc_layout_data(process.flow_class)
    chart.calc_cell_status(process.flow_class, grid, process.pk)
    response = HttpResponse(svg_of(grid), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def flow_svg(request, name):
    """The chart of a flow itself (no case), for the chief's overview."""
    perm.require(request.user.has_role(*perm.STAFF_ROLES) or perm.is_admin(request.user))
    flow_class = next((f for f in flows.FLOWS if f.__name__ == name), None)
    if flow_class is None:
        raise Http404
    response = HttpResponse(svg_of(chart.calc_layout_data(flow_class)), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def flows_page(request):
    """The tier's flows as charts, without a case."""
    perm.require(request.user.has_role(*perm.STAFF_ROLES) or perm.is_admin(request.user))
    return render(request, "adjudication/flows.html", {
        "flows": [{"name": f.__name__, "title": f.process_title, "description": f.process_description,
                   "width": chart_size(f)[0], "height": chart_size(f)[1], "wide": chart_size(f)[0] > 800}
                  for f in flows.FLOWS],
    })


# ---------- the REST API of the tier's moves (suit → tribunal, finality) ----------


@adjudication_api.schema(
    "adjudication_suit", "登记起诉", "当事人不服行政裁决，自收到裁决书之日起15日内向人民法院起诉：登记起诉，"
    "案件经衔接移送巡回审判站（精审）。当事人本人登记时不填 party；办案人员登记时必填。", adj_sz.AdjSuitSerializer)
class SuitApiView(ApiView):
    def post(self, request, case_id):
        user = request.user
        if user.has_role(*perm.STAFF_ROLES) or perm.is_admin(user):
            adj = adjudication_api._staff(request, case_id, perm.is_officer)  # the case before the body
            data = validated(adj_sz.AdjSuitSerializer, request.data).validated_data
            party = adjudication_api._party_field(adj, data["party"], Party.PartyRole.APPLICANT,
                                                  Party.PartyRole.RESPONDENT)
        else:
            adj, party = perm.access_as_party(user, check_id(case_id))
            data = validated(adj_sz.AdjSuitSerializer, request.data).validated_data
        router.adjudication_suit_filed(actor=user, case=adj.case, party=party, court=data["court"],
                                       filed_on=data["filed_on"], court_reference=data["court_reference"])
        return adjudication_api.answer(user, adj)


@adjudication_api.schema(
    "adjudication_final", "确认裁决生效", "起诉期届满而当事人未起诉的，确认行政裁决生效；"
        "责令停止侵权的，开始履行跟踪。")
class FinalApiView(ApiView):
    def post(self, request, case_id):
        adj = adjudication_api._staff(request, case_id, perm.is_officer)
        router.adjudication_decision_final(actor=request.user, case=adj.case)
        return adjudication_api.answer(request.user, adj)
