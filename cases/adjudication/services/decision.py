"""行政裁决书: drafted by the panel, approved by the chief, issued and served; then a suit within
15 days moves the case to the tribunal, or it becomes final and its performance is followed up."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication import flowlink
from cases.adjudication.models import (
    DamagesMediation,
    Decision,
    ExtensionRequest,
    Hearing,
    Performance,
    Suit,
    SuspensionRequest,
    TechnicalQuestion,
)
from cases.adjudication.services import _common as c
from cases.adjudication.services.filing import refresh_repeat_flag
from cases.documents.models import DocumentType
from cases.models import CaseStatus, Deadline, Party, Role
from cases.services import case_change_status, event_record
from cases.services.deadlines import deadline_complete, deadline_open

S = CaseStatus
Act = Decision.Act


def order_text(case, infringement_found: bool, acts, product="") -> str:
    """裁决主文. The decision may only order the infringer to stop: the text is built here, not typed."""
    applicants = "、".join(p.name for p in c.parties(case, Party.PartyRole.APPLICANT))
    if not infringement_found:
        return _("驳回请求人%(applicants)s的请求。") % {"applicants": applicants}
    respondents = "、".join(p.name for p in c.parties(case, Party.PartyRole.RESPONDENT))
    rights = "、".join(f"{r.get_kind_display()}（专利号：{r.number}）" if r.number else r.get_kind_display()
                      for r in case.ip_rights.filter(kind__in=("invention_patent", "utility_model", "design_patent")))
    act_text = "、".join(str(Act(a).label) for a in Act.values if a in acts)
    thing = product or _("侵犯该专利权的产品")
    return _("责令被请求人%(respondents)s立即停止侵犯请求人%(applicants)s%(rights)s专利权的行为，"
             "即停止%(acts)s%(thing)s。") % {
        "respondents": respondents, "applicants": applicants, "rights": rights, "acts": act_text, "thing": thing}


def _clean_acts(acts, found, case):
    acts = list(dict.fromkeys(acts or []))
    if any(a not in Act.values for a in acts):
        raise c.invalid(_("请选择有效的侵权行为。"), "acts")
    if found and not acts:
        raise c.invalid(_("认定侵权成立的，请选择责令停止的行为。"), "acts")
    if found and Act.USE in acts and case.ip_rights.filter(kind="design_patent").exists() and not \
            case.ip_rights.exclude(kind="design_patent").filter(
                kind__in=("invention_patent", "utility_model")).exists():
        raise c.invalid(_("外观设计专利权不包括“使用”行为，请不要选择“使用”。"), "acts")
    return [a for a in Act.values if a in acts] if found else []


def _is_panel_member(actor, adj) -> bool:
    return actor.is_superuser or adj.panel.filter(active=True, user=actor).exists()


def _ready_for_decision(adj):
    """What must be finished before a decision goes to the chief; a clear message for each."""
    case = adj.case
    if adj.technical_questions.filter(state=TechnicalQuestion.State.OPEN).exists():
        raise c.conflict(_("还有技术调查意见尚未出具，请等待意见或撤回征询后再提交裁决。"))
    if adj.mediations.filter(state=DamagesMediation.State.ONGOING).exists():
        raise c.conflict(_("赔偿调解正在进行中，请先结束调解。"))
    if adj.hearings.filter(state=Hearing.State.SCHEDULED).exists():
        raise c.conflict(_("已通知的口头审理尚未进行，请先记录笔录或延期。"))
    if adj.suspensions.filter(state=SuspensionRequest.State.PENDING).exists():
        raise c.conflict(_("中止处理申请尚未决定。"))
    if adj.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        raise c.conflict(_("延长期限申请尚未审批。"))
    running = Deadline.objects.filter(case=case, kind__startswith=f"{c.K_ANSWER}:", state=Deadline.State.RUNNING)
    if running.exists():
        raise c.conflict(_("被请求人的答辩期尚未届满（至%(due)s），届满后再提交裁决。") % {
            "due": c.ui_date(running.order_by("-due_date").first().due_date)})
    respondents = set(Party.objects.filter(case=case, role=Party.PartyRole.RESPONDENT).values_list("pk", flat=True))
    from cases.adjudication.services.serving import _served_parties, current_answer_notice

    notice = current_answer_notice(case)
    if notice is None or not respondents <= _served_parties(notice):
        raise c.conflict(_("答辩通知书尚未送达全部被请求人。"))
    if adj.answers.filter(forwarded_at__isnull=True).exists():
        raise c.conflict(_("还有答辩书尚未转送请求人。"))


@transaction.atomic
def adjudication_draft_decision(*, actor, case, infringement_found, facts, reasoning, acts=(), product="",
                                submit=False) -> Decision:
    """起草 (or revise) the decision; with ``submit`` it goes to the chief for approval."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    if not _is_panel_member(actor, adj):
        raise c.invalid(_("只有合议组成员可以起草裁决书。"), "actor")
    c.require_panel(adj)
    decision = Decision.objects.select_for_update().filter(adjudication=adj).first()
    if decision is not None and decision.state != Decision.State.DRAFT:
        raise c.conflict(_("裁决书已提交负责人审批，不能修改。"))
    if not isinstance(infringement_found, bool):
        raise c.invalid(_("请选择是否认定侵权成立。"), "infringement_found")
    facts = c.clean_text(facts, "facts", _("经审理查明的事实"), max_length=20000)
    reasoning = c.clean_text(reasoning, "reasoning", _("裁决理由"), max_length=20000)
    product = c.clean_text(product, "product", _("被控侵权产品"), required=False, max_length=200)
    acts = _clean_acts(acts, infringement_found, adj.case)
    fields = {"infringement_found": infringement_found, "acts": acts, "product": product, "facts": facts,
              "reasoning": reasoning, "order": order_text(adj.case, infringement_found, acts, product),
              "drafted_by": actor, "drafted_at": timezone.now()}
    if decision is None:
        decision = Decision.objects.create(adjudication=adj, **fields)
    else:
        for key, value in fields.items():
            setattr(decision, key, value)
        decision.save()
    if submit:
        _ready_for_decision(adj)
        decision.state, decision.submitted_at = Decision.State.SUBMITTED, timezone.now()
        decision.save(update_fields=["state", "submitted_at"])
        event_record(case=adj.case, actor=actor, kind="adjudication_decision_submitted",
                     message=_("合议组提交裁决书，报负责人审批"), after={"decision": decision.pk})
        c.signal(adj, flowlink.DECISION_SUBMITTED, actor)
    return decision


@transaction.atomic
def adjudication_decide_decision(*, actor, case, approve: bool, note="") -> Decision:
    """The chief approves (the 行政裁决书 is issued) or returns the draft to the panel."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    decision = Decision.objects.select_for_update().filter(adjudication=adj, state=Decision.State.SUBMITTED).first()
    if decision is None:
        raise c.conflict(_("没有待审批的裁决书。"))
    note = c.clean_text(note, "note", _("审批意见"), required=not approve, max_length=2000)
    if not approve:
        decision.state, decision.return_note = Decision.State.DRAFT, note
        decision.save(update_fields=["state", "return_note"])
        event_record(case=adj.case, actor=actor, kind="adjudication_decision_returned", message=note,
                     after={"decision": decision.pk})
        c.signal(adj, flowlink.DECISION_DECIDED, actor, outcome="returned")
        return decision
    _ready_for_decision(adj)
    case_change_status(case=adj.case, actor=actor, to=S.ADJUDICATION_DECIDED, reason=_("作出行政裁决"))
    c.complete(adj.case, c.K_LIMIT, actor)
    decision.state, decision.approved_by, decision.approved_at = Decision.State.ISSUED, actor, timezone.now()
    decision.return_note = ""
    decision.save(update_fields=["state", "approved_by", "approved_at", "return_note"])
    adj.decided_at = decision.approved_at
    adj.save(update_fields=["decided_at"])
    decision.document = c.issue(actor, adj, DocumentType.ADJUDICATION_DECISION, {
        "decision": decision, "panel": c.active_panel(adj), "suit_days": c.conf("SUIT_DAYS"),
        "answers": list(adj.answers.select_related("party")),
        "hearings": list(adj.hearings.filter(state=Hearing.State.HELD)),
        "received_on": timezone.localdate(adj.received_at),
        "filed_on": timezone.localdate(adj.filed_at) if adj.filed_at else None,
    })
    decision.save(update_fields=["document"])
    event_record(
        case=adj.case, actor=actor, kind="adjudication_decided", public=True,
        message=(_("作出行政裁决：认定侵权成立，责令停止侵权") if decision.infringement_found
                 else _("作出行政裁决：驳回请求")),
        after={"decision": decision.pk, "document": decision.document_id, "infringement": decision.infringement_found},
    )
    c.notify_parties(adj.case, key=f"adj-decided-{decision.pk}", subject=_("已作出行政裁决"),
                     body=_("%(case)s已作出行政裁决，行政裁决书将依法送达。") % {"case": adj.case.number})
    if decision.infringement_found:
        _flag_other_cases(adj, actor)
    c.signal(adj, flowlink.DECISION_DECIDED, actor, outcome="approved")
    c.sync_case(case, adj.case)
    return decision


def _flag_other_cases(adj, actor):
    """A respondent found infringing here is a repeat infringer in its other open cases."""
    from cases.adjudication.models import Adjudication

    codes = list(Party.objects.filter(case=adj.case, role=Party.PartyRole.RESPONDENT).exclude(credit_code="")
                 .values_list("credit_code", flat=True))
    others = (Adjudication.objects.filter(case__status__in=c.OPEN_STATUSES,
                                          case__parties__role=Party.PartyRole.RESPONDENT,
                                          case__parties__credit_code__in=codes)
              .exclude(pk=adj.pk).select_related("case").distinct())
    for other in others:
        refresh_repeat_flag(other, actor)


@transaction.atomic
def adjudication_record_suit(*, actor, case, party, court, filed_on, court_reference="") -> Suit:
    """A party sued against the decision within the window (the router then moves the case to the tribunal)."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATION_DECIDED)
    c.party_of(adj.case, party, Party.PartyRole.APPLICANT, Party.PartyRole.RESPONDENT)
    if party.user_id != actor.pk and not c.is_staff_of(actor, adj):
        raise c.invalid(_("只能以本人作为当事人的身份登记起诉。"), "party")
    court = c.clean_text(court, "court", _("受诉法院"), max_length=100)
    court_reference = c.clean_text(court_reference, "court_reference", _("法院案号"), required=False, max_length=60)
    if filed_on is None:
        raise c.invalid(_("请填写起诉日期。"), "filed_on", code="required")
    if filed_on > c.today():
        raise c.invalid(_("起诉日期不能晚于今天。"), "filed_on")
    decided_on = timezone.localdate(adj.decided_at)
    if filed_on < decided_on:
        raise c.invalid(_("起诉日期不能早于裁决日期（%(date)s）。") % {"date": c.ui_date(decided_on)}, "filed_on")
    window = Deadline.objects.filter(case=adj.case, kind=c.K_SUIT).order_by("-id").first()
    if window is not None and filed_on > window.due_date:
        raise c.invalid(_("起诉期已于%(date)s届满，不能再登记起诉。") % {"date": c.ui_date(window.due_date)},
                        "filed_on")
    suit = Suit.objects.create(adjudication=adj, party=party, court=court, court_reference=court_reference,
                               filed_on=filed_on, recorded_by=actor)
    if window is not None and window.state == Deadline.State.RUNNING:
        deadline_complete(deadline=window, actor=actor)
    adj.transferred_at = timezone.now()
    adj.save(update_fields=["transferred_at"])
    event_record(
        case=adj.case, actor=actor, kind="adjudication_suit", public=True,
        message=_("%(name)s于%(date)s向%(court)s起诉%(ref)s，案件移送人民法院") % {
            "name": party.name, "date": c.cn_date(filed_on), "court": court,
            "ref": f"（{court_reference}）" if court_reference else ""},
        after={"suit": suit.pk, "court": court, "court_reference": court_reference},
    )
    c.signal(adj, flowlink.SUIT_FILED, actor)
    return suit


@transaction.atomic
def adjudication_make_final(*, actor=None, case, today=None) -> Performance | None:
    """No suit within the window: the decision is final (裁决生效); an order to stop is followed up.

    Idempotent for the timer: returns None (and changes nothing) when the window has not ended.
    """
    adj = c.lock(case)
    today = today or c.today()
    if adj.case.status != S.ADJUDICATION_DECIDED:
        raise c.conflict(_("案件当前状态为“%(status)s”，不能确认裁决生效。") % {
            "status": adj.case.get_status_display()})
    window = Deadline.objects.filter(case=adj.case, kind=c.K_SUIT).order_by("-id").first()
    if window is None:
        raise c.conflict(_("行政裁决书尚未送达全部当事人，起诉期尚未开始计算。"))
    if window.due_date >= today:
        raise c.conflict(_("起诉期至%(date)s届满，届满后裁决方生效。") % {"date": c.ui_date(window.due_date)})
    if window.state == Deadline.State.RUNNING:
        deadline_complete(deadline=window, actor=actor)
    case_change_status(case=adj.case, actor=actor, to=S.ADJUDICATED, reason=_("起诉期届满，当事人未起诉，裁决生效"))
    adj.final_at = timezone.now()
    adj.save(update_fields=["final_at"])
    decision = adj.decision
    performance = None
    if decision.infringement_found:
        performance = Performance.objects.create(adjudication=adj)
        performance.deadline = deadline_open(
            case=adj.case, kind=c.K_FOLLOW_UP, label=_("裁决履行情况跟踪"), unit=Deadline.Unit.DAYS,
            length=c.conf("FOLLOW_UP_DAYS"), start_date=today, actor=actor,
            responsible_role=Role.ENFORCEMENT_OFFICER, assignee=adj.handler, after_closure=True,
        )
        performance.save(update_fields=["deadline"])
    event_record(case=adj.case, actor=actor, kind="adjudication_final", public=True,
                 message=_("起诉期届满，当事人未起诉，行政裁决生效") + (
                     _("；跟踪被请求人停止侵权的情况") if performance else ""),
                 after={"performance": getattr(performance, "pk", None)})
    c.notify_parties(adj.case, key=f"adj-final-{adj.pk}", subject=_("行政裁决已生效"),
                     body=_("%(case)s的行政裁决已生效。") % {"case": adj.case.number})
    c.signal(adj, flowlink.DECISION_FINAL, actor, follow_up=performance is not None)
    c.sync_case(case, adj.case)
    return performance


@transaction.atomic
def adjudication_close_performance(*, actor, case, performed: bool, note) -> Performance:
    """履行跟踪 result: the infringer stopped, or not (the office may apply to the court for enforcement)."""
    adj = c.lock(case)
    performance = Performance.objects.select_for_update().filter(adjudication=adj).first()
    if performance is None:
        raise c.conflict(_("本案没有需要跟踪履行的裁决。"))
    if performance.state != Performance.State.FOLLOWING:
        raise c.conflict(_("履行情况已经登记。"))
    note = c.clean_text(note, "note", _("跟踪情况"), max_length=2000)
    performance.state = Performance.State.PERFORMED if performed else Performance.State.NOT_PERFORMED
    performance.note, performance.checked_by, performance.checked_at = note, actor, timezone.now()
    performance.save(update_fields=["state", "note", "checked_by", "checked_at"])
    if performance.deadline_id and performance.deadline.state == Deadline.State.RUNNING:
        deadline_complete(deadline=performance.deadline, actor=actor)
    event_record(case=adj.case, actor=actor, kind="adjudication_performance", public=True,
                 message=_("履行情况：%(state)s。%(note)s") % {"state": performance.get_state_display(), "note": note},
                 after={"performance": performance.pk, "performed": performed})
    c.signal(adj, flowlink.PERFORMANCE_CLOSED, actor)
    return performance
