"""速裁 flows (django-viewflow 2): who acts next in an adjudication, drawn as a chart.

``Case.status`` is the business status; these flows are the work: which task is open, for which
role, since when. Each process is an ``AdjudicationProcess`` with a foreign key to its case (the
choice ``mediation.MediationProcess`` made too); the side flows also name the row they are about
in ``Process.data`` (a technical question, a suspension request …).

The tier's services (``cases.adjudication.services``) do the business change and then call
``on_event`` in the same transaction (through ``cases.adjudication.flowlink``, wired by
``settings.IPDR_ADJUDICATION_WORKFLOW``): the flow never decides the business, it follows it.
The pages are the tier's own; a viewflow task URL only redirects to them.

- ``AdjudicationFlow``: the main line, from the request to the decision and after.
- ``AnswerFlow``: one per respondent served: the answer (or the period running out), its forwarding.
- ``TechnicalOpinionFlow``: one per technical question, assigned to its investigator.
- ``ExtensionFlow``, ``SuspensionFlow``, ``RecusalFlow``: the chief's decisions on requests.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task
from viewflow.workflow.nodes import Handle
from viewflow.workflow.status import PROCESS, STATUS

from cases.adjudication import flowlink as ev
from cases.adjudication.models import AdjudicationProcess
from cases.models import Role

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
PANEL = "panel"  # the case's panel members (a per-case grant, not a Group)
LOCK = SelectForUpdateLock(nowait=False)


def task_view(request, process_pk=None, task_pk=None, **kwargs):
    """The UI of every task is the tier's own page; viewflow's task URL (if mounted) leads there."""
    process = AdjudicationProcess.objects.get(pk=process_pk)
    return redirect("workflows:adjudication:workspace", case_id=process.case_id)


def human(title, role, description=""):
    """A user task of ``role`` (a Role value, or PANEL)."""
    node = flow.View(task_view).Annotation(title=title, description=description)
    node.adj_role = role
    return node


def _data(activation, key):
    return (activation.process.data or {}).get(key)


class _Starts:
    def start_process(self, activation, case, **data):
        activation.process.case = case
        activation.process.data = {**(activation.process.data or {}), **data}
        return activation.process

    def record(self, activation, **data):
        """Handle nodes: store what the outcome was before the gateway after them reads it."""
        activation.process.data = {**(activation.process.data or {}), **data}
        activation.process.save(update_fields=["data"])
        return activation.process


class AdjudicationFlow(_Starts, flow.Flow):
    """行政裁决（速裁）

    专利侵权纠纷行政裁决：立案审查与审批、合议组、答辩、审理（证据交换、技术调查、口头审理、赔偿调解）、
    裁决书审批与送达、起诉期与履行跟踪。
    """

    process_class = AdjudicationProcess
    process_title = _("行政裁决")
    lock_impl = LOCK

    start = flow.StartHandle(this.start_process).Annotation(title=_("收到请求")).Next(this.review)
    review = human(_("立案审查"), Role.ENFORCEMENT_OFFICER,
                   _("5个工作日内逐项审查受理条件，提出立案或不予受理的意见")).Next(this.approve_filing)
    approve_filing = human(_("审批立案"), Role.ADJUDICATION_CHIEF).Next(this.filing_outcome)
    filing_outcome = (
        flow.Switch().Annotation(title=_("审批结果"))
        .Case(this.filed, lambda a: _data(a, "filing") == "filed")
        .Case(this.refused, lambda a: _data(a, "filing") == "refused")
        .Default(this.review)
    )
    filed = flow.Split().Annotation(title=_("立案")).Next(this.appoint_panel).Next(this.serve_request)
    appoint_panel = human(_("指定合议组"), Role.ADJUDICATION_CHIEF, _("三人以上单数")).Next(this.ready)
    serve_request = human(_("送达答辩通知书"), Role.ENFORCEMENT_OFFICER, _("立案之日起5个工作日内")).Next(this.ready)
    ready = flow.Join().Annotation(title=_("开始审理")).Next(this.examine)
    examine = human(_("审理"), PANEL,
                    _("证据交换、技术调查、口头审理、赔偿调解，起草裁决书")).Next(this.examine_outcome)
    examine_outcome = (
        flow.Switch().Annotation(title=_("审理结果"))
        .Case(this.mediated, lambda a: _data(a, "examine") == "settled")
        .Default(this.approve_decision)
    )
    approve_decision = human(_("审批裁决书"), Role.ADJUDICATION_CHIEF).Next(this.decision_outcome)
    decision_outcome = (
        flow.If(lambda a: _data(a, "decision") == "approved").Annotation(title=_("是否批准"))
        .Then(this.serve_decision).Else(this.examine)
    )
    serve_decision = human(_("送达裁决书"), Role.ENFORCEMENT_OFFICER).Next(this.suit_window)
    suit_window = flow.Handle(this.record).Annotation(title=_("起诉期（15日）")).Next(this.suit_outcome)
    suit_outcome = (
        flow.If(lambda a: _data(a, "suit") == "sued").Annotation(title=_("是否起诉"))
        .Then(this.transferred).Else(this.follow_up_needed)
    )
    follow_up_needed = (
        flow.If(lambda a: bool(_data(a, "follow_up"))).Annotation(title=_("是否责令停止侵权"))
        .Then(this.follow_up).Else(this.final)
    )
    follow_up = human(_("履行跟踪"), Role.ENFORCEMENT_OFFICER).Next(this.final)
    refused = flow.End().Annotation(title=_("不予受理"))
    mediated = flow.End().Annotation(title=_("调解结案"))
    transferred = flow.End().Annotation(title=_("起诉，移送法院"))
    final = flow.End().Annotation(title=_("裁决生效"))


class AnswerFlow(_Starts, flow.Flow):
    """答辩

    被请求人收到答辩通知书之日起15日内答辩；逾期答辩不影响审理。答辩书5个工作日内转送请求人。
    """

    process_class = AdjudicationProcess
    process_title = _("答辩")
    lock_impl = LOCK

    start = flow.StartHandle(this.start_process).Annotation(title=_("送达答辩通知书")).Next(this.await_answer)
    await_answer = flow.Handle(this.record).Annotation(title=_("等待答辩（15日）")).Next(this.answered)
    answered = (
        flow.If(lambda a: bool(_data(a, "answer"))).Annotation(title=_("是否答辩"))
        .Then(this.forward_answer).Else(this.lapsed)
    )
    forward_answer = human(_("转送答辩书"), Role.ENFORCEMENT_OFFICER, _("5个工作日内")).Next(this.end)
    lapsed = flow.End().Annotation(title=_("答辩期届满未答辩"))
    end = flow.End().Annotation(title=_("已转送"))


class TechnicalOpinionFlow(_Starts, flow.Flow):
    """技术调查

    合议组就技术问题征询技术调查官，技术调查官在期限内出具书面意见。
    """

    process_class = AdjudicationProcess
    process_title = _("技术调查")
    lock_impl = LOCK

    start = flow.StartHandle(this.start_process).Annotation(title=_("提出技术问题")).Next(this.opinion)
    opinion = (human(_("出具技术调查意见"), Role.TECHNICAL_INVESTIGATOR)
               .Assign(lambda a: _investigator(a)).Next(this.end))
    end = flow.End().Annotation(title=_("意见已出具"))


class ExtensionFlow(_Starts, flow.Flow):
    """延长办案期限

    合议组申请，负责人审批。
    """

    process_class = AdjudicationProcess
    process_title = _("延长办案期限")
    lock_impl = LOCK

    start = flow.StartHandle(this.start_process).Annotation(title=_("申请延长")).Next(this.approve)
    approve = human(_("审批延长期限"), Role.ADJUDICATION_CHIEF).Next(this.end)
    end = flow.End().Annotation(title=_("已审批"))


class SuspensionFlow(_Starts, flow.Flow):
    """中止处理

    被请求人以专利权无效宣告请求已被受理为由申请中止；负责人决定；恢复后期限继续计算。
    """

    process_class = AdjudicationProcess
    process_title = _("中止处理")
    lock_impl = LOCK

    start = flow.StartHandle(this.start_process).Annotation(title=_("申请中止")).Next(this.decide)
    decide = human(_("决定是否中止"), Role.ADJUDICATION_CHIEF).Next(this.granted)
    granted = (
        flow.If(lambda a: bool(_data(a, "granted"))).Annotation(title=_("是否中止"))
        .Then(this.resume).Else(this.refused)
    )
    resume = human(_("恢复处理"), Role.ENFORCEMENT_OFFICER, _("中止原因消除后恢复，期限继续计算")).Next(this.end)
    refused = flow.End().Annotation(title=_("不予中止"))
    end = flow.End().Annotation(title=_("已恢复"))


class RecusalFlow(_Starts, flow.Flow):
    """回避

    成员自行回避或当事人申请回避，负责人决定；准予回避后补足合议组。
    """

    process_class = AdjudicationProcess
    process_title = _("回避")
    lock_impl = LOCK

    start = flow.StartHandle(this.start_process).Annotation(title=_("提出回避")).Next(this.decide)
    decide = human(_("决定回避"), Role.ADJUDICATION_CHIEF).Next(this.replacement)
    replacement = (
        flow.If(lambda a: bool(_data(a, "replace"))).Annotation(title=_("是否需要补足"))
        .Then(this.replace).Else(this.end)
    )
    replace = human(_("补足合议组"), Role.ADJUDICATION_CHIEF).Next(this.end)
    end = flow.End().Annotation(title=_("已决定"))


FLOWS = (AdjudicationFlow, AnswerFlow, TechnicalOpinionFlow, ExtensionFlow, SuspensionFlow, RecusalFlow)


def _investigator(activation):
    from cases.adjudication.models import TechnicalQuestion

    question = TechnicalQuestion.objects.filter(pk=_data(activation, "question")).select_related("investigator").first()
    return question.investigator if question else None


# ---------- following the services ----------

def _processes(case, flow_class, **data):
    qs = AdjudicationProcess.objects.filter(flow_class=flow_class, case_id=case.pk, status=PROCESS.NEW).order_by("pk")
    for key, value in data.items():
        qs = qs.filter(**{f"data__{key}": value})
    return qs


def _open_task(process, node):
    return Task.objects.filter(process=process, flow_task=node, status__in=OPEN).order_by("pk").first()


def _complete(task, actor, **data):
    """Finish an open task (a person's, or a Handle) and let the flow go on, recording ``data`` first."""
    node = task.flow_task
    if isinstance(node, Handle):
        node.run(task, **data)
        return
    with task.activation() as activation:
        if data:
            activation.process.data = {**(activation.process.data or {}), **data}
            activation.process.save(update_fields=["data"])
        if activation.task.status == STATUS.NEW:
            activation.assign(actor if actor is not None and actor.is_authenticated else None)
        if activation.task.status == STATUS.ASSIGNED:
            if actor is not None and actor.is_authenticated and activation.task.owner_id != actor.pk:
                activation.task.owner = actor
            activation.start(None)
        activation.execute()


def _advance(process, node, actor, **data) -> bool:
    task = _open_task(process, node) if process is not None else None
    if task is None:
        return False
    _complete(task, actor, **data)
    return True


def _close(process, status=PROCESS.DONE):
    """End a process whatever tasks it still has open (a case settled or withdrawn)."""
    now = timezone.now()
    for task in Task.objects.filter(process=process, status__in=OPEN):
        task.status, task.finished = STATUS.CANCELED, now
        task.save(update_fields=["status", "finished"])
    process.status, process.finished = status, now
    process.save(update_fields=["status", "finished"])


def start_for(case, actor=None):
    """Start the main flow of a case that entered the tier (called by the chain router)."""
    if _processes(case, AdjudicationFlow).exists():
        return _processes(case, AdjudicationFlow).first()
    return AdjudicationFlow.start.run(case=case)


def _main(case):
    return _processes(case, AdjudicationFlow).first()


def _side(flow_class, case, **data):
    return _processes(case, flow_class, **data).first()


def on_event(*, case, event, actor=None, **data):  # noqa: C901 - one dispatch table, read top to bottom
    """Advance the flows of ``case`` after the service that sent ``event`` changed the business."""
    main = _main(case)
    flows = AdjudicationFlow
    if event == ev.REVIEW_SUBMITTED:
        _advance(main, flows.review, actor)
    elif event == ev.FILING_DECIDED:
        _advance(main, flows.approve_filing, actor, filing=data["outcome"])
    elif event == ev.PANEL_APPOINTED:
        if data.get("complete"):
            _advance(main, flows.appoint_panel, actor)
            for process in _processes(case, RecusalFlow):
                _advance(process, RecusalFlow.replace, actor)
    elif event == ev.REQUEST_SERVED:
        party = data["party"]
        if _side(AnswerFlow, case, party=party.pk) is None:
            AnswerFlow.start.run(case=case, party=party.pk)
        if data.get("all_served"):
            _advance(main, flows.serve_request, actor)
    elif event == ev.ANSWER_RECEIVED:
        party, answer = data["party"], data["answer"]
        process = next((p for p in _processes(case, AnswerFlow, party=party.pk)
                        if _open_task(p, AnswerFlow.await_answer)), None)
        if process is None:  # a late (or supplementary) answer: its forwarding is a task all the same
            process = AnswerFlow.start.run(case=case, party=party.pk)
        _advance(process, AnswerFlow.await_answer, actor, answer=answer.pk)
    elif event == ev.ANSWER_LAPSED:
        for process in _processes(case, AnswerFlow, party=data["party"].pk):
            _advance(process, AnswerFlow.await_answer, actor, answer=None)
    elif event == ev.ANSWER_FORWARDED:
        _advance(_side(AnswerFlow, case, answer=data["answer"].pk), AnswerFlow.forward_answer, actor)
    elif event == ev.QUESTION_ASKED:
        TechnicalOpinionFlow.start.run(case=case, question=data["question"].pk)
    elif event == ev.QUESTION_CLOSED:
        process = _side(TechnicalOpinionFlow, case, question=data["question"].pk)
        if process is not None and not _advance(process, TechnicalOpinionFlow.opinion, actor):
            _close(process, PROCESS.CANCELED)
    elif event == ev.EXTENSION_REQUESTED:
        ExtensionFlow.start.run(case=case, request=data["request"].pk)
    elif event == ev.EXTENSION_DECIDED:
        _advance(_side(ExtensionFlow, case, request=data["request"].pk), ExtensionFlow.approve, actor)
    elif event == ev.SUSPENSION_REQUESTED:
        SuspensionFlow.start.run(case=case, request=data["request"].pk)
    elif event == ev.SUSPENSION_DECIDED:
        _advance(_side(SuspensionFlow, case, request=data["request"].pk), SuspensionFlow.decide, actor,
                 granted=bool(data["granted"]))
    elif event == ev.RESUMED:
        _advance(_side(SuspensionFlow, case, request=data["request"].pk), SuspensionFlow.resume, actor)
    elif event == ev.RECUSAL_RAISED:
        RecusalFlow.start.run(case=case, recusal=data["recusal"].pk)
    elif event == ev.RECUSAL_DECIDED:
        replace = bool(data["granted"]) and not data.get("panel_complete")
        _advance(_side(RecusalFlow, case, recusal=data["recusal"].pk), RecusalFlow.decide, actor, replace=replace)
    elif event == ev.DECISION_SUBMITTED:
        _advance(main, flows.examine, actor, examine="decision")
    elif event == ev.SETTLED:
        if not _advance(main, flows.examine, actor, examine="settled") and main is not None:
            _close(main)
        _close_side_flows(case)
    elif event == ev.DECISION_DECIDED:
        _advance(main, flows.approve_decision, actor, decision=data["outcome"])
        if data["outcome"] == "approved":
            _close_side_flows(case, keep=(AnswerFlow,))
    elif event == ev.DECISION_SERVED:
        _advance(main, flows.serve_decision, actor)
    elif event == ev.SUIT_FILED:
        _advance(main, flows.suit_window, actor, suit="sued")
        _close_side_flows(case)
    elif event == ev.DECISION_FINAL:
        _advance(main, flows.suit_window, actor, suit="none", follow_up=bool(data.get("follow_up")))
        _close_side_flows(case)
    elif event == ev.PERFORMANCE_CLOSED:
        _advance(main, flows.follow_up, actor)
    elif event == ev.CLOSED:
        for flow_class in FLOWS:
            for process in _processes(case, flow_class):
                _close(process, PROCESS.CANCELED)


def _close_side_flows(case, keep=()):
    for flow_class in FLOWS:
        if flow_class is AdjudicationFlow or flow_class in keep:
            continue
        for process in _processes(case, flow_class):
            _close(process, PROCESS.CANCELED)


def close_finished_cases() -> int:
    """Cancel the open processes of cases that ended outside the tier (a withdrawal); for the timer."""
    from cases.models import TERMINAL_STATUSES

    processes = AdjudicationProcess.objects.filter(
        status=PROCESS.NEW, case__status__in=TERMINAL_STATUSES,
    ).exclude(case__status__in=["adjudicated", "refused", "mediated"])
    count = 0
    for process in processes:
        _close(process, PROCESS.CANCELED)
        count += 1
    return count


# ---------- reading: open steps, queues ----------

@dataclass(frozen=True)
class Step:
    """An open task: what is to be done, by which role (or the panel, or a named person), since when."""

    title: str
    role: str
    since: datetime
    owner_id: int | None
    flow: str
    node: str
    data: dict


def nodes_for(roles):
    """Every human node of the tier's flows whose role is one of ``roles``."""
    roles = {str(r) for r in roles}
    return [node for flow_class in FLOWS for node in flow_class.instance.nodes()
            if str(getattr(node, "adj_role", "")) in roles]


def open_steps(case_ids) -> dict:
    """``{case_id: [Step, ...]}``: the open user tasks of those cases, oldest first (two queries)."""
    out = defaultdict(list)
    if not case_ids:
        return out
    tasks = (Task.objects.filter(process__adjudicationprocess__case_id__in=case_ids, status__in=OPEN,
                                 flow_task_type="HUMAN")
             .select_related("process", "process__adjudicationprocess").order_by("created", "pk"))
    for task in tasks:
        node = task.flow_task
        out[task.process.adjudicationprocess.case_id].append(Step(
            title=str(node.task_title), role=str(getattr(node, "adj_role", "")), since=task.created,
            owner_id=task.owner_id, flow=task.process.flow_class.__name__, node=node.name,
            data=dict(task.process.data or {}),
        ))
    return out


def cases_waiting(roles, user=None):
    """Ids of cases with an open task for one of ``roles`` (for person-assigned tasks: ``user``'s)."""
    qs = Task.objects.filter(flow_task__in=nodes_for(roles), status__in=OPEN)
    if user is not None:
        qs = qs.filter(Q(owner__isnull=True) | Q(owner=user))
    return qs.values("process__adjudicationprocess__case_id")


def processes_of(case):
    """Every process of ``case`` (open and closed), main flow first, for the chart page."""
    order = {flow_class: i for i, flow_class in enumerate(FLOWS)}
    rows = list(AdjudicationProcess.objects.filter(case_id=case.pk))
    return sorted(rows, key=lambda p: (order.get(p.flow_class, 99), p.pk))
