"""快调 as a viewflow process: who acts next, from the consent of the respondent to the follow-up.

Every human step is a ``flow.View`` completed by the mediation service that does the work
(``mediation.flow.flow_finish``); the gateways read the business state the service left
(``Case.status``, the assignment, the agreement) to choose the next step. Nothing here
writes business data. The director sees the flow, and where each case stands in it, as
viewflow's chart (``mediation.views.flow_chart``).

::

    start ─ 来源? ─ 法院委派 ───────────────┐
              └─ 征询调解意愿 ─ 同意? ─ 否 ─┼──────────────────────────────── 调解终止
                                     └─ 是 ─ 指派调解员 ─ 调解员接受指派 ─ 接受? ─ 谢绝 ─┘(重新指派)
                                                                         └─ 组织调解 ─ 结果?
              结果? ─ 协议确认稿 ─ 当事人确认协议 ─ 调解员签名 ─ 调委会盖章 ─┬─ 履行回访 ────┬─ 调解成功
                  ├─ 回避/退回 → 指派调解员                                  └─ 申请司法确认 ┘
                  └─ 调解不成 → 调解终止
"""
from django.shortcuts import get_object_or_404, redirect
from viewflow import this
from viewflow.workflow import flow, lock

from cases.models import Case, CaseSource, CaseStatus
from mediation.models import ACTIVE_ASSIGNMENT, MediationAgreement, MediationAssignment, MediationProcess

MEDIATION_OPEN = (CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING)


def task_view(request, process_pk, task_pk, **kwargs):
    """Every step is worked on the case's mediation page; a task link lands there."""
    process = get_object_or_404(MediationProcess, pk=process_pk)
    return redirect("mediation:work", case_id=process.case_id)


def _status(activation) -> str:
    return Case.objects.values_list("status", flat=True).get(pk=activation.process.case_id)


def _agreement_status(activation):
    return (MediationAgreement.objects.filter(case_id=activation.process.case_id)
            .exclude(status=MediationAgreement.Status.VOID).values_list("status", flat=True).first())


def _assignment(activation, *statuses):
    return (MediationAssignment.objects.filter(case_id=activation.process.case_id, status__in=statuses)
            .select_related("mediator").order_by("-created_at", "-id").first())


class MediationFlow(flow.Flow):
    """快调 · 人民调解

    被申请人同意后由调委会指派调解员，组织调解；达成协议的，经各方确认、调解员签名、调委会盖章后生效，可以申请司法确认，并回访履行情况；调解不成或被申请人不同意的，终止调解。
    """

    process_class = MediationProcess
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Annotation(title="进入调解").Next(this.entry)
    entry = (
        flow.Switch().Annotation(title="案件来源")
        .Case(this.assign, this.is_delegated)
        .Default(this.consent)
    )
    consent = (
        flow.View(task_view).Annotation(title="征询调解意愿", description="被申请人3个工作日内答复是否同意调解")
        .Next(this.consent_given)
    )
    consent_given = (
        flow.Switch().Annotation(title="是否同意调解")
        .Case(this.assign, this.awaiting_mediator)
        .Default(this.terminated)
    )
    assign = (
        flow.View(task_view).Annotation(title="指派调解员", description="调委会主任按专长和工作量指派，或调解员认领")
        .Next(this.assigned)
    )
    assigned = flow.Switch().Annotation(title="已指派").Case(this.terminated, this.is_closed).Default(this.accept)
    accept = (
        flow.View(task_view).Assign(this.offered_mediator)
        .Annotation(title="接受指派", description="调解员3个工作日内接受或谢绝，并作回避声明")
        .Next(this.accepted)
    )
    accepted = (
        flow.Switch().Annotation(title="是否接受")
        .Case(this.mediate, this.is_mediating)
        .Case(this.terminated, this.is_closed)
        .Default(this.assign)
    )
    mediate = (
        flow.View(task_view).Assign(this.handling_mediator)
        .Annotation(title="组织调解", description="调解会议、笔录、草拟调解协议；期限30日，可经双方同意延长")
        .Next(this.outcome)
    )
    outcome = (
        flow.Switch().Annotation(title="调解结果")
        .Case(this.confirm, this.agreement_confirming)
        .Case(this.assign, this.awaiting_mediator)
        .Default(this.terminated)
    )
    confirm = (
        flow.View(task_view).Annotation(title="当事人确认", description="各方当事人验证密码后在线确认协议")
        .Next(this.confirmed)
    )
    confirmed = (
        flow.Switch().Annotation(title="均已确认")
        .Case(this.sign, this.agreement_confirmed)
        .Case(this.mediate, this.is_mediating)
        .Case(this.assign, this.awaiting_mediator)
        .Default(this.terminated)
    )
    sign = flow.View(task_view).Assign(this.handling_mediator).Annotation(title="调解员签名").Next(this.seal)
    seal = (
        flow.View(task_view).Annotation(title="调委会盖章", description="协议生效，每方当事人一份")
        .Next(this.effective)
    )
    effective = flow.Split().Annotation(title="协议生效").Always(this.follow_up).Always(this.judicial)
    follow_up = (
        flow.View(task_view).Assign(this.follow_up_mediator)
        .Annotation(title="履行回访", description="履行期限届至时回访履行情况").Next(this.done)
    )
    judicial = (
        flow.View(task_view).Annotation(title="司法确认", description="生效后30日内双方共同申请，不适用于权属、效力")
        .Next(this.done)
    )
    done = flow.Join().Annotation(title="回访和确认完成").Next(this.mediated)
    mediated = flow.End().Annotation(title="调解成功")
    terminated = flow.End().Annotation(title="调解终止")

    # -- the process and its owners --------------------------------------------------------------

    def start_process(self, activation, case):
        activation.process.case = case
        return activation.process

    def offered_mediator(self, activation):
        assignment = _assignment(activation, *ACTIVE_ASSIGNMENT)
        return assignment.mediator if assignment else None

    def handling_mediator(self, activation):
        assignment = _assignment(activation, MediationAssignment.Status.ACCEPTED)
        return assignment.mediator if assignment else None

    def follow_up_mediator(self, activation):
        assignment = _assignment(activation, MediationAssignment.Status.ACCEPTED, MediationAssignment.Status.ENDED)
        return assignment.mediator if assignment else None

    # -- the gateways' conditions (business state) ------------------------------------------------

    def is_delegated(self, activation) -> bool:
        source = Case.objects.values_list("source", flat=True).get(pk=activation.process.case_id)
        return source in (CaseSource.COURT_DELEGATED, CaseSource.COURT_ENTRUSTED)

    def awaiting_mediator(self, activation) -> bool:
        return _status(activation) == CaseStatus.MEDIATION_ASSIGNMENT

    def is_mediating(self, activation) -> bool:
        return _status(activation) == CaseStatus.MEDIATING

    def is_closed(self, activation) -> bool:
        return _status(activation) not in MEDIATION_OPEN

    def agreement_confirming(self, activation) -> bool:
        return _status(activation) == CaseStatus.MEDIATING and \
            _agreement_status(activation) == MediationAgreement.Status.CONFIRMING

    def agreement_confirmed(self, activation) -> bool:
        return _status(activation) == CaseStatus.MEDIATING and \
            _agreement_status(activation) == MediationAgreement.Status.CONFIRMED
