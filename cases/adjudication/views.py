"""速裁 pages: thin. Each page lists the actions it offers; an action names its form, who may take it
(403 otherwise), when the case allows it (a message otherwise) and the service it calls.

Every page checks the role and the case in one step (``permissions``); a case the user may not see
is 404. Bad input re-renders the page with the errors beside the fields (400) and saves nothing.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases.adjudication import links, selectors
from cases.adjudication import permissions as perm
from cases.adjudication import services as s
from cases.adjudication.forms import (
    NO,
    YES,
    AdjEvidenceForm,
    AdjournForm,
    AnswerForm,
    ApprovalForm,
    ConfirmForm,
    DecisionForm,
    ExtensionRequestForm,
    ForwardForm,
    HearingForm,
    HearingRecordForm,
    MediationEndForm,
    OpinionForm,
    PanelForm,
    PaperAnswerForm,
    PerformanceForm,
    QuestionForm,
    ReceiptForm,
    RecusalDecisionForm,
    RecusalForm,
    ResumeForm,
    ReviewForm,
    ServeForm,
    ServeRequestForm,
    StaffSuitForm,
    StaffSuspensionRequestForm,
    SuitForm,
    SuspensionDecisionForm,
    SuspensionRequestForm,
    VisibilityForm,
    WithdrawQuestionForm,
    apply_service_error,
)
from cases.adjudication.models import (
    Answer,
    DamagesMediation,
    Decision,
    ExtensionRequest,
    Hearing,
    PanelMember,
    Recusal,
    SuspensionRequest,
    TechnicalQuestion,
)
from cases.adjudication.services import _common as c
from cases.adjudication.services.evidence import EXCHANGE_STATUSES
from cases.documents.models import Service
from cases.downloads import protected_file_response
from cases.masking import mask_id_number, mask_phone
from cases.models import CaseStatus, Evidence, Party
from cases.pagination import count_pages, keyset_page

S = CaseStatus


def client_ip(request):
    return request.META.get("REMOTE_ADDR")


@dataclass
class Action:
    form: Callable  # (data, files) -> Form
    can: bool  # the user's role on the case allows it (else 403)
    ready: str | None  # None when the case allows it now, else why not
    run: Callable  # (form) -> success message
    after: str = ""  # page name to go to after success (default: the same page)


def _render_page(request, template, adj, actions, context, *, bound=None, status=200):
    fresh = {name: a.form(None, None) for name, a in actions.items() if a.can and a.ready is None}
    forms = dict(fresh)
    posted, posted_item = "", ""
    if bound is not None and bound[0] in forms:
        posted, forms[posted] = bound
        posted_item = next((str(f.value()) for f in bound[1].hidden_fields()), "")
    return render(request, template, {
        "adj": adj, "case": adj.case, "forms": forms, "fresh": fresh, "posted": posted, "posted_item": posted_item,
        "blocked": {name: a.ready for name, a in actions.items() if a.can and a.ready is not None},
        **context,
    }, status=status)


def _dispatch(request, adj, template, actions: dict, context, *, here, success_url=None, staff_only=True):
    """GET: the page with a form for every action the user may take now. POST: run one action.

    An unknown action redirects with a message; one the user may not take is a 403; one
    not ready yet says why; a form or service error re-renders the page with status 400.
    ``staff_only`` also requires the right to work on the case (not for a party or the
    investigator, whose pages offer their own actions only).
    """
    if request.method != "POST":
        return _render_page(request, template, adj, actions, context)
    name = request.POST.get("action", "")
    action = actions.get(name)
    if action is None:
        messages.error(request, _("请选择要办理的事项。"))
        return redirect(here)
    if not action.can:
        raise PermissionDenied
    if staff_only and not perm.may_change(request.user, adj.case) and not perm.is_admin(request.user):
        raise PermissionDenied
    if action.ready is not None:
        messages.warning(request, action.ready)
        return redirect(here)
    form = action.form(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = action.run(form)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect(success_url(action) if success_url else here)
    return _render_page(request, template, adj, actions, context, bound=(name, form), status=400)


def _page(request, adj, template, actions: dict, context=None, page=""):
    """A staff page of the case's workspace (see ``_dispatch``)."""
    here = links.url(page, adj.case_id) if page else request.path
    return _dispatch(
        request, adj, template, actions, {"current_tab": page, **(context or {})}, here=here,
        success_url=lambda action: links.url(action.after, adj.case_id) if action.after else here,
    )


def _status_is(adj, *statuses):
    if adj.case.status in statuses:
        return None
    return _("案件当前状态为“%(status)s”，不能办理此事项。") % {"status": adj.case.get_status_display()}


def _first(*reasons):
    return next((r for r in reasons if r), None)


def header_context(request, adj) -> dict:
    return {
        "roles": selectors.roles_on(request.user, adj),
        "limit": c.open_deadline(adj.case, c.K_LIMIT),
        "steps": selectors.flowlink.open_steps([adj.case_id]).get(adj.case_id, []),
        "repeat_links": selectors.repeat_cases_visible(request.user, adj),
    }


# ---------- the queues ----------

@never_cache
@login_required
def queue(request):
    """The role's work: officers' review queue and cases by deadline, the chief's approvals and
    overdue cases, the investigator's opinions due."""
    user = request.user
    perm.require(user.has_role(perm.OFFICER, perm.CHIEF, perm.INVESTIGATOR) or perm.is_admin(user))
    context = {}
    if user.has_role(perm.OFFICER) or perm.is_admin(user):
        q = selectors.officer_queue(user)
        review = keyset_page(q["review"], selectors.QUEUE_KEYS, request.GET, prefix="r")
        mine = keyset_page(q["mine"], selectors.QUEUE_KEYS, request.GET)
        count_pages([(review, q["review"]), (mine, q["mine"])])
        selectors.with_steps([*review, *mine])
        context["officer"] = {"review": review, "review_count": review.count_label, "mine": mine,
                              "mine_count": mine.count_label,
                              "mine_rows": mine.object_list}
    if user.has_role(perm.CHIEF) or perm.is_admin(user):
        q = selectors.chief_queue(user)
        approvals = keyset_page(q["approvals"], selectors.QUEUE_KEYS, request.GET, prefix="a")
        overdue = keyset_page(q["overdue"], selectors.OVERDUE_KEYS, request.GET, prefix="o")
        count_pages([(approvals, q["approvals"]), (overdue, q["overdue"])])
        selectors.with_steps([*approvals, *overdue])
        for case in approvals:  # the approvals list names only the chief's own steps
            case.steps = [step for step in case.steps if step.role == perm.CHIEF]
        context["chief"] = {"approvals": approvals, "approvals_count": approvals.count_label,
                            "overdue": overdue, "overdue_count": overdue.count_label}
    if user.has_role(perm.INVESTIGATOR):
        context["investigator"] = keyset_page(selectors.investigator_queue(user), selectors.INVESTIGATOR_KEYS,
                                              request.GET, prefix="q")
    context["today"] = timezone.localdate()
    return render(request, "adjudication/queue.html", context)


# ---------- the case's pages (office staff and panel) ----------

@never_cache
@login_required
def workspace(request, case_id):
    adj = perm.access_adjudication(request.user, case_id)
    ws = selectors.workspace(request.user, adj)
    return render(request, "adjudication/workspace.html", {
        "adj": adj, "case": adj.case, "ws": ws, "open": selectors.open_items(adj), "current_tab": "workspace",
        **header_context(request, adj),
    })


@never_cache
@login_required
def filing(request, case_id):
    """立案审查 (officer) and its approval (chief)."""
    user = request.user
    adj = perm.access_adjudication(user, case_id)
    case = adj.case
    pending = adj.reviews.filter(state="pending").first()

    def review(form):
        s.adjudication_review(actor=user, case=case, checks=form.checks, proposal=form.cleaned_data["proposal"],
                              reason_text=form.cleaned_data["reason_text"])
        return _("已提交立案审查意见，等待负责人审批。")

    def decide(form):
        result = s.adjudication_decide_filing(actor=user, case=case, approve=form.approved,
                                              note=form.cleaned_data["note"])
        case.refresh_from_db()
        if result.state == "returned":
            return _("已退回立案审查意见，承办人将重新审查。")
        if result.proposal == "file":
            return _("已批准立案，案号%(number)s，立案通知书已生成。请指定合议组。") % {"number": case.number}
        return _("已批准不予受理，不予受理通知书已生成。")

    in_review = _status_is(adj, S.ADJUDICATION_REVIEW)
    actions = {
        "review": Action(
            lambda d, f: ReviewForm(d, hints=s.review_hints(case), prefix="review"),
            perm.is_officer(user, adj), _first(in_review, pending and _("审查意见已提交，正在等待负责人审批。")),
            review, "workspace"),
        "decide": Action(
            lambda d, f: ApprovalForm(d, prefix="decide"), perm.is_chief(user, adj),
            _first(in_review, not pending and _("没有待审批的立案审查意见。")), decide, "workspace"),
    }
    return _page(request, adj, "adjudication/filing.html", actions, {
        **header_context(request, adj), "pending": pending, "hints": s.review_hints(case),
        "reviews": list(adj.reviews.select_related("reviewed_by", "decided_by").order_by("-reviewed_at")),
    }, page="filing")


@never_cache
@login_required
def panel(request, case_id):
    """合议组 (chief) and 回避 (a member's declaration; the chief's decisions)."""
    user = request.user
    adj = perm.access_adjudication(user, case_id)
    case = adj.case
    current = list(adj.panel.filter(active=True).select_related("user"))
    presiding = next((m.user for m in current if m.role == PanelMember.Role.PRESIDING), None)
    pending = adj.recusals.filter(state=Recusal.State.PENDING).select_related("member__user", "party")
    mine = adj.panel.filter(active=True, user=user)
    working = _status_is(adj, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)

    def appoint(form):
        s.adjudication_appoint_panel(actor=user, case=case, members=list(form.cleaned_data["members"]),
                                     presiding=form.cleaned_data["presiding"])
        return _("合议组已指定，已通知成员和当事人。")

    def declare(form):
        s.adjudication_raise_recusal(actor=user, case=case, member=form.cleaned_data["member"],
                                     kind=Recusal.Kind.DECLARATION, ground=form.cleaned_data["ground"],
                                     reason=form.cleaned_data["reason"])
        return _("已提出自行回避，等待负责人决定。")

    def decide(form):
        recusal = s.adjudication_decide_recusal(actor=user, case=case, recusal=form.cleaned_data["recusal"],
                                                granted=form.cleaned_data["decision"] == YES,
                                                note=form.cleaned_data["note"])
        if recusal.state == Recusal.State.GRANTED:
            return _("已准予回避，请补足合议组成员。")
        return _("已驳回回避申请。")

    actions = {
        "appoint": Action(
            lambda d, f: PanelForm(d, handlers=s.eligible_handlers(adj.office), current=[m.user for m in current],
                                   presiding=presiding, prefix="panel"),
            perm.is_chief(user, adj), working, appoint),
        "declare": Action(lambda d, f: RecusalForm(d, members=mine, prefix="declare"),
                          mine.exists(), working, declare),
        "decide_recusal": Action(lambda d, f: RecusalDecisionForm(d, recusals=pending, prefix="recusal"),
                                 perm.is_chief(user, adj),
                                 _first(working, not pending.exists() and _("没有待决定的回避申请。")), decide),
    }
    return _page(request, adj, "adjudication/panel.html", actions, {
        **header_context(request, adj),
        "current": sorted(current, key=lambda m: (m.role != "presiding", m.appointed_at)),
        "former": list(adj.panel.filter(active=False).select_related("user")), "pending": list(pending),
        "recusals": list(adj.recusals.select_related("member__user", "party", "decided_by").order_by("-raised_at")),
    }, page="panel")


@never_cache
@login_required
def service(request, case_id):
    """送达 and 答辩: the 答辩通知书, any document's service and receipt, answers and their forwarding."""
    user = request.user
    adj = perm.access_adjudication(user, case_id)
    case = adj.case
    officer = perm.is_officer(user, adj) or perm.is_panel_member(user, adj)
    respondents = Party.objects.filter(case=case, role=Party.PartyRole.RESPONDENT).order_by("id")
    notice = s.current_answer_notice(case)
    served = set(Service.objects.filter(document=notice).values_list("party_id", flat=True)) if notice else set()
    unserved = [p for p in respondents if p.pk not in served]
    documents = selectors.servable_documents(adj)
    open_services = Service.objects.filter(document__case=case, received_at__isnull=True).select_related(
        "document", "party")
    unforwarded = Answer.objects.filter(adjudication=adj, forwarded_at__isnull=True).select_related("party")

    def serve_request(form):
        document = s.adjudication_issue_answer_notice(actor=user, case=case)
        sent, received = form.times()
        for party in unserved:
            s.adjudication_serve(actor=user, case=case, document=document, party=party,
                                 method=form.cleaned_data["method"], sent_at=sent, received_at=received)
        return _("答辩通知书已生成并登记送达%(names)s。") % {"names": "、".join(p.name for p in unserved)}

    def serve(form):
        sent, received = form.times()
        s.adjudication_serve(actor=user, case=case, document=form.cleaned_data["document"],
                             party=form.cleaned_data["party"], method=form.cleaned_data["method"],
                             sent_at=sent, received_at=received)
        return _("已登记送达。")

    def receipt(form):
        from cases.adjudication.forms import at_local

        s.adjudication_confirm_receipt(actor=user, case=case, service=form.cleaned_data["service"],
                                       received_at=at_local(form.cleaned_data["received_on"]),
                                       note=form.cleaned_data["note"])
        return _("已确认签收，送达回证已生成。")

    def forward(form):
        s.adjudication_forward_answer(actor=user, case=case, answer=form.cleaned_data["answer"],
                                      method=form.cleaned_data["method"])
        return _("答辩书副本已转送请求人。")

    def paper_answer(form):
        from cases.adjudication.forms import at_local

        answer = s.adjudication_submit_answer(
            actor=user, case=case, party=form.cleaned_data["party"], text=form.cleaned_data["text"],
            channel=Answer.Channel.PAPER, received_at=at_local(form.cleaned_data["received_on"]))
        if answer.late:
            return _("已登记答辩（逾期答辩，不影响审理）。请在5个工作日内转送请求人。")
        return _("已登记答辩。请在5个工作日内转送请求人。")

    working = _status_is(adj, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    actions = {
        "serve_request": Action(lambda d, f: ServeRequestForm(d, prefix="request"), officer,
                                _first(_status_is(adj, S.ADJUDICATING),
                                       not unserved and _("答辩通知书已送达全部被请求人。")), serve_request),
        "serve": Action(lambda d, f: ServeForm(d, documents=_documents_qs(documents), parties=_parties_qs(case),
                                               prefix="serve"),
                        officer, not any(doc.unserved for doc in documents) and _("没有需要送达的文书。") or None,
                        serve),
        "receipt": Action(lambda d, f: ReceiptForm(d, services=open_services, prefix="receipt"), officer,
                          not open_services.exists() and _("没有待签收的送达。") or None, receipt),
        "forward": Action(lambda d, f: ForwardForm(d, answers=unforwarded, prefix="forward"), officer,
                          not unforwarded.exists() and _("没有需要转送的答辩书。") or None, forward),
        "paper_answer": Action(lambda d, f: PaperAnswerForm(d, respondents=respondents, prefix="paper"), officer,
                               working, paper_answer),
    }
    return _page(request, adj, "adjudication/service.html", actions, {
        **header_context(request, adj), "notice": notice, "unserved": unserved, "documents": documents,
        "open_services": list(open_services), "unforwarded": list(unforwarded),
        "answers": list(adj.answers.select_related("party", "forward_document").order_by("received_at")),
        "answer_deadlines": list(case.deadlines.filter(kind__startswith=f"{c.K_ANSWER}:").order_by("due_date")),
        "services": list(Service.objects.filter(document__case=case).select_related("document", "party",
                                                                                     "receipt_document")
                         .order_by("-sent_at", "-id")),
    }, page="service")


def _documents_qs(documents):
    from cases.documents.models import Document

    return Document.objects.filter(pk__in=[d.pk for d in documents if d.unserved])


def _parties_qs(case):
    return Party.objects.filter(case=case).exclude(role=Party.PartyRole.AGENT).order_by("role", "id")


@never_cache
@login_required
def evidence(request, case_id):
    """证据交换 for the office: every piece with who may see it; upload and set visibility."""
    user = request.user
    adj = perm.access_adjudication(user, case_id)
    case = adj.case
    staff = perm.is_officer(user, adj) or perm.is_panel_member(user, adj)
    exchange = _status_is(adj, *EXCHANGE_STATUSES)

    def upload(form):
        s.adjudication_add_evidence(
            actor=user, case=case, uploaded_file=form.cleaned_data["file"],
            description=form.cleaned_data["description"], confidential=form.cleaned_data["confidential"],
            reason=form.cleaned_data["reason"], ip_address=client_ip(request))
        return _("证据已上传。")

    def visibility(form):
        s.evidence_set_visibility(actor=user, case=case, evidence=form.cleaned_data["evidence"],
                                  confidential=form.cleaned_data["confidential"] == YES,
                                  reason=form.cleaned_data["reason"])
        return _("已设置证据的可见范围。")

    actions = {
        "upload": Action(lambda d, f: AdjEvidenceForm(d, f, prefix="upload"), staff, exchange, upload),
        "visibility": Action(lambda d, f: VisibilityForm(d, evidence=Evidence.objects.filter(case=case),
                                                         prefix="visibility"), staff, exchange, visibility),
    }
    return _page(request, adj, "adjudication/evidence.html", actions, {
        **header_context(request, adj), "rows": selectors.evidence_rows(user, adj),
    }, page="evidence")


@never_cache
@login_required
def technical(request, case_id):
    """技术调查: the panel's questions to a technical investigator, and their opinions."""
    user = request.user
    adj = perm.access_adjudication(user, case_id)
    case = adj.case
    panel_member = perm.is_panel_member(user, adj) or perm.is_chief(user, adj)
    open_questions = adj.technical_questions.filter(state=TechnicalQuestion.State.OPEN)

    def ask(form):
        question = s.adjudication_ask_technical(
            actor=user, case=case, investigator=form.cleaned_data["investigator"],
            questions=form.cleaned_data["questions"], evidence=list(form.cleaned_data["evidence"]),
            working_days=form.cleaned_data["working_days"])
        return _("已向技术调查官%(name)s提出技术问题，期限至%(due)s。") % {
            "name": question.investigator, "due": c.ui_date(question.deadline.due_date)}

    def withdraw(form):
        s.adjudication_withdraw_question(actor=user, case=case, question=form.cleaned_data["question"],
                                         reason=form.cleaned_data["reason"])
        return _("已撤回技术调查。")

    actions = {
        "ask": Action(lambda d, f: QuestionForm(d, investigators=s.investigators(),
                                                evidence=Evidence.objects.filter(case=case),
                                                default_days=c.conf("OPINION_WORKING_DAYS"), prefix="ask"),
                      panel_member, _status_is(adj, S.ADJUDICATING), ask),
        "withdraw": Action(lambda d, f: WithdrawQuestionForm(d, questions=open_questions, prefix="withdraw"),
                           panel_member, not open_questions.exists() and _("没有待出具意见的技术调查。") or None,
                           withdraw),
    }
    return _page(request, adj, "adjudication/technical.html", actions, {
        **header_context(request, adj),
        "questions": list(adj.technical_questions.select_related("investigator", "deadline", "opinion_document")
                          .prefetch_related("evidence").order_by("-asked_at")),
    }, page="technical")


@never_cache
@login_required
def hearings(request, case_id):
    """口头审理: notice (at least 3 working days ahead), record, adjournment."""
    user = request.user
    adj = perm.access_adjudication(user, case_id)
    case = adj.case
    staff = perm.is_panel_member(user, adj) or perm.is_officer(user, adj)
    scheduled = adj.hearings.filter(state=Hearing.State.SCHEDULED)
    earliest = s.earliest_hearing_date()

    def schedule(form):
        hearing = s.adjudication_schedule_hearing(actor=user, case=case, scheduled_at=form.scheduled_at,
                                                  place=form.cleaned_data["place"], mode=form.cleaned_data["mode"])
        return _("已定于%(when)s口头审理，口头审理通知书已生成，请登记送达。") % {
            "when": c.ui_date(hearing.scheduled_at.date())}

    def record(form):
        s.adjudication_record_hearing(actor=user, case=case, hearing=form.cleaned_data["hearing"],
                                      attendees=form.cleaned_data["attendees"], record=form.cleaned_data["record"])
        return _("审理笔录已保存。")

    def adjourn(form):
        new = s.adjudication_adjourn_hearing(actor=user, case=case, hearing=form.cleaned_data["hearing"],
                                             reason=form.cleaned_data["reason"], scheduled_at=form.scheduled_at)
        if new.state == Hearing.State.SCHEDULED:
            return _("口头审理已延期，新的口头审理通知书已生成。")
        return _("口头审理已延期，确定新的日期后请另行通知。")

    actions = {
        "schedule": Action(lambda d, f: HearingForm(d, earliest=earliest, prefix="schedule"), staff,
                           _first(_status_is(adj, S.ADJUDICATING),
                                  scheduled.exists() and _("已有一次口头审理尚未进行，请先记录或延期。")), schedule),
        "record": Action(lambda d, f: HearingRecordForm(d, hearings=scheduled, prefix="record"), staff,
                         _first(_status_is(adj, S.ADJUDICATING),
                                not scheduled.exists() and _("没有待进行的口头审理。")), record),
        "adjourn": Action(lambda d, f: AdjournForm(d, hearings=scheduled, prefix="adjourn"), staff,
                          not scheduled.exists() and _("没有待进行的口头审理。") or None, adjourn),
    }
    return _page(request, adj, "adjudication/hearings.html", actions, {
        **header_context(request, adj), "earliest": earliest,
        "hearings": list(adj.hearings.select_related("notice_document", "recorded_by").order_by("-scheduled_at")),
    }, page="hearings")


@never_cache
@login_required
def procedure(request, case_id):
    """中止 / 恢复, 延长办案期限, 赔偿调解."""
    user = request.user
    adj = perm.access_adjudication(user, case_id)
    case = adj.case
    chief = perm.is_chief(user, adj)
    staff = perm.is_officer(user, adj) or perm.is_panel_member(user, adj)
    pending_suspension = adj.suspensions.filter(state=SuspensionRequest.State.PENDING).first()
    open_suspension = adj.suspensions.filter(state__in=["pending", "granted"]).exists()
    pending_extension = adj.extensions.filter(state=ExtensionRequest.State.PENDING).first()
    ongoing = adj.mediations.filter(state=DamagesMediation.State.ONGOING).first()
    respondents = Party.objects.filter(case=case, role=Party.PartyRole.RESPONDENT)

    def suspension_request(form):
        s.adjudication_request_suspension(
            actor=user, case=case, party=form.cleaned_data["party"],
            invalidation_number=form.cleaned_data["invalidation_number"],
            invalidation_accepted_on=form.cleaned_data["invalidation_accepted_on"], reason=form.cleaned_data["reason"])
        return _("已登记中止处理申请，等待负责人决定。")

    def suspension_decide(form):
        grant = form.cleaned_data["decision"] == YES
        s.adjudication_decide_suspension(actor=user, case=case, request=pending_suspension, grant=grant,
                                         note=form.cleaned_data["note"], on=form.cleaned_data.get("on"))
        if grant:
            return _("本案已中止处理，各项期限停止计算，中止处理通知书已生成。")
        return _("已决定不予中止，案件继续审理。")

    def resume(form):
        s.adjudication_resume(actor=user, case=case, reason=form.cleaned_data["reason"], on=form.cleaned_data.get("on"))
        limit = c.open_deadline(case, c.K_LIMIT)
        return _("本案已恢复处理，办案期限届满日为%(due)s，恢复处理通知书已生成。") % {
            "due": c.ui_date(limit.due_date) if limit else "—"}

    def extension_request(form):
        s.adjudication_request_extension(actor=user, case=case, reason=form.cleaned_data["reason"])
        return _("已申请延长办案期限，等待负责人审批。")

    def extension_decide(form):
        request_ = s.adjudication_decide_extension(actor=user, case=case, request=pending_extension,
                                                   approve=form.approved, note=form.cleaned_data["note"])
        if request_.state == ExtensionRequest.State.APPROVED:
            return _("已批准延长办案期限至%(due)s。") % {"due": c.ui_date(request_.due_after)}
        return _("已决定不予延长。")

    def mediation_start(form):
        s.adjudication_start_mediation(actor=user, case=case)
        return _("已开始赔偿调解。")

    def mediation_end(form):
        data = form.cleaned_data
        result = s.adjudication_end_mediation(actor=user, case=case, agreed=data["outcome"] == YES,
                                              amount=data.get("amount"), terms=data["terms"],
                                              settles_case=data["settles_case"], note=data["note"])
        if result.state == DamagesMediation.State.FAILED:
            return _("已记录调解不成，案件继续审理。")
        if result.settles_case:
            return _("双方达成调解协议，本案以调解结案，调解协议书已生成。")
        return _("双方就赔偿达成调解协议，调解协议书已生成；案件继续审理。")

    adjudicating = _status_is(adj, S.ADJUDICATING)
    in_tier = _status_is(adj, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    actions = {
        "suspension_request": Action(
            lambda d, f: StaffSuspensionRequestForm(d, respondents=respondents, prefix="suspend"), staff,
            _first(adjudicating, open_suspension and _("已有中止处理申请正在审查或已中止。")), suspension_request),
        "suspension_decide": Action(
            lambda d, f: SuspensionDecisionForm(d, prefix="sdecide"), chief,
            _first(adjudicating, not pending_suspension and _("没有待决定的中止处理申请。")), suspension_decide),
        "resume": Action(lambda d, f: ResumeForm(d, prefix="resume"), staff,
                         _status_is(adj, S.ADJUDICATION_SUSPENDED), resume),
        "extension_request": Action(
            lambda d, f: ExtensionRequestForm(d, prefix="extend"), staff,
            _first(in_tier, pending_extension and _("已有延长期限申请正在等待审批。"),
                   not s.extensions_left(adj) and _("办案期限已经延长过，不能再次延长。")), extension_request),
        "extension_decide": Action(
            lambda d, f: ApprovalForm(d, prefix="edecide"), chief,
            _first(in_tier, not pending_extension and _("没有待审批的延长期限申请。")), extension_decide),
        "mediation_start": Action(lambda d, f: ConfirmForm(d, prefix="mstart"), staff,
                                  _first(adjudicating, ongoing and _("赔偿调解正在进行中。")), mediation_start),
        "mediation_end": Action(lambda d, f: MediationEndForm(d, prefix="mend"), staff,
                                _first(adjudicating, not ongoing and _("没有正在进行的赔偿调解。")), mediation_end),
    }
    return _page(request, adj, "adjudication/procedure.html", actions, {
        **header_context(request, adj),
        "pending_suspension": pending_suspension, "pending_extension": pending_extension,
        "ongoing": ongoing,
        "suspensions": list(adj.suspensions.select_related("party").order_by("-requested_at")),
        "extensions": list(adj.extensions.select_related("requested_by", "decided_by").order_by("-requested_at")),
        "mediations": list(adj.mediations.select_related("agreement_document").order_by("-started_at")),
        "extension_months": c.conf("EXTENSION_MONTHS"),
    }, page="procedure")


@never_cache
@login_required
def decision(request, case_id):
    """裁决书: the panel drafts, the chief approves; then service, the suit window, finality, performance."""
    user = request.user
    adj = perm.access_adjudication(user, case_id)
    case = adj.case
    current = Decision.objects.filter(adjudication=adj).select_related("document").first()
    member = perm.is_panel_member(user, adj)
    performance = getattr(adj, "performance", None) if hasattr(adj, "performance") else None

    def draft(form):
        data = form.cleaned_data
        submit = "submit" in request.POST
        s.adjudication_draft_decision(actor=user, case=case, infringement_found=data["infringement_found"] == YES,
                                      acts=data["acts"], product=data["product"], facts=data["facts"],
                                      reasoning=data["reasoning"], submit=submit)
        return _("裁决书已提交负责人审批。") if submit else _("裁决书草稿已保存。")

    def approve(form):
        result = s.adjudication_decide_decision(actor=user, case=case, approve=form.approved,
                                                note=form.cleaned_data["note"])
        if result.state == Decision.State.ISSUED:
            return _("已批准并签发行政裁决书，请登记向各方当事人送达。")
        return _("已退回裁决书，合议组将修改后重新提交。")

    def follow(form):
        s.adjudication_close_performance(actor=user, case=case, performed=form.cleaned_data["performed"] == YES,
                                         note=form.cleaned_data["note"])
        return _("已登记履行情况。")

    def draft_form(d, f):
        initial = {}
        if current is not None:
            initial = {"infringement_found": YES if current.infringement_found else NO, "acts": current.acts,
                       "product": current.product, "facts": current.facts, "reasoning": current.reasoning}
        return DecisionForm(d, initial=initial, prefix="decision")

    drafting = _first(_status_is(adj, S.ADJUDICATING),
                      current is not None and current.state != Decision.State.DRAFT and _("裁决书已提交审批。"))
    actions = {
        "draft": Action(draft_form, member, drafting, draft),
        "approve": Action(lambda d, f: ApprovalForm(d, prefix="approve"), perm.is_chief(user, adj),
                          _first(_status_is(adj, S.ADJUDICATING),
                                 (current is None or current.state != Decision.State.SUBMITTED)
                                 and _("没有待审批的裁决书。")), approve),
        "performance": Action(lambda d, f: PerformanceForm(d, prefix="performance"), perm.is_officer(user, adj),
                              (performance is None or performance.state != "following")
                              and _("没有需要登记的履行跟踪。") or None, follow),
    }
    window = case.deadlines.filter(kind=c.K_SUIT).order_by("-id").first()
    return _page(request, adj, "adjudication/decision.html", actions, {
        **header_context(request, adj), "decision": current, "performance": performance, "window": window,
        "suit": adj.suits.select_related("party").order_by("-id").first(),
        "suit_form": StaffSuitForm(parties=_parties_qs(case).exclude(role=Party.PartyRole.THIRD_PARTY),
                                   prefix="suit") if case.status == S.ADJUDICATION_DECIDED else None,
        "final_form": ConfirmForm(prefix="final") if case.status == S.ADJUDICATION_DECIDED else None,
        "may_move": perm.is_officer(user, adj),
        "suit_url": links.url("suit", case.pk), "final_url": links.url("final", case.pk),
    }, page="decision")


# ---------- the technical investigator ----------

@never_cache
@login_required
def question(request, question_id):
    """One technical question for its investigator: the questions, the evidence attached, the opinion."""
    user = request.user
    q = perm.access_question(user, question_id)
    adj = q.adjudication
    case = adj.case

    def opinion(form):
        s.adjudication_give_opinion(actor=user, case=case, question=q, opinion=form.cleaned_data["opinion"])
        return _("技术调查意见已提交，技术调查意见书已生成。")

    mine = q.investigator_id == user.pk
    actions = {
        "opinion": Action(lambda d, f: OpinionForm(d, prefix="opinion"), mine,
                          _first(_status_is(adj, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED),
                                 q.state != TechnicalQuestion.State.OPEN and _("该技术调查已经结束。")), opinion),
    }
    parties = [{"role": p.get_role_display(), "name": p.name,
                "identifier": mask_id_number(p.id_number) if p.id_number else mask_id_number(p.credit_code),
                "phone": mask_phone(p.phone)}
               for p in case.parties.exclude(role=Party.PartyRole.AGENT).order_by("role", "id")]
    if request.method == "POST" and not mine:
        raise PermissionDenied
    response = _page_for_question(request, q, actions, {
        "question": q, "parties": parties, "ip_rights": list(case.ip_rights.all()),
        "evidence": list(q.evidence.all()),
    })
    return response


def _page_for_question(request, q, actions, context):
    """The investigator's page for one technical question (see ``_dispatch``)."""
    return _dispatch(
        request, q.adjudication, "adjudication/question.html", actions, context,
        here=links.url("question", q.pk), success_url=lambda action: "workflows:adjudication:queue",
        staff_only=False,
    )


# ---------- the parties ----------

@never_cache
@login_required
def party(request, case_id):
    """The parties' page: answer, evidence (and its visibility), suspension, recusal, suit."""
    user = request.user
    adj, me = perm.access_as_party(user, case_id)
    case = adj.case
    respondent = me.role == Party.PartyRole.RESPONDENT
    members = adj.panel.filter(active=True).select_related("user")
    own_evidence = Evidence.objects.filter(case=case).filter(party=me)
    exchange = _status_is(adj, *EXCHANGE_STATUSES)

    def answer(form):
        result = s.adjudication_submit_answer(actor=user, case=case, party=me, text=form.cleaned_data["text"],
                                              channel=Answer.Channel.PORTAL)
        if result.late:
            return _("答辩意见已提交。答辩期已届满，本机关仍会将答辩书转送请求人，但不影响案件审理。")
        return _("答辩意见已提交，本机关将转送请求人。")

    def upload(form):
        s.adjudication_add_evidence(actor=user, case=case, uploaded_file=form.cleaned_data["file"],
                                    description=form.cleaned_data["description"], party=me,
                                    confidential=form.cleaned_data["confidential"], reason=form.cleaned_data["reason"],
                                    ip_address=client_ip(request))
        if form.cleaned_data["confidential"]:
            return _("证据已上传，仅合议组可见，对方当事人看不到。")
        return _("证据已上传。")

    def visibility(form):
        s.evidence_set_visibility(actor=user, case=case, evidence=form.cleaned_data["evidence"],
                                  confidential=form.cleaned_data["confidential"] == YES,
                                  reason=form.cleaned_data["reason"])
        return _("已设置证据的可见范围。")

    def suspension(form):
        data = form.cleaned_data
        s.adjudication_request_suspension(actor=user, case=case, party=me,
                                          invalidation_number=data["invalidation_number"],
                                          invalidation_accepted_on=data["invalidation_accepted_on"],
                                          reason=data["reason"])
        return _("中止处理申请已提交，本机关将作出决定并通知您。")

    def recusal(form):
        s.adjudication_raise_recusal(actor=user, case=case, member=form.cleaned_data["member"],
                                     kind=Recusal.Kind.REQUEST, ground=form.cleaned_data["ground"],
                                     reason=form.cleaned_data["reason"], party=me)
        return _("回避申请已提交，本机关负责人将作出决定。")

    working = _status_is(adj, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    actions = {
        "answer": Action(lambda d, f: AnswerForm(d, prefix="answer"), respondent, working, answer),
        "upload": Action(lambda d, f: AdjEvidenceForm(d, f, prefix="upload"), True, exchange, upload),
        "visibility": Action(lambda d, f: VisibilityForm(d, evidence=own_evidence, prefix="visibility"), True,
                             _first(exchange, not own_evidence.exists() and _("您还没有提交证据。")), visibility),
        "suspension": Action(lambda d, f: SuspensionRequestForm(d, prefix="suspend"), respondent,
                             _first(_status_is(adj, S.ADJUDICATING),
                                    adj.suspensions.filter(state__in=["pending", "granted"]).exists()
                                    and _("已有中止处理申请正在审查或已中止。")), suspension),
        "recusal": Action(lambda d, f: RecusalForm(d, members=members, prefix="recusal"), True,
                          _first(working, not members.exists() and _("合议组尚未组成。")), recusal),
    }
    window = case.deadlines.filter(kind=c.K_SUIT).order_by("-id").first()
    return _party_page(request, adj, actions, {
        "me": me, "respondent": respondent,
        "panel": sorted(members, key=lambda m: (m.role != PanelMember.Role.PRESIDING, m.appointed_at, m.pk)),
        "rows": selectors.evidence_rows(user, adj),
        "answers": list(adj.answers.filter(party=me).order_by("received_at")),
        "answer_deadline": case.deadlines.filter(kind=f"{c.K_ANSWER}:{me.pk}").order_by("-id").first(),
        "limit": c.open_deadline(case, c.K_LIMIT), "window": window,
        "decision": Decision.objects.filter(adjudication=adj, state=Decision.State.ISSUED).select_related(
            "document").first(),
        "suit_form": SuitForm(prefix="suit") if case.status == S.ADJUDICATION_DECIDED else None,
        "suit_url": links.url("suit", case.pk),
        "hearings": list(adj.hearings.filter(state=Hearing.State.SCHEDULED).order_by("scheduled_at")),
    })


def _party_page(request, adj, actions, context):
    """A party's page in the adjudication (see ``_dispatch``)."""
    return _dispatch(
        request, adj, "adjudication/party.html", actions, context, here=links.url("party", adj.case_id),
        staff_only=False,
    )


@never_cache
@login_required
def evidence_download(request, case_id, evidence_id):
    """An evidence file under the exchange's visibility (confidential evidence: panel only)."""
    _adj, item = perm.access_evidence(request.user, case_id, evidence_id)
    return protected_file_response(item.file, filename=item.original_name, content_type=item.content_type)
