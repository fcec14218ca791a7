"""技术调查: questions to a technical investigator as a task with its own deadline, answered by a
written opinion (技术调查意见书, for the panel)."""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication import flowlink, links
from cases.adjudication.models import TechnicalQuestion
from cases.adjudication.services import _common as c
from cases.documents.models import DocumentType
from cases.models import CaseStatus, Deadline, Evidence, Role
from cases.services import case_grant_user, event_record
from cases.services.deadlines import deadline_cancel, deadline_complete, deadline_open

S = CaseStatus
OPINION_MAX_CHARS = 20000


def investigators():
    User = get_user_model()
    return (User.objects.filter(is_active=True, groups__name=Role.TECHNICAL_INVESTIGATOR.value)
            .distinct().order_by("full_name", "username"))


@transaction.atomic
def adjudication_ask_technical(*, actor, case, investigator, questions, evidence=(), working_days=None
                               ) -> TechnicalQuestion:
    """Put technical questions to ``investigator`` with the evidence needed; a deadline runs."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    if investigator is None or not investigators().filter(pk=investigator.pk).exists():
        raise c.invalid(_("请选择技术调查官。"), "investigator")
    questions = c.clean_text(questions, "questions", _("技术问题"), max_length=5000)
    working_days = working_days or c.conf("OPINION_WORKING_DAYS")
    if not isinstance(working_days, int) or not 1 <= working_days <= 60:
        raise c.invalid(_("期限应为1至60个工作日。"), "working_days")
    evidence = list(evidence or [])
    ids = {getattr(e, "pk", e) for e in evidence}
    rows = list(Evidence.objects.filter(case=adj.case, pk__in=ids))
    if len(rows) != len(ids):
        raise c.invalid(_("所选证据不属于本案。"), "evidence")
    question = TechnicalQuestion.objects.create(
        adjudication=adj, investigator=investigator, questions=questions, asked_by=actor,
    )
    question.evidence.set(rows)
    question.deadline = deadline_open(
        case=adj.case, kind=f"{c.K_OPINION}:{question.pk}",
        label=_("技术调查意见（%(name)s）") % {"name": investigator}, unit=Deadline.Unit.WORKING_DAYS,
        length=working_days, actor=actor, responsible_role=Role.TECHNICAL_INVESTIGATOR, assignee=investigator,
    )
    question.save(update_fields=["deadline"])
    case_grant_user(case=adj.case, user=investigator, actor=actor, perms=("view_case",))
    event_record(
        case=adj.case, actor=actor, kind="adjudication_question",
        message=_("就技术问题征询技术调查官%(name)s意见，期限至%(due)s") % {
            "name": investigator, "due": c.cn_date(question.deadline.due_date)},
        after={"question": question.pk, "investigator": investigator.pk, "evidence": sorted(ids)},
    )
    c.notify_user(investigator, adj.case, key=f"adj-question-{question.pk}", subject=_("新的技术调查任务"),
                  body=_("%(case)s请您就技术问题出具书面意见，期限至%(due)s。") % {
                      "case": adj.case.number, "due": c.cn_date(question.deadline.due_date)},
                  link=links.url("question", question.pk))
    c.signal(adj, flowlink.QUESTION_ASKED, actor, question=question)
    return question


def _open_question(adj, question):
    question = (
        TechnicalQuestion.objects.select_for_update(of=("self",)).select_related("investigator").get(pk=question.pk)
    )
    if question.adjudication_id != adj.pk:
        raise c.invalid(_("该技术调查不属于本案。"), "question")
    if question.state != TechnicalQuestion.State.OPEN:
        raise c.conflict(_("该技术调查已经结束。"))
    return question


@transaction.atomic
def adjudication_give_opinion(*, actor, case, question, opinion) -> TechnicalQuestion:
    """The investigator's written opinion: the 技术调查意见书 for the panel (not served on the parties)."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    question = _open_question(adj, question)
    if actor.pk != question.investigator_id:
        raise c.invalid(_("只有被征询的技术调查官可以出具意见。"), "question")
    opinion = c.clean_text(opinion, "opinion", _("技术调查意见"), max_length=OPINION_MAX_CHARS)
    question.opinion, question.answered_at, question.state = opinion, timezone.now(), TechnicalQuestion.State.ANSWERED
    question.opinion_document = c.issue(actor, adj, DocumentType.TECHNICAL_OPINION, {"question": question},
                                        public=False, series=f"question:{question.pk}")
    question.save(update_fields=["opinion", "answered_at", "state", "opinion_document"])
    if question.deadline_id and question.deadline.state == Deadline.State.RUNNING:
        deadline_complete(deadline=question.deadline, actor=actor)
    event_record(case=adj.case, actor=actor, kind="adjudication_opinion",
                 message=_("技术调查官%(name)s出具技术调查意见") % {"name": question.investigator},
                 after={"question": question.pk, "document": question.opinion_document_id})
    c.signal(adj, flowlink.QUESTION_CLOSED, actor, question=question)
    return question


@transaction.atomic
def adjudication_withdraw_question(*, actor, case, question, reason) -> TechnicalQuestion:
    """The panel no longer needs the opinion (before the decision, for example)."""
    adj = c.lock(case)
    question = _open_question(adj, question)
    reason = c.clean_text(reason, "reason", _("撤回理由"), max_length=500)
    question.state = TechnicalQuestion.State.WITHDRAWN
    question.save(update_fields=["state"])
    if question.deadline_id and question.deadline.state in c.OPEN_DEADLINE_STATES:
        deadline_cancel(deadline=question.deadline, actor=actor)
    event_record(case=adj.case, actor=actor, kind="adjudication_question_withdrawn", message=reason,
                 after={"question": question.pk})
    c.signal(adj, flowlink.QUESTION_CLOSED, actor, question=question)
    return question
