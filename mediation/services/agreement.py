"""调解协议书: draft, send for confirmation, each party's confirmation (password re-entered, time,
IP and the PDF's hash recorded), the mediator's signature, the committee's seal, the copies;
then the joint application for 司法确认 and the performance follow-up (回访)."""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.documents.models import Service
from cases.models import CaseStatus, Deadline, DisputeType, Organization, Role
from cases.services import case_change_status, event_record
from cases.services.deadlines import deadline_open
from mediation.flow import flow_finish
from mediation.models import (
    AgreementConfirmation,
    ConfirmationGuard,
    ConfirmationJoin,
    CourtDelegation,
    MediationAgreement,
    MediationAssignment,
    PerformanceFollowUp,
)
from mediation.rules import rules_for
from mediation.services.common import (
    KIND_CONFIRMATION,
    KIND_LIMIT,
    KIND_PERFORMANCE,
    clean_text,
    cn_date,
    complete_deadlines,
    current_mediator,
    issue,
    locked_case,
    notify_directors,
    notify_parties,
    notify_user,
    open_deadlines,
    party_for_user,
    principals,
    require_assigned_mediator,
    require_status,
    ui_date,
)
from mediation.services.consent import court_report

TEXT_MAX = 5000
SERIES = "agreement"
S = MediationAgreement.Status


class ConfirmationLocked(ValidationError):
    """Too many wrong passwords: this confirmation is locked for a while."""


def agreement_of(case, *, lock=False) -> MediationAgreement | None:
    qs = MediationAgreement.objects.filter(case_id=case.pk).exclude(status=S.VOID).select_related(
        "draft_document", "document")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.first()


def _require(agreement, *statuses):
    if agreement is None:
        raise ValidationError(_("本案还没有调解协议。"), code="status")
    if agreement.status not in statuses:
        raise ValidationError(_("调解协议当前状态为“%(status)s”，不能进行此操作。") % {
            "status": agreement.get_status_display()}, code="status")


@transaction.atomic
def agreement_save(*, actor, case, facts, terms, performance, performance_due, amount=None,
                   concerns_ownership_or_validity=False) -> MediationAgreement:
    """Write or revise the draft. Revising a draft already sent for confirmation withdraws it:
    every party confirms the new text again."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    require_assigned_mediator(case, actor)
    facts = clean_text(facts, field="facts", label=_("纠纷事实与争议事项"), max_length=TEXT_MAX)
    terms = clean_text(terms, field="terms", label=_("协议内容"), max_length=TEXT_MAX)
    performance = clean_text(performance, field="performance", label=_("履行方式"), max_length=TEXT_MAX)
    if not isinstance(performance_due, datetime.date):
        raise ValidationError({"performance_due": [_("请填写履行期限。")]}, code="required")
    if performance_due < timezone.localdate():
        raise ValidationError({"performance_due": [_("履行期限不能早于今天。")]}, code="invalid")
    if performance_due > timezone.localdate() + datetime.timedelta(days=3660):
        raise ValidationError({"performance_due": [_("履行期限过远，请核对。")]}, code="invalid")
    if amount is not None and amount < 0:
        raise ValidationError({"amount": [_("协议金额不能为负数。")]}, code="invalid")
    agreement = agreement_of(case, lock=True)
    withdrawn = False
    if agreement is None:
        agreement = MediationAgreement(case=case, drafted_by=actor)
    else:
        _require(agreement, S.DRAFT, S.CONFIRMING)
        withdrawn = agreement.status == S.CONFIRMING
    agreement.facts, agreement.terms, agreement.performance = facts, terms, performance
    agreement.performance_due, agreement.amount = performance_due, amount
    agreement.concerns_ownership_or_validity = bool(concerns_ownership_or_validity)
    agreement.status = S.DRAFT
    agreement.save()
    event_record(case=case, actor=actor, kind="mediation_agreement_drafted",
                 message=_("修改调解协议草稿，已发出的确认稿撤回") if withdrawn else _("保存调解协议草稿"),
                 after={"agreement": agreement.pk, "performance_due": performance_due.isoformat(),
                        "withdrawn": withdrawn})
    if withdrawn:
        notify_parties(case, key=f"mediation-agreement-withdrawn-{agreement.pk}-{agreement.draft_document_id}",
                       subject=_("调解协议确认稿已撤回"),
                       body=_("案件%(number)s的调解协议确认稿已撤回修改，调解员将发送新的确认稿。") % {
                           "number": case.number})
        flow_finish(case, "confirm", actor)
    return agreement


@transaction.atomic
def agreement_issue(*, actor, case) -> MediationAgreement:
    """Send the draft to the parties: the 调解协议书（确认稿） PDF each of them confirms."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    require_assigned_mediator(case, actor)
    agreement = agreement_of(case, lock=True)
    _require(agreement, S.DRAFT)
    if agreement.performance_due < timezone.localdate():
        raise ValidationError({"performance_due": [_("履行期限已过，请修改后再发送。")]}, code="invalid")
    mediator = current_mediator(case)
    document = issue(actor, case, "mediation_agreement", {
        "agreement": agreement, "final": False, "mediator_name": str(mediator or actor), "confirmations": [],
        "copies": len(principals(case)) + 1,
    }, series=SERIES, title=_("调解协议书（确认稿）"))
    agreement.draft_document = document
    agreement.status = S.CONFIRMING
    agreement.issued_at = timezone.now()
    agreement.save(update_fields=["draft_document", "status", "issued_at", "updated_at"])
    event_record(case=case, actor=actor, kind="mediation_agreement_issued", public=True,
                 message=_("调解协议书确认稿已发送各方当事人确认"),
                 after={"agreement": agreement.pk, "document": document.pk, "sha256": document.sha256})
    notify_parties(case, key=f"mediation-agreement-confirm-{document.pk}", subject=_("请确认调解协议"),
                   body=_("案件%(number)s的调解协议书已拟定，请登录平台阅读并确认。") % {"number": case.number},
                   link=f"/mediation/cases/{case.pk}/agreement/")
    flow_finish(case, "mediate", actor)
    return agreement


def _all_confirmed(agreement) -> bool:
    confirmed = set(AgreementConfirmation.objects.filter(
        agreement=agreement, document_id=agreement.draft_document_id).values_list("party_id", flat=True))
    return all(p.pk in confirmed for p in principals(agreement.case))


def _record_confirmation(agreement, party, *, actor, user, channel, ip_address, recorded_by=None):
    document = agreement.draft_document
    if AgreementConfirmation.objects.filter(agreement=agreement, document=document, party=party).exists():
        raise ValidationError(_("%(party)s已经确认过本确认稿。") % {"party": party.name}, code="status")
    confirmation = AgreementConfirmation.objects.create(
        agreement=agreement, document=document, party=party, user=user, channel=channel,
        ip_address=ip_address, document_sha256=document.sha256, recorded_by=recorded_by,
    )
    case = agreement.case
    event_record(
        case=case, actor=actor, kind="mediation_agreement_confirmed", public=True, ip_address=ip_address,
        message=_("%(party)s确认调解协议（%(channel)s）") % {"party": party.name,
                                                           "channel": confirmation.get_channel_display()},
        after={"agreement": agreement.pk, "party": party.pk, "user": user.pk if user else None,
               "channel": channel, "confirmed_at": confirmation.confirmed_at.isoformat(), "ip": ip_address,
               "document": document.pk, "document_number": document.number, "sha256": document.sha256},
    )
    if _all_confirmed(agreement):
        agreement.status = S.CONFIRMED
        agreement.save(update_fields=["status", "updated_at"])
        event_record(case=case, actor=actor, kind="mediation_agreement_all_confirmed", public=True,
                     message=_("各方当事人均已确认调解协议，待调解员签名"), after={"agreement": agreement.pk})
        notify_user(current_mediator(case), case, key=f"mediation-agreement-sign-{document.pk}",
                    subject=_("调解协议待签名"),
                    body=_("案件%(number)s的各方当事人均已确认调解协议，请签名。") % {"number": case.number})
        flow_finish(case, "confirm", actor)
    return confirmation


@dataclass
class _Attempt:
    confirmation: AgreementConfirmation | None = None
    error: ValidationError | None = None


def _max_failures():
    return getattr(settings, "IPDR_MEDIATION_CONFIRM_MAX_FAILURES", 5)


def _lock_minutes():
    return getattr(settings, "IPDR_MEDIATION_CONFIRM_LOCK_MINUTES", 30)


def agreement_confirm(*, actor, case, password, ip_address=None) -> AgreementConfirmation:
    """A party confirms the draft online after entering their password again.

    Records the time, the IP address and the confirmed PDF's SHA-256 (in the confirmation
    and in its CaseEvent). A wrong password is counted (and recorded) even though the
    confirmation fails: five in a row lock this confirmation for 30 minutes.
    """
    with transaction.atomic():
        attempt = _confirm_attempt(actor=actor, case=case, password=password, ip_address=ip_address)
    if attempt.error is not None:
        raise attempt.error
    return attempt.confirmation


def _confirm_attempt(*, actor, case, password, ip_address) -> _Attempt:
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    agreement = agreement_of(case, lock=True)
    _require(agreement, S.CONFIRMING)
    party = party_for_user(case, actor)
    if party is None:
        raise ValidationError(_("只有本案当事人或其代理人可以确认调解协议。"), code="not_party")
    if not actor.has_usable_password():
        raise ValidationError(
            _("您的账号尚未设置登录密码，无法在线确认。请联系调解员，到场签字确认。"), code="no_password",
        )
    guard, _created = ConfirmationGuard.objects.select_for_update().get_or_create(agreement=agreement, user=actor)
    now = timezone.now()
    if guard.locked_until and guard.locked_until > now:
        local = timezone.localtime(guard.locked_until)
        return _Attempt(error=ConfirmationLocked(
            _("密码错误次数过多，确认功能已锁定，请于%(time)s后再试。") % {"time": f"{local:%H:%M}"}, code="locked"))
    if not actor.check_password(password or ""):
        guard.failures = (0 if guard.locked_until and guard.locked_until <= now else guard.failures) + 1
        guard.last_failure_at = now
        locked = guard.failures >= _max_failures()
        guard.locked_until = now + datetime.timedelta(minutes=_lock_minutes()) if locked else None
        if locked:
            guard.failures = 0
        guard.save()
        event_record(case=case, actor=actor, kind="mediation_agreement_confirm_failed", ip_address=ip_address,
                     message=_("确认调解协议时密码错误")
                     + (_("，已锁定%(m)s分钟") % {"m": _lock_minutes()} if locked else ""),
                     after={"agreement": agreement.pk, "locked": locked})
        if locked:
            return _Attempt(error=ConfirmationLocked(
                _("密码连续错误%(n)s次，确认功能已锁定%(m)s分钟。") % {"n": _max_failures(), "m": _lock_minutes()},
                code="locked"))
        left = _max_failures() - guard.failures
        return _Attempt(error=ValidationError(
            {"password": [_("密码不正确。再错%(left)s次将锁定%(m)s分钟。") % {"left": left, "m": _lock_minutes()}]},
            code="password"))
    guard.failures, guard.locked_until = 0, None
    guard.save()
    return _Attempt(confirmation=_record_confirmation(
        agreement, party, actor=actor, user=actor, channel=AgreementConfirmation.Channel.ONLINE,
        ip_address=ip_address))


@transaction.atomic
def agreement_record_signature(*, actor, case, party, ip_address=None) -> AgreementConfirmation:
    """A party signed the printed draft in front of the mediator (no account or no password)."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    require_assigned_mediator(case, actor)
    agreement = agreement_of(case, lock=True)
    _require(agreement, S.CONFIRMING)
    if party is None or party.case_id != case.pk or party.pk not in {p.pk for p in principals(case)}:
        raise ValidationError({"party": [_("请选择本案的申请人或被申请人。")]}, code="invalid")
    return _record_confirmation(agreement, party, actor=actor, user=None,
                                channel=AgreementConfirmation.Channel.IN_PERSON, ip_address=ip_address,
                                recorded_by=actor)


@transaction.atomic
def agreement_sign(*, actor, case) -> MediationAgreement:
    """The mediator signs the agreement every party confirmed."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    mediator = current_mediator(case)
    if mediator is None or mediator.pk != actor.pk:
        raise ValidationError(_("只有本案的承办调解员可以签名。"), code="not_mediator")
    agreement = agreement_of(case, lock=True)
    _require(agreement, S.CONFIRMED)
    agreement.status = S.SIGNED
    agreement.mediator_signed_at, agreement.mediator_signed_by = timezone.now(), actor
    agreement.save(update_fields=["status", "mediator_signed_at", "mediator_signed_by", "updated_at"])
    event_record(case=case, actor=actor, kind="mediation_agreement_signed", public=True,
                 message=_("调解员%(name)s在调解协议上签名") % {"name": actor}, after={"agreement": agreement.pk})
    notify_directors(case, key=f"mediation-agreement-seal-{agreement.pk}", subject=_("调解协议待盖章"),
                     body=_("案件%(number)s的调解协议已由当事人确认、调解员签名，请加盖调委会印章。") % {
                         "number": case.number})
    flow_finish(case, "sign", actor)
    return agreement


def judicial_eligible(case, agreement) -> bool:
    """司法确认 is not for agreements on IP ownership or validity."""
    return not agreement.concerns_ownership_or_validity and case.dispute_type != DisputeType.OWNERSHIP


@transaction.atomic
def agreement_seal(*, actor, case) -> MediationAgreement:
    """The committee seals: the agreement takes effect, the final PDF is issued with a copy per party."""
    from cases.documents.services import service_record

    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    agreement = agreement_of(case, lock=True)
    _require(agreement, S.SIGNED)
    now = timezone.now()
    confirmations = list(AgreementConfirmation.objects.filter(
        agreement=agreement, document_id=agreement.draft_document_id).select_related("party").order_by("party_id"))
    mediator = agreement.mediator_signed_by
    document = issue(actor, case, "mediation_agreement", {
        "agreement": agreement, "final": True, "mediator_name": str(mediator), "confirmations": confirmations,
        "draft_document": agreement.draft_document, "signed_at": agreement.mediator_signed_at, "sealed_at": now,
        "copies": len(principals(case)) + 1,
    }, series=SERIES)
    agreement.status, agreement.document = S.EFFECTIVE, document
    agreement.sealed_at, agreement.sealed_by, agreement.effective_at = now, actor, now
    agreement.save(update_fields=["status", "document", "sealed_at", "sealed_by", "effective_at", "updated_at"])
    for party in principals(case):
        service_record(actor=actor, document=document, party=party, method=Service.Method.IN_APP)
    complete_deadlines(case, KIND_LIMIT, actor)
    case_change_status(case=case, actor=actor, to=CaseStatus.MEDIATED, reason=_("调解成功，调解协议已生效"))
    MediationAssignment.objects.filter(case_id=case.pk, status=MediationAssignment.Status.ACCEPTED).update(
        status=MediationAssignment.Status.ENDED, ended_at=now)
    event_record(case=case, actor=actor, kind="mediation_agreement_effective", public=True,
                 message=_("调解委员会加盖印章，调解协议生效（%(number)s）") % {"number": document.number},
                 after={"agreement": agreement.pk, "document": document.pk, "sha256": document.sha256})
    today = timezone.localdate()
    rules = rules_for(case.organization)
    eligible = judicial_eligible(case, agreement)
    if eligible:
        deadline_open(case=case, kind=KIND_CONFIRMATION, label=_("共同申请司法确认"), unit=Deadline.Unit.DAYS,
                      length=rules.confirmation_days, start_date=today, actor=actor, after_closure=True)
    deadline_open(case=case, kind=KIND_PERFORMANCE, label=_("协议履行期限（届时回访）"), unit=Deadline.Unit.DAYS,
                  length=max((agreement.performance_due - today).days, 0), start_date=today, actor=actor,
                  responsible_role=Role.MEDIATOR, assignee=mediator, after_closure=True)
    body = _("案件%(number)s的调解协议已生效，请按协议于%(due)s前履行。") % {
        "number": case.number, "due": cn_date(agreement.performance_due)}
    if eligible:
        body += _("双方可在%(days)s日内共同向人民法院申请司法确认。") % {"days": rules.confirmation_days}
    notify_parties(case, key=f"mediation-agreement-effective-{agreement.pk}", subject=_("调解协议已生效"), body=body)
    court_report(case=case, actor=actor, result=CourtDelegation.Result.MEDIATED,
                 summary=_("调解成功，调解协议已生效"), document=document)
    flow_finish(case, "seal", actor)
    if not eligible:
        flow_finish(case, "judicial", actor)
    return agreement


# -- 司法确认 --------------------------------------------------------------------------------------


def _confirmation_due(case, agreement):
    deadline = Deadline.objects.filter(case_id=case.pk, kind=KIND_CONFIRMATION).order_by("-id").first()
    if deadline is not None:
        return deadline.due_date
    days = rules_for(agreement.case.organization).confirmation_days
    return timezone.localdate(agreement.effective_at) + datetime.timedelta(days=days)


@transaction.atomic
def judicial_join(*, actor, case, ip_address=None) -> bool:
    """A party joins the joint application for 司法确认. True when every party has joined."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATED, message=_("案件当前状态为“%(status)s”，不能申请司法确认。"))
    agreement = agreement_of(case, lock=True)
    _require(agreement, S.EFFECTIVE)
    if not judicial_eligible(case, agreement):
        raise ValidationError(_("涉及知识产权权属或效力确认的调解协议，不能申请司法确认。"), code="not_eligible")
    if agreement.judicial_filed_at is not None:
        raise ValidationError(_("已经申请司法确认。"), code="status")
    due = _confirmation_due(case, agreement)
    if timezone.localdate() > due:
        raise ValidationError(_("申请司法确认的期限已于%(due)s届满。") % {"due": ui_date(due)}, code="status")
    party = party_for_user(case, actor)
    if party is None:
        raise ValidationError(_("只有本案当事人或其代理人可以申请司法确认。"), code="not_party")
    if ConfirmationJoin.objects.filter(agreement=agreement, party=party).exists():
        raise ValidationError(_("%(party)s已经同意共同申请，正在等待其他当事人。") % {"party": party.name},
                              code="status")
    ConfirmationJoin.objects.create(agreement=agreement, party=party, user=actor, ip_address=ip_address)
    event_record(case=case, actor=actor, kind="mediation_judicial_joined", public=True, ip_address=ip_address,
                 message=_("%(party)s同意共同申请司法确认") % {"party": party.name},
                 after={"agreement": agreement.pk, "party": party.pk})
    joined = set(ConfirmationJoin.objects.filter(agreement=agreement).values_list("party_id", flat=True))
    missing = [p for p in principals(case) if p.pk not in joined]
    if missing:
        notify_parties(case, key=f"mediation-judicial-join-{agreement.pk}-{party.pk}",
                       subject=_("对方申请共同申请司法确认"),
                       body=_("%(party)s同意就案件%(number)s的调解协议共同申请司法确认，请于%(due)s前登录平台确认是否共同申请。")
                       % {"party": party.name, "number": case.number, "due": cn_date(due)}, parties=missing)
    return not missing


@transaction.atomic
def judicial_file(*, actor, case):
    """Every party joined: the 司法确认申请书 is issued (the chain router hands it to the tribunal)."""
    case = locked_case(case)
    agreement = agreement_of(case, lock=True)
    _require(agreement, S.EFFECTIVE)
    joins = list(ConfirmationJoin.objects.filter(agreement=agreement).select_related("party").order_by("party_id"))
    station = Organization.objects.filter(kind=Organization.Kind.CIRCUIT_STATION,
                                          district_id=case.district_id).order_by("pk").first()
    document = issue(actor, case, "confirmation_application", {
        "agreement": agreement, "joins": joins, "agreement_document": agreement.document,
        "court_name": station.name if station else "",
    })
    agreement.judicial_filed_at, agreement.judicial_document = timezone.now(), document
    agreement.save(update_fields=["judicial_filed_at", "judicial_document", "updated_at"])
    complete_deadlines(case, KIND_CONFIRMATION, actor)
    event_record(case=case, actor=actor, kind="mediation_judicial_filed", public=True,
                 message=_("各方当事人共同申请司法确认，申请书已提交人民法院"),
                 after={"agreement": agreement.pk, "document": document.pk})
    flow_finish(case, "judicial", actor)
    return document


@transaction.atomic
def judicial_window_lapse(*, case, actor=None) -> bool:
    """The 30 days passed without a joint application: the step ends (beat)."""
    return flow_finish(case, "judicial", actor)


# -- 回访 -------------------------------------------------------------------------------------------


def followup_mediator(case):
    """The mediator who mediated the agreement (the follow-up is theirs)."""
    assignment = (MediationAssignment.objects.filter(case_id=case.pk, status__in=["accepted", "ended"])
                  .select_related("mediator").order_by("-created_at", "-id").first())
    return assignment.mediator if assignment else None


@transaction.atomic
def followup_record(*, actor, case, result, contact, note="") -> PerformanceFollowUp:
    case = locked_case(case)
    agreement = agreement_of(case, lock=True)
    _require(agreement, S.EFFECTIVE)
    mediator = followup_mediator(case)
    is_director = actor.is_superuser or actor.has_role(Role.COMMITTEE_DIRECTOR)
    if (mediator is None or mediator.pk != actor.pk) and not is_director:
        raise ValidationError(_("只有承办调解员或调委会主任可以记录回访。"), code="not_mediator")
    if result not in PerformanceFollowUp.Result.values:
        raise ValidationError({"result": [_("请选择履行情况。")]}, code="invalid")
    contact = clean_text(contact, field="contact", label=_("回访对象和方式"), max_length=200)
    note = clean_text(note, field="note", label=_("回访记录"), max_length=TEXT_MAX, required=False)
    follow_up = PerformanceFollowUp.objects.create(agreement=agreement, result=result, contact=contact, note=note,
                                                   recorded_by=actor)
    complete_deadlines(case, KIND_PERFORMANCE, actor)
    event_record(case=case, actor=actor, kind="mediation_follow_up", public=True,
                 message=_("履行回访：%(result)s") % {"result": follow_up.get_result_display()},
                 after={"agreement": agreement.pk, "result": result, "contact": contact, "note": note})
    if result != PerformanceFollowUp.Result.PERFORMED:
        notify_parties(case, key=f"mediation-follow-up-{follow_up.pk}", subject=_("调解协议履行情况"),
                       body=_("案件%(number)s的调解协议尚未完全履行。经司法确认的，可以向人民法院申请强制执行；"
                              "未经司法确认的，可以就履行协议向人民法院提起诉讼。") % {"number": case.number},
                       parties=[p for p in principals(case) if p.role == "applicant"])
    flow_finish(case, "follow_up", actor)
    return follow_up


def open_performance_deadline(case):
    return open_deadlines(case, KIND_PERFORMANCE).first()
