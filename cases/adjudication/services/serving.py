"""送达 and 答辩: the 答辩通知书 to the respondent, the answer, its forwarding to the requester.

Every service of a document is recorded (method, time) with ``cases.documents.services``;
confirming receipt issues its 送达回证. The answer period runs from the respondent's receipt;
a late answer is recorded and marked, and stops nothing.
"""
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication import flowlink
from cases.adjudication.models import Answer, Decision
from cases.adjudication.services import _common as c
from cases.documents.models import Document, DocumentType, Service
from cases.documents.services import ELECTRONIC_METHODS, service_confirm_receipt, service_record
from cases.models import CaseStatus, Deadline, Party, Role
from cases.services import event_record
from cases.services.deadlines import deadline_cancel, deadline_complete, deadline_open

S = CaseStatus
ANSWER_MAX_CHARS = 5000
SERVABLE_TYPES = frozenset({
    DocumentType.FILING_NOTICE, DocumentType.ANSWER_NOTICE, DocumentType.HEARING_NOTICE,
    DocumentType.SUSPENSION_NOTICE, DocumentType.RESUMPTION_NOTICE, DocumentType.ADJUDICATION_DECISION,
    DocumentType.REFUSAL_NOTICE, DocumentType.MEDIATION_AGREEMENT,
})


def answer_kind(party) -> str:
    return f"{c.K_ANSWER}:{party.pk}"


def current_answer_notice(case):
    return (Document.objects.filter(case=case, doc_type=DocumentType.ANSWER_NOTICE, series="",
                                    superseded_by__isnull=True).order_by("-version").first())


def _served_parties(document) -> set[int]:
    return set(Service.objects.filter(document=document).exclude(party=None).values_list("party_id", flat=True))


def _received_parties(document) -> dict[int, datetime]:
    rows = Service.objects.filter(document=document, received_at__isnull=False).exclude(party=None)
    out: dict[int, datetime] = {}
    for party_id, received in rows.values_list("party_id", "received_at"):
        out[party_id] = min(received, out.get(party_id, received))
    return out


def _check_time(value, field, label, *, not_before=None):
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + timedelta(minutes=5):
        raise c.invalid(_("%(label)s不能晚于当前时间。") % {"label": label}, field)
    if not_before is not None and value < not_before:
        raise c.invalid(_("签收时间不能早于送达时间。"), field)
    return value


@transaction.atomic
def adjudication_issue_answer_notice(*, actor, case) -> Document:
    """Issue the 答辩通知书 (with a copy of the request) addressed to the respondents."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    existing = current_answer_notice(adj.case)
    if existing is not None:
        return existing
    return c.issue(actor, adj, DocumentType.ANSWER_NOTICE, {
        "answer_days": c.conf("ANSWER_DAYS"), "filed_on": timezone.localdate(adj.filed_at) if adj.filed_at else None,
    })


@transaction.atomic
def adjudication_serve(*, actor, case, document, party, method, sent_at=None, received_at=None, note="") -> Service:
    """Record that ``document`` was sent to ``party`` by ``method``; with ``received_at`` (or an
    electronic method, which takes effect on arrival) the receipt too, with its 送达回证."""
    adj = c.lock(case)
    c.require_status(adj.case, *c.OPEN_STATUSES, S.REFUSED, S.MEDIATED)
    if document is None or document.case_id != adj.case.pk or document.doc_type not in SERVABLE_TYPES:
        raise c.invalid(_("请选择本案需要送达的文书。"), "document")
    if document.superseded_by_id is not None:
        raise c.invalid(_("该文书已被新版本替代，请送达新版本。"), "document")
    c.party_of(adj.case, party, *c.PARTY_ROLES)
    if method not in Service.Method.values:
        raise c.invalid(_("请选择送达方式。"), "method")
    if Service.objects.filter(document=document, party=party).exists():
        raise c.conflict(_("该文书已向%(name)s送达，无需重复登记。") % {"name": party.name})
    sent_at = _check_time(sent_at, "sent_at", _("送达时间"))
    received_at = _check_time(received_at, "received_at", _("签收时间"), not_before=sent_at)
    sent_at = sent_at or received_at or timezone.now()  # served in person: sent and received at once
    if received_at is None and method in ELECTRONIC_METHODS:
        received_at = sent_at  # electronic service takes effect when it reaches the recipient's system
    service = service_record(actor=actor, document=document, party=party, method=method, sent_at=sent_at)
    if document.public:
        _notify_served(adj, party, document, service)
    _after_sent(adj, document, party, actor)
    if received_at is not None:
        service_confirm_receipt(actor=actor, service=service, received_at=received_at, note=note)
        _after_received(adj, document, party, received_at, actor)
    return service


@transaction.atomic
def adjudication_confirm_receipt(*, actor, case, service, received_at=None, note="") -> Service:
    """签收: the recipient received the document (issues the 送达回证)."""
    adj = c.lock(case)
    service = Service.objects.select_related("document", "party").get(pk=service.pk)
    if service.document.case_id != adj.case.pk:
        raise c.invalid(_("该送达记录不属于本案。"), "service")
    if service.received_at is not None:
        raise c.conflict(_("该送达已确认签收。"))
    received_at = _check_time(received_at, "received_at", _("签收时间"), not_before=service.sent_at) or timezone.now()
    service_confirm_receipt(actor=actor, service=service, received_at=received_at, note=note)
    if service.party is not None:
        _after_received(adj, service.document, service.party, received_at, actor)
    return service


def _notify_served(adj, party, document, service):
    """The party (or the agents acting for it) is told a document was served on it."""
    from cases import notifications

    for person in Party.objects.filter(case=adj.case).filter(Q(pk=party.pk) | Q(represents=party)):
        notifications.notify(
            key=f"adj-served-{service.pk}:party{person.pk}", case=adj.case, user=person.user, phone=person.phone,
            email=person.email, subject=_("文书送达"),
            body=_("%(case)s的%(title)s（%(number)s）已向您送达，请登录知识产权纠纷多元化解平台查看。") % {
                "case": adj.case.number, "title": document.title, "number": document.number},
            link=f"/cases/{adj.case_id}/",
        )


def _after_sent(adj, document, party, actor):
    if document.doc_type == DocumentType.ANSWER_NOTICE and party.role == Party.PartyRole.RESPONDENT:
        respondents = set(Party.objects.filter(case=adj.case, role=Party.PartyRole.RESPONDENT)
                          .values_list("pk", flat=True))
        all_served = respondents <= _served_parties(document)
        if all_served:
            c.complete(adj.case, c.K_SERVE, actor)
        c.signal(adj, flowlink.REQUEST_SERVED, actor, party=party, all_served=all_served)


def _after_received(adj, document, party, received_at, actor):
    if document.doc_type == DocumentType.ANSWER_NOTICE and party.role == Party.PartyRole.RESPONDENT:
        if c.open_deadline(adj.case, answer_kind(party)) is None and not adj.answers.filter(party=party).exists():
            deadline_open(
                case=adj.case, kind=answer_kind(party), label=_("%(name)s答辩期") % {"name": party.name},
                unit=Deadline.Unit.DAYS, length=c.conf("ANSWER_DAYS"), start_date=timezone.localdate(received_at),
                actor=actor, responsible_role=Role.RESPONDENT,
            )
    elif document.doc_type == DocumentType.ADJUDICATION_DECISION:
        _decision_received(adj, document, actor)


def _decision_received(adj, document, actor):
    decision = Decision.objects.select_for_update().filter(adjudication=adj, document=document).first()
    if decision is None or decision.served_at is not None:
        return
    everyone = set(Party.objects.filter(case=adj.case, role__in=(Party.PartyRole.APPLICANT,
                                                                  Party.PartyRole.RESPONDENT))
                   .values_list("pk", flat=True))
    received = _received_parties(document)
    if not everyone <= set(received):
        return
    last = max(received[p] for p in everyone)
    decision.served_at = timezone.now()
    decision.save(update_fields=["served_at"])
    window = deadline_open(
        case=adj.case, kind=c.K_SUIT, label=_("当事人不服裁决的起诉期"), unit=Deadline.Unit.DAYS,
        length=c.conf("SUIT_DAYS"), start_date=timezone.localdate(last), actor=actor,
        responsible_role=Role.ENFORCEMENT_OFFICER,
    )
    event_record(
        case=adj.case, actor=actor, kind="adjudication_decision_served", public=True,
        message=_("行政裁决书已送达各方当事人；不服的，可于%(due)s前向人民法院起诉") % {
            "due": c.cn_date(window.due_date)},
        after={"document": document.pk, "suit_due": window.due_date.isoformat()},
    )
    c.signal(adj, flowlink.DECISION_SERVED, actor)


@transaction.atomic
def adjudication_submit_answer(*, actor, case, party, text, channel=Answer.Channel.PORTAL,
                               received_at=None) -> Answer:
    """答辩: the respondent's written answer (online, by the API, or on paper recorded by staff)."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    c.party_of(adj.case, party, Party.PartyRole.RESPONDENT)
    if channel not in Answer.Channel.values:
        raise c.invalid(_("请选择提交方式。"), "channel")
    if channel == Answer.Channel.PAPER:
        if not c.is_staff_of(actor, adj):
            raise c.invalid(_("书面答辩由办案人员登记。"), "channel")
    elif party.user_id != actor.pk:
        raise c.invalid(_("只有被请求人本人可以提交答辩意见。"), "party")
    text = c.clean_text(text, "text", _("答辩意见"), max_length=ANSWER_MAX_CHARS)
    received_at = _check_time(received_at, "received_at", _("收到时间")) or timezone.now()
    deadline = Deadline.objects.filter(case=adj.case, kind=answer_kind(party)).order_by("-id").first()
    due = deadline.due_date if deadline is not None else None
    late = due is not None and timezone.localdate(received_at) > due
    answer = Answer.objects.create(
        adjudication=adj, party=party, text=text, received_at=received_at, due_date=due, late=late,
        channel=channel, recorded_by=actor,
    )
    if deadline is not None and deadline.state == Deadline.State.RUNNING:
        (deadline_cancel if late else deadline_complete)(deadline=deadline, actor=actor)
    forward = deadline_open(
        case=adj.case, kind=f"{c.K_FORWARD}:{answer.pk}",
        label=_("向请求人转送%(name)s的答辩书") % {"name": party.name},
        unit=Deadline.Unit.WORKING_DAYS, length=c.conf("FORWARD_WORKING_DAYS"),
        start_date=timezone.localdate(received_at), actor=actor, responsible_role=Role.ENFORCEMENT_OFFICER,
    )
    event_record(
        case=adj.case, actor=actor, kind="adjudication_answer", public=True,
        message=(_("%(name)s提交答辩意见（逾期答辩，不影响案件审理）") if late else _("%(name)s提交答辩意见"))
        % {"name": party.name},
        after={"answer": answer.pk, "party": party.pk, "late": late, "due": due.isoformat() if due else None,
               "forward_due": forward.due_date.isoformat()},
    )
    c.signal(adj, flowlink.ANSWER_RECEIVED, actor, party=party, late=late, answer=answer)
    return answer


@transaction.atomic
def adjudication_answer_lapse(*, case, party, actor=None) -> bool:
    """The answer period ran out with no answer: record it; the case goes on (idempotent)."""
    adj = c.lock(case)
    deadline = (Deadline.objects.select_for_update()
                .filter(case=adj.case, kind=answer_kind(party), state=Deadline.State.RUNNING).first())
    if deadline is None or deadline.due_date >= c.today():
        return False
    deadline_cancel(deadline=deadline, actor=actor)
    event_record(
        case=adj.case, actor=actor, kind="adjudication_answer_lapsed", public=True,
        message=_("答辩期已于%(due)s届满，%(name)s未提交答辩意见，不影响案件审理") % {
            "due": c.cn_date(deadline.due_date), "name": party.name},
        after={"party": party.pk, "due": deadline.due_date.isoformat()},
    )
    c.signal(adj, flowlink.ANSWER_LAPSED, actor, party=party)
    return True


@transaction.atomic
def adjudication_forward_answer(*, actor, case, answer, method=Service.Method.IN_APP, sent_at=None,
                                received_at=None) -> Document:
    """Forward the answer to the requester(s): a notice with the answer attached, served on each."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED, S.ADJUDICATION_DECIDED)
    answer = Answer.objects.select_for_update(of=("self",)).select_related("party").get(pk=answer.pk)
    if answer.adjudication_id != adj.pk:
        raise c.invalid(_("该答辩不属于本案。"), "answer")
    if answer.forwarded_at is not None:
        raise c.conflict(_("该答辩书已经转送。"))
    document = c.issue(actor, adj, DocumentType.ANSWER_NOTICE, {"answer": answer},
                       template="documents/pdf/answer_forward.html", title=_("答辩书副本送达通知书"),
                       series=f"forward:{answer.pk}")
    for applicant in c.parties(adj.case, Party.PartyRole.APPLICANT):
        adjudication_serve(actor=actor, case=adj.case, document=document, party=applicant, method=method,
                           sent_at=sent_at, received_at=received_at)
    answer.forwarded_at, answer.forward_document = timezone.now(), document
    answer.save(update_fields=["forwarded_at", "forward_document"])
    c.complete(adj.case, f"{c.K_FORWARD}:{answer.pk}", actor)
    event_record(case=adj.case, actor=actor, kind="adjudication_answer_forwarded", public=True,
                 message=_("%(name)s的答辩书副本已转送请求人") % {"name": answer.party.name},
                 after={"answer": answer.pk, "document": document.pk})
    c.signal(adj, flowlink.ANSWER_FORWARDED, actor, party=answer.party, answer=answer)
    return document


def as_datetime(day, hour=9) -> datetime:
    """A local aware datetime on ``day`` (forms give dates for past service)."""
    return timezone.make_aware(datetime.combine(day, time(hour)))
