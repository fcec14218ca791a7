"""The mediation tier's pages: thin, they check role and case in one step, call a service, redirect.

Mediators: my cases, the committee's queue (claim), the case workspace (sessions, agreement,
extension, release, follow-up). Directors: the team board, assignment, recusal and extension
decisions, the seal, the flow chart. Parties: the agreement confirmation (password again),
a recusal request, the calendar invitations. A service's ValidationError becomes a form
error (status 400) and changes nothing; a case the user may not see is 404.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from viewflow.workflow import chart

from cases.models import Party, Role
from cases.pagination import keyset_page
from cases.permissions import require_role
from mediation import forms as f
from mediation import matching, selectors, services
from mediation.ics import session_ics
from mediation.links import session_from_token
from mediation.models import MediationAgreement
from mediation.permissions import (
    DIRECTOR_ROLES,
    STAFF_ROLES,
    access_extension,
    access_party_case,
    access_recusal,
    access_session,
    access_staff_case,
    directs,
    require_handler,
)


def client_ip(request):
    return request.META.get("REMOTE_ADDR")


def _work(case):
    return redirect("mediation:work", case_id=case.pk)


def _attempt(form, call) -> bool:
    """Run a service; put its ValidationError on ``form``. True when it went through."""
    try:
        call()
    except ValidationError as exc:
        f.apply_service_error(form, exc)
        return False
    return True


def _form_page(request, *, case, form, title, lead="", submit, action=None, danger=False, status=200, **extra):
    return render(request, "mediation/form_page.html", {
        "case": case, "form": form, "title": title, "lead": lead, "submit": submit, "danger": danger,
        "action": action or request.path, **extra,
    }, status=status)


# ---------- mediator and director lists ----------

@never_cache
@login_required
def home(request):
    """The mediator's cases; a director lands on the team board. Other staff have no mediation cases of their own."""
    require_role(request.user, Role.MEDIATOR, Role.COMMITTEE_DIRECTOR)
    if request.user.has_role(Role.COMMITTEE_DIRECTOR) and not request.user.has_role(Role.MEDIATOR):
        return redirect("mediation:board")
    page = keyset_page(selectors.my_cases(request.user), selectors.MY_CASES_KEYS, request.GET)
    return render(request, "mediation/my_cases.html", {
        "page": page, "cases": page.object_list, "steps": selectors.current_steps([c.pk for c in page]),
        "today": timezone.localdate(), **selectors.my_case_counts(request.user),
    })


@never_cache
@login_required
def queue(request):
    require_role(request.user, *STAFF_ROLES)
    page = keyset_page(selectors.committee_queue(request.user), selectors.QUEUE_KEYS, request.GET, count=True)
    return render(request, "mediation/queue.html", {
        "page": page, "today": timezone.localdate(), "can_claim": request.user.has_role(Role.MEDIATOR),
    })


@never_cache
@login_required
def board(request):
    require_role(request.user, *DIRECTOR_ROLES)
    data = selectors.director_board(request.user)
    ids = [c.pk for c in data.unassigned] + [a.case_id for a in data.offered]
    return render(request, "mediation/board.html", {
        "board": data, "steps": selectors.current_steps(ids), "today": timezone.localdate(),
    })


# ---------- the flow chart ----------

CHART_FONT = "font-family: 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif;"


def _chart_svg(grid) -> HttpResponse:
    # Chinese step titles: a CJK face, and large enough to read once the chart is scaled to the page.
    svg = (chart.grid_to_svg(grid).replace('font-size="12px"', 'font-size="22px"')
           .replace("font-family: 'Arial';", CHART_FONT))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _flow_class():
    """The flow class, named in settings (this app does not import ``workflows``)."""
    return import_string(settings.IPDR_MEDIATION_FLOW)


@never_cache
@login_required
def flow_page(request):
    """The director's view of the chain's mediation flow (viewflow's chart) and its steps."""
    require_role(request.user, *DIRECTOR_ROLES)
    flow_class = _flow_class()
    case = None
    if request.GET.get("case"):
        case = access_staff_case(request.user, request.GET["case"], director=True)
    nodes = [n for n in flow_class.instance.nodes() if n.task_type == "HUMAN"]
    order = ["consent", "assign", "accept", "mediate", "confirm", "sign", "seal", "follow_up", "judicial"]
    nodes.sort(key=lambda n: order.index(n.name) if n.name in order else 99)
    return render(request, "mediation/flow.html", {
        "flow": flow_class, "nodes": nodes, "case": case,
        "steps": selectors.current_steps([case.pk]).get(case.pk, []) if case else [],
    })


@never_cache
@login_required
def flow_chart(request):
    require_role(request.user, *DIRECTOR_ROLES)
    return _chart_svg(chart.calc_layout_data(_flow_class()))


@never_cache
@login_required
def case_chart(request, case_id):
    """Where one case stands in the flow (done, current, cancelled steps coloured)."""
    case = access_staff_case(request.user, case_id)
    process = selectors.latest_process(case)
    if process is None:
        raise Http404
    flow_class = process.flow_class
    grid = chart.calc_layout_data(flow_class)
    chart.calc_cell_status(flow_class, grid, process.pk)
    return _chart_svg(grid)


# ---------- the workspace of one case ----------

@never_cache
@login_required
def work(request, case_id):
    case = access_staff_case(request.user, case_id)
    context = selectors.work_context(case, request.user)
    return render(request, "mediation/work.html", {
        "case": case, **context, "today": timezone.localdate(), "is_mediator": request.user.has_role(Role.MEDIATOR),
    })


@never_cache
@login_required
def assign(request, case_id):
    """The director picks a mediator: the system's ranking, conflicts excluded with reasons."""
    case = access_staff_case(request.user, case_id, perm="change_case", director=True)
    candidates = matching.candidates(case)
    form = f.AssignForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            mediator = next(c.mediator for c in candidates if c.pk == form.cleaned_data["mediator"])
            if _attempt(form, lambda: services.mediation_assign(
                    actor=request.user, case=case, mediator=mediator, note=form.cleaned_data["note"])):
                messages.success(request, _("已指派调解员%(name)s，等待其在3个工作日内答复。") % {"name": mediator})
                return _work(case)
        status = 400
    return render(request, "mediation/assign.html", {
        "case": case, "form": form, "candidates": candidates, "excluded": [c for c in candidates if c.excluded],
        "active": services.active_assignment(case), "ip_rights": list(case.ip_rights.all()),
    }, status=status)


@never_cache
@login_required
def respond(request, case_id):
    """The offered mediator accepts (with the disclosure) or declines."""
    case = access_staff_case(request.user, case_id)
    require_role(request.user, Role.MEDIATOR)
    form = f.RespondForm(request.POST or None, prefix="respond")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["answer"] == form.ACCEPT:
            ok = _attempt(form, lambda: services.mediation_assignment_accept(
                actor=request.user, case=case, conflict=form.conflict, statement=data["statement"]))
            message = _("您已接受指派，开始承办本案。") if not form.conflict else \
                _("您已接受指派；披露的情况已报调委会主任决定是否回避。")
        else:
            ok = _attempt(form, lambda: services.mediation_assignment_decline(
                actor=request.user, case=case, reason=data["reason"]))
            message = _("您已谢绝指派，调委会主任将另行指派。")
        if ok:
            messages.success(request, message)
            return _work(case) if data["answer"] == form.ACCEPT else redirect("mediation:home")
    return _form_page(request, case=case, form=form, title=_("答复指派"), submit=_("提交答复"),
                      lead=_("请在3个工作日内答复。接受指派前须如实作回避声明。"),
                      status=400 if request.method == "POST" else 200)


@never_cache
@login_required
def claim(request, case_id):
    """A mediator takes a case from the committee's queue (first come; the other gets a message)."""
    case = access_staff_case(request.user, case_id, perm="change_case")
    require_role(request.user, Role.MEDIATOR)
    form = f.ClaimForm(request.POST or None, prefix="claim")
    if request.method == "POST" and form.is_valid() and _attempt(form, lambda: services.mediation_claim(
            actor=request.user, case=case, conflict=form.conflict, statement=form.cleaned_data["statement"])):
        messages.success(request, _("您已认领本案，开始承办。"))
        return _work(case)
    return _form_page(request, case=case, form=form, title=_("认领案件"), submit=_("认领并承办"),
                      lead=_("认领即表示接受承办本案。请先如实作回避声明。"),
                      status=400 if request.method == "POST" else 200)


@never_cache
@login_required
def release(request, case_id):
    case = access_staff_case(request.user, case_id)
    require_handler(request.user, case)
    form = f.ReasonForm(request.POST or None, label=_("退回理由"))
    if request.method == "POST" and form.is_valid() and _attempt(form, lambda: services.mediation_release(
            actor=request.user, case=case, reason=form.cleaned_data["reason"])):
        messages.success(request, _("案件已退回调委会待指派队列。"))
        return redirect("mediation:home")
    return _form_page(request, case=case, form=form, title=_("退回案件"), submit=_("退回案件"), danger=True,
                      lead=_("退回后您将不再承办本案，案件回到待指派队列，由调委会主任另行指派。"),
                      status=400 if request.method == "POST" else 200)


# ---------- sessions ----------

def _session_kwargs(data):
    return {"mode": data["mode"], "starts_at": data.get("starts_at"), "duration_minutes": data["duration_minutes"],
            "place": data["place"], "meeting_link": data["meeting_link"]}


def _session_error(form, exc):
    if hasattr(exc, "error_dict") and "starts_at" in exc.error_dict:
        exc.error_dict["date"] = exc.error_dict.pop("starts_at")
    f.apply_service_error(form, exc)


@never_cache
@login_required
def session_new(request, case_id):
    case = access_staff_case(request.user, case_id)
    require_handler(request.user, case)
    form = f.SessionForm(request.POST or None, initial={"duration_minutes": 90, "mode": "online"})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(actor=request.user, case=case, **_session_kwargs(form.cleaned_data))
        except ValidationError as exc:
            _session_error(form, exc)
        else:
            messages.success(request, _("已安排第%(n)s次调解会议，并向各方当事人发送了通知和日历邀请。") % {
                "n": session.sequence})
            return _work(case)
    return _form_page(request, case=case, form=form, title=_("安排调解会议"), submit=_("安排并通知当事人"),
                      lead=_("保存后将生成调解会议通知书，并通过站内消息、短信和邮件向各方当事人发送日历邀请。"),
                      status=400 if request.method == "POST" else 200)


def _session_case(request, session_id):
    session = access_session(request.user, session_id)
    case = session.case
    require_handler(request.user, case)
    return session, case


@never_cache
@login_required
def session_reschedule(request, session_id):
    session, case = _session_case(request, session_id)
    local = timezone.localtime(session.starts_at)
    form = f.RescheduleForm(request.POST or None, initial={
        "mode": session.mode, "date": local.date(), "time": local.time().replace(second=0, microsecond=0),
        "duration_minutes": session.duration_minutes, "place": session.place, "meeting_link": session.meeting_link,
    })
    cancel_form = f.ReasonForm(prefix="cancel", label=_("取消原因"))
    if request.method == "POST" and request.POST.get("action") == "cancel":
        cancel_form = f.ReasonForm(request.POST, prefix="cancel", label=_("取消原因"))
        form = f.RescheduleForm(initial=form.initial)
        if cancel_form.is_valid() and _attempt(cancel_form, lambda: services.session_cancel(
                actor=request.user, session=session, reason=cancel_form.cleaned_data["reason"])):
            messages.success(request, _("调解会议已取消，已通知各方当事人。"))
            return _work(case)
    elif request.method == "POST" and form.is_valid():
        try:
            services.session_reschedule(actor=request.user, session=session, reason=form.cleaned_data["reason"],
                                        **_session_kwargs(form.cleaned_data))
        except ValidationError as exc:
            _session_error(form, exc)
        else:
            messages.success(request, _("调解会议已改期，已向各方当事人发送改期通知和新的日历邀请。"))
            return _work(case)
    return render(request, "mediation/session_change.html", {
        "case": case, "session": session, "form": form, "cancel_form": cancel_form,
    }, status=400 if request.method == "POST" else 200)


def _people(case, request_user):
    names = [f"{p.name}（{p.get_role_display()}）" for p in case.parties.order_by("role", "id")]
    return names + [f"{request_user}（{_('调解员')}）"]


@never_cache
@login_required
def session_record(request, session_id):
    """调解笔录, or: the session did not take place."""
    session, case = _session_case(request, session_id)
    people = _people(case, services.current_mediator(case) or request.user)
    form = f.RecordForm(prefix="record", people=people)
    missed_form = f.ReasonForm(prefix="missed", label=_("未能举行的原因"))
    if request.method == "POST" and request.POST.get("action") == "missed":
        missed_form = f.ReasonForm(request.POST, prefix="missed", label=_("未能举行的原因"))
        if missed_form.is_valid() and _attempt(missed_form, lambda: services.session_mark_missed(
                actor=request.user, session=session, reason=missed_form.cleaned_data["reason"])):
            messages.success(request, _("已记录调解会议未能举行。"))
            return _work(case)
    elif request.method == "POST":
        form = f.RecordForm(request.POST, prefix="record", people=people)
        if form.is_valid() and _attempt(form, lambda: services.session_record(
                actor=request.user, session=session, attendees=form.cleaned_data["names"],
                summary=form.cleaned_data["summary"], next_steps=form.cleaned_data["next_steps"])):
            messages.success(request, _("调解笔录已保存。"))
            return _work(case)
    return render(request, "mediation/session_record.html", {
        "case": case, "session": session, "form": form, "missed_form": missed_form,
    }, status=400 if request.method == "POST" else 200)


def _ics_response(session, request):
    detail = request.build_absolute_uri(reverse("cases:detail", args=[session.case_id]))
    body = session_ics(session, committee_name=session.case.organization.name, detail_url=detail)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mediation-session-{session.pk}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def session_calendar(request, session_id):
    """The session's .ics for anyone who may see the case (staff and parties)."""
    session = access_session(request.user, session_id, staff=False)
    return _ics_response(session, request)


@never_cache
def session_invite(request, token):
    """The .ics behind a notice's signed link: no login needed (calendar apps fetch it)."""
    session = session_from_token(token)
    if session is None:
        raise Http404
    return _ics_response(session, request)


# ---------- the agreement ----------

@never_cache
@login_required
def agreement_edit(request, case_id):
    case = access_staff_case(request.user, case_id)
    require_handler(request.user, case)
    agreement = services.agreement_of(case)
    if agreement is not None:
        initial = {k: getattr(agreement, k) for k in ("facts", "terms", "performance", "performance_due", "amount",
                                                       "concerns_ownership_or_validity")}
    else:
        initial = selectors.agreement_defaults(case)
    form = f.AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: services.agreement_save(actor=request.user, case=case, **form.cleaned_data)):
        messages.success(request, _("调解协议草稿已保存。核对无误后，请发送各方当事人确认。"))
        return _work(case)
    confirming = agreement is not None and agreement.status == MediationAgreement.Status.CONFIRMING
    return _form_page(request, case=case, form=form, title=_("草拟调解协议"), submit=_("保存草稿"),
                      lead=_("已根据案件材料预填纠纷事实；请写明达成的协议、履行方式和期限。")
                      + (_("确认稿已发出：保存修改将撤回确认稿，各方当事人须重新确认。") if confirming else ""),
                      status=400 if request.method == "POST" else 200)


ACTIONS = {
    "issue": (services.agreement_issue, _("调解协议书确认稿已发送各方当事人确认。")),
    "sign": (services.agreement_sign, _("您已在调解协议上签名，等待调委会盖章。")),
    "seal": (services.agreement_seal, _("已加盖调委会印章，调解协议生效，已向各方当事人送达。")),
}


@require_POST
@login_required
def agreement_action(request, case_id, action):
    """发送确认 (mediator), 签名 (mediator), 盖章 (director)."""
    if action not in ACTIONS:
        raise Http404
    case = access_staff_case(request.user, case_id, director=action == "seal")
    if action != "seal":
        require_handler(request.user, case)
    elif not directs(request.user, case):
        raise PermissionDenied
    service, message = ACTIONS[action]
    try:
        service(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return _work(case)


@require_POST
@login_required
def agreement_signature(request, case_id):
    """The mediator records a party's signature given in person."""
    case = access_staff_case(request.user, case_id)
    require_handler(request.user, case)
    party = Party.objects.filter(case=case, pk=request.POST.get("party") or 0).first() \
        if (request.POST.get("party") or "").isdigit() else None
    try:
        services.agreement_record_signature(actor=request.user, case=case, party=party, ip_address=client_ip(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已记录%(party)s现场签字确认。") % {"party": party.name})
    return _work(case)


@never_cache
@login_required
def agreement(request, case_id):
    """A party reads the agreement and confirms it with their password."""
    case, party = access_party_case(request.user, case_id)
    panel = selectors.case_panel(case, request.user)
    form = f.ConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not panel.can_confirm:
            messages.warning(request, _("目前没有需要您确认的调解协议。"))
            return redirect("cases:detail", case_id=case.pk)
        if form.is_valid():
            try:
                services.agreement_confirm(actor=request.user, case=case, password=form.cleaned_data["password"],
                                           ip_address=client_ip(request))
            except ValidationError as exc:
                f.apply_service_error(form, exc)
            else:
                messages.success(request, _("您已确认调解协议。各方确认并经调解员签名、调委会盖章后生效。"))
                return redirect("cases:detail", case_id=case.pk)
        status = 400
    return render(request, "mediation/agreement.html", {
        "case": case, "party": party, "panel": panel, "agreement": panel.agreement, "form": form,
        "no_password": not request.user.has_usable_password(),
    }, status=status)


# ---------- recusal, extension, follow-up ----------

@never_cache
@login_required
def recusal(request, case_id):
    case, party = access_party_case(request.user, case_id)
    form = f.RecusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _attempt(form, lambda: services.recusal_request(
            actor=request.user, case=case, ip_address=client_ip(request), **form.cleaned_data)):
        messages.success(request, _("回避申请已提交，调委会主任将作出决定并通知您。"))
        return redirect("cases:detail", case_id=case.pk)
    mediator = services.current_mediator(case)
    return _form_page(request, case=case, form=form, title=_("申请调解员回避"), submit=_("提交回避申请"),
                      lead=_("调解员%(name)s有下列情形之一的，您可以申请其回避，由调委会主任决定。") % {
                          "name": mediator or ""},
                      status=400 if request.method == "POST" else 200)


@never_cache
@login_required
def recusal_decide(request, request_id):
    recusal_request = access_recusal(request.user, request_id)
    case = recusal_request.case
    form = f.DecisionForm(request.POST or None, grant_label=_("准予回避（另行指派调解员）"),
                          reject_label=_("驳回申请（调解员继续承办）"))
    if request.method == "POST" and form.is_valid() and _attempt(form, lambda: services.recusal_decide(
            actor=request.user, request=recusal_request, grant=form.granted, note=form.cleaned_data["note"])):
        messages.success(request, _("已决定准予回避，请重新指派调解员。") if form.granted else _("已驳回回避申请。"))
        return redirect("mediation:assign", case_id=case.pk) if form.granted else redirect("mediation:board")
    return _form_page(request, case=case, form=form, title=_("决定是否回避"), submit=_("作出决定"),
                      context_template="mediation/_recusal_summary.html", recusal=recusal_request,
                      status=400 if request.method == "POST" else 200)


@never_cache
@login_required
def extension(request, case_id):
    case = access_staff_case(request.user, case_id)
    require_handler(request.user, case)
    form = f.ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: services.extension_request(actor=request.user, case=case, **form.cleaned_data)):
        messages.success(request, _("延长申请已提交调委会主任审批。"))
        return _work(case)
    return _form_page(request, case=case, form=form, title=_("申请延长调解期限"), submit=_("提交审批"),
                      lead=_("调解期限经双方当事人同意可以延长，由调委会主任批准。"),
                      status=400 if request.method == "POST" else 200)


@never_cache
@login_required
def extension_decide(request, extension_id):
    ext = access_extension(request.user, extension_id)
    form = f.DecisionForm(request.POST or None, grant_label=_("批准延长"), reject_label=_("不批准"))
    if request.method == "POST" and form.is_valid() and _attempt(form, lambda: services.extension_decide(
            actor=request.user, extension=ext, approve=form.granted, note=form.cleaned_data["note"])):
        messages.success(request, _("已批准延长调解期限。") if form.granted else _("已决定不批准延长。"))
        return redirect("mediation:board")
    return _form_page(request, case=ext.case, form=form, title=_("审批延长调解期限"), submit=_("作出决定"),
                      context_template="mediation/_extension_summary.html", extension=ext,
                      status=400 if request.method == "POST" else 200)


@never_cache
@login_required
def follow_up(request, case_id):
    case = access_staff_case(request.user, case_id)
    mediator = services.followup_mediator(case)
    if not ((mediator is not None and mediator.pk == request.user.pk) or directs(request.user, case)):
        raise PermissionDenied
    form = f.FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _attempt(
            form, lambda: services.followup_record(actor=request.user, case=case, **form.cleaned_data)):
        messages.success(request, _("回访记录已保存。"))
        return _work(case)
    return _form_page(request, case=case, form=form, title=_("履行回访"), submit=_("保存回访记录"),
                      lead=_("回访当事人，了解调解协议的履行情况。"), status=400 if request.method == "POST" else 200)
