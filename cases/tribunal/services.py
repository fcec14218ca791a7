"""精审 at the circuit station: receipt and docketing of transferred cases, the court's outcome,
judicial confirmation, and the transfer package (移送函).

Each function is one transaction and records its ``CaseEvent``. Moves that leave the station
(a confirmation ruling sends the case back to 快调) go through ``workflows.router``.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notifications
from cases.models import Case, CaseEvent, CaseStatus, Deadline, Organization, Party, Role
from cases.services import case_change_status, case_lock, case_set_court_reference, event_record
from cases.services.cases import COURT_REFERENCE_MAX, court_reference_clean  # noqa: F401 - the limit, for forms
from cases.services.deadlines import deadline_complete, deadline_open
from cases.tribunal.models import ConfirmationRuling, CourtStage

CLERK_ROLES = (Role.TRIBUNAL_CLERK, Role.JUDGE)
JUDGE_ROLES = (Role.JUDGE,)
KIND_CONFIRMATION_RULING = "tribunal_confirmation_ruling"
CONFIRMATION_RULING_DAYS = 15  # 司法确认: decided within 15 days of acceptance
SUMMARY_MAX = 2000


def _require_role(actor, roles):
    if not (actor.is_superuser or actor.has_role(Role.SYSADMIN, *roles)):
        raise ValidationError(_("您没有办理此事项的权限。"), code="role")


def _locked(case) -> Case:
    return case_lock(case, "organization")


def _require_status(case, *statuses):
    if case.status not in statuses:
        raise ValidationError(_("案件当前状态为“%(status)s”，不能办理此事项。") % {
            "status": case.get_status_display()}, code="status")


def _require_station(case):
    if case.organization.kind != Organization.Kind.CIRCUIT_STATION:
        raise ValidationError(_("案件不在巡回审判站。"), code="station")


def notify_parties(case, *, key, subject, body):
    """One notice per principal party and per agent with an account, on every channel it has."""
    parties = case.parties.exclude(role=Party.PartyRole.AGENT) | case.parties.filter(
        role=Party.PartyRole.AGENT, user__isnull=False)
    for party in parties.order_by("id"):
        notifications.notify(key=f"{key}:party{party.pk}", case=case, user=party.user, phone=party.phone,
                             email=party.email, subject=subject, body=body)


def stage_of(case, *, lock=False) -> CourtStage | None:
    qs = CourtStage.objects.filter(case_id=case.pk)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


# -- 诉调对接: transfers received, docketed, closed ---------------------------------------------------


@transaction.atomic
def transfer_acknowledge(*, actor, case) -> CourtStage:
    """The clerk signs for a transferred case (签收)."""
    _require_role(actor, CLERK_ROLES)
    case = _locked(case)
    _require_status(case, CaseStatus.TRANSFERRED)
    _require_station(case)
    stage = stage_of(case, lock=True)
    if stage is not None and stage.acknowledged_at is not None:
        raise ValidationError(_("本案已经签收。"), code="status")
    if stage is None:
        stage = CourtStage(case=case, station=case.organization)
    stage.acknowledged_at, stage.acknowledged_by = timezone.now(), actor
    stage.save()
    event_record(case=case, actor=actor, kind="tribunal_transfer_acknowledged", public=True,
                 message=_("%(station)s已签收移送的案件") % {"station": case.organization.name},
                 after={"stage": stage.pk})
    return stage


@transaction.atomic
def transfer_docket(*, actor, case, court_reference) -> CourtStage:
    """The court dockets the case (立案): its number is stored on the case, which is now in court."""
    _require_role(actor, CLERK_ROLES)
    court_reference = court_reference_clean(court_reference)
    case = _locked(case)
    _require_status(case, CaseStatus.TRANSFERRED)
    _require_station(case)
    stage = stage_of(case, lock=True)
    if stage is None or stage.acknowledged_at is None:
        raise ValidationError(_("请先签收移送的案件。"), code="status")
    stage.docketed_at, stage.docketed_by = timezone.now(), actor
    stage.save(update_fields=["docketed_at", "docketed_by"])
    before = case.court_reference
    case_set_court_reference(actor=actor, case=case, court_reference=court_reference,
                             reason=_("人民法院立案，法院案号%(ref)s") % {"ref": court_reference})
    case_change_status(case=case, actor=actor, to=CaseStatus.IN_COURT,
                       reason=_("人民法院已立案（%(ref)s）") % {"ref": court_reference})
    event_record(case=case, actor=actor, kind="tribunal_docketed", public=True,
                 message=_("人民法院已立案，案号%(ref)s") % {"ref": court_reference},
                 before={"court_reference": before}, after={"court_reference": court_reference})
    notify_parties(case, key=f"tribunal-docketed-{case.pk}", subject=_("人民法院已立案"),
                   body=_("案件%(number)s已由人民法院立案，法院案号：%(ref)s。") % {
                       "number": case.number, "ref": court_reference})
    return stage


def _outcome_file(actor, case, document, description=None):
    """The court's judgment (or other closing document) as a checked PDF on the case file."""
    from cases.services.evidence import evidence_add
    from cases.uploads import check_upload

    checked = check_upload(document)
    if checked.content_type != "application/pdf":
        raise ValidationError({"document": [_("裁判文书请上传PDF文件。")]}, code="type")
    return evidence_add(actor=actor, case=case, uploaded_file=document,
                        description=description or _("人民法院裁判文书"))


@transaction.atomic
def court_outcome_record(*, actor, case, outcome, decided_on, summary, document=None) -> CourtStage:
    """Record how the court closed the case (judgment, court mediation, withdrawal, dismissal)."""
    _require_role(actor, CLERK_ROLES)
    errors = {}
    if outcome not in CourtStage.Outcome.values:
        errors["outcome"] = [_("请选择结案方式。")]
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = [_("请填写裁判日期。")]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = [_("裁判日期不能晚于今天。")]
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("请填写结果摘要。")]
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = [_("结果摘要不能超过%(n)d个字。") % {"n": SUMMARY_MAX}]
    if errors:
        raise ValidationError(errors)
    case = _locked(case)
    _require_status(case, CaseStatus.IN_COURT, CaseStatus.TRANSFERRED)
    _require_station(case)
    stage = stage_of(case, lock=True)
    if case.status == CaseStatus.TRANSFERRED and outcome != CourtStage.Outcome.WITHDRAWAL:
        raise ValidationError({"outcome": [_("尚未立案的案件只能登记撤回。")]}, code="status")
    if stage is None:
        stage = CourtStage(case=case, station=case.organization)
    if document is not None:
        stage.outcome_file = _outcome_file(actor, case, document)
    stage.outcome, stage.decided_on, stage.summary = outcome, decided_on, summary
    stage.closed_at, stage.closed_by = timezone.now(), actor
    stage.save()
    label = CourtStage.Outcome(outcome).label
    case_change_status(case=case, actor=actor, to=CaseStatus.COURT_CLOSED,
                       reason=_("人民法院结案：%(outcome)s") % {"outcome": label})
    event_record(case=case, actor=actor, kind="tribunal_outcome_recorded", public=True,
                 message=_("人民法院结案（%(outcome)s）：%(summary)s") % {"outcome": label, "summary": summary[:200]},
                 after={"outcome": outcome, "decided_on": decided_on.isoformat(), "file": stage.outcome_file_id,
                        "sha256": stage.outcome_file.sha256 if stage.outcome_file else ""})
    notify_parties(case, key=f"tribunal-closed-{case.pk}", subject=_("人民法院已结案"),
                   body=_("案件%(number)s已由人民法院审结（%(outcome)s）。") % {
                       "number": case.number, "outcome": label})
    return stage


# -- 司法确认 -------------------------------------------------------------------------------------


def _filed_agreement(case):
    from mediation.models import MediationAgreement

    agreement = (MediationAgreement.objects.filter(case_id=case.pk, status=MediationAgreement.Status.EFFECTIVE,
                                                   judicial_filed_at__isnull=False)
                 .order_by("-judicial_filed_at").first())
    if agreement is None:
        raise ValidationError(_("本案没有已提交的司法确认申请。"), code="status")
    return agreement


def ruling_of(case, *, lock=False) -> ConfirmationRuling | None:
    qs = ConfirmationRuling.objects.filter(case_id=case.pk)
    if lock:
        qs = qs.select_for_update()
    return qs.order_by("-accepted_at", "-id").first()


@transaction.atomic
def confirmation_accept(*, actor, case) -> ConfirmationRuling:
    """The station accepts the joint application for 司法确认; the ruling's time limit starts."""
    _require_role(actor, CLERK_ROLES)
    case = _locked(case)
    _require_status(case, CaseStatus.CONFIRMATION_PENDING)
    _require_station(case)
    agreement = _filed_agreement(case)
    if ConfirmationRuling.objects.filter(agreement=agreement).exists():
        raise ValidationError(_("司法确认申请已经受理。"), code="status")
    ruling = ConfirmationRuling.objects.create(case=case, agreement=agreement, station=case.organization,
                                               accepted_at=timezone.now(), accepted_by=actor)
    deadline_open(case=case, kind=KIND_CONFIRMATION_RULING, label=_("司法确认审查"), unit=Deadline.Unit.DAYS,
                  length=CONFIRMATION_RULING_DAYS, actor=actor, responsible_role=Role.JUDGE)
    event_record(case=case, actor=actor, kind="tribunal_confirmation_accepted", public=True,
                 message=_("人民法院已受理司法确认申请"), after={"ruling": ruling.pk, "agreement": agreement.pk})
    notify_parties(case, key=f"tribunal-confirmation-accepted-{ruling.pk}", subject=_("司法确认申请已受理"),
                   body=_("案件%(number)s的司法确认申请已由人民法院受理。") % {"number": case.number})
    return ruling


@transaction.atomic
def confirmation_rule(*, actor, case, confirmed: bool, reasons="", document=None) -> ConfirmationRuling:
    """The judge rules: confirmed (the agreement may be enforced) or rejected (the parties may sue).
    ``document``, the ruling (裁定书) as a PDF, is kept on the case file when the court sends it."""
    _require_role(actor, JUDGE_ROLES)
    reasons = (reasons or "").strip()
    if not confirmed and not reasons:
        raise ValidationError({"reasons": [_("驳回申请须写明理由。")]}, code="required")
    if len(reasons) > SUMMARY_MAX:
        raise ValidationError({"reasons": [_("理由不能超过%(n)d个字。") % {"n": SUMMARY_MAX}]}, code="max_length")
    case = _locked(case)
    _require_status(case, CaseStatus.CONFIRMATION_PENDING)
    _require_station(case)
    ruling = ruling_of(case, lock=True)
    if ruling is None:
        raise ValidationError(_("请先受理司法确认申请。"), code="status")
    if ruling.ruled_at is not None:
        raise ValidationError(_("已经作出裁定。"), code="status")
    if document is not None:
        ruling.ruling_file = _outcome_file(actor, case, document, description=_("人民法院司法确认裁定书"))
    ruling.confirmed, ruling.reasons = bool(confirmed), reasons
    ruling.ruled_at, ruling.ruled_by = timezone.now(), actor
    ruling.save(update_fields=["confirmed", "reasons", "ruled_at", "ruled_by", "ruling_file"])
    for deadline in Deadline.objects.filter(case_id=case.pk, kind=KIND_CONFIRMATION_RULING,
                                            state=Deadline.State.RUNNING):
        deadline_complete(deadline=deadline, actor=actor)
    if confirmed:
        message = _("人民法院裁定确认调解协议有效")
        body = _("人民法院已裁定确认案件%(number)s的调解协议有效。一方拒绝履行或者未全部履行的，"
                 "对方当事人可以向人民法院申请强制执行。") % {"number": case.number}
    else:
        message = _("人民法院裁定驳回司法确认申请")
        body = _("人民法院已裁定驳回案件%(number)s的司法确认申请（理由：%(reasons)s）。当事人可以通过调解方式"
                 "变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。") % {
                     "number": case.number, "reasons": reasons}
    case_change_status(case=case, actor=actor, to=CaseStatus.MEDIATED, reason=message)
    event_record(case=case, actor=actor, kind="tribunal_confirmation_ruled", public=True,
                 message=message + (f"：{reasons[:200]}" if reasons else ""),
                 after={"ruling": ruling.pk, "confirmed": bool(confirmed)})
    notify_parties(case, key=f"tribunal-confirmation-ruled-{ruling.pk}", subject=message, body=body)
    return ruling


# -- 移送函 ---------------------------------------------------------------------------------------


def sending_organization(case):
    """The institution that transferred the case to the station (the last organisation before it)."""
    event = (CaseEvent.objects.filter(case_id=case.pk, kind="organization_changed",
                                      after__organization=case.organization_id)
             .order_by("-created_at", "-id").first())
    if event is not None and event.before:
        org = Organization.objects.filter(pk=event.before.get("organization")).first()
        if org is not None:
            return org
    return case.organization


PACKAGE_STATUSES = (CaseStatus.TRANSFERRED, CaseStatus.IN_COURT, CaseStatus.COURT_CLOSED)


@transaction.atomic
def transfer_package_build(*, actor, case):
    """Issue the 移送函 (again) at the clerk's request: a new version supersedes the previous one."""
    _require_role(actor, CLERK_ROLES)
    case = _locked(case)
    _require_status(case, *PACKAGE_STATUSES)
    _require_station(case)
    return _issue_transfer_letter(actor, case)


def arrival_event(case) -> CaseEvent | None:
    """The status change that brought the case to the station as 已移送法院 last (its arrival)."""
    return (CaseEvent.objects.filter(case_id=case.pk, kind="status_changed", after__status=CaseStatus.TRANSFERRED)
            .order_by("-created_at", "-id").first())


@transaction.atomic
def transfer_letter_issue_on_arrival(*, case, arrival_id):
    """The 移送函 issued by the system when a case arrives at the station (``tasks.transfer_letter_on_arrival``).

    At most one letter per arrival: the case row is locked, and nothing is issued when a letter
    (automatic or the clerk's) already exists since that arrival, when a later arrival exists,
    or when the case is no longer at the station. Returns the new letter or None.
    """
    from cases.documents.models import DocumentType

    case = _locked(case)
    arrival = arrival_event(case)
    if arrival is None or arrival.pk != arrival_id:
        return None
    if case.status not in PACKAGE_STATUSES or case.organization.kind != Organization.Kind.CIRCUIT_STATION:
        return None
    if case.documents.filter(doc_type=DocumentType.TRANSFER_LETTER, issued_at__gte=arrival.created_at).exists():
        return None
    return _issue_transfer_letter(None, case)


@transaction.atomic
def transfer_package_record_download(*, actor, case, part, sha256, size):
    """A download of the transfer package (``part``: "pdf" or "zip"), kept in the audit trail with its hash."""
    _require_role(actor, CLERK_ROLES)
    labels = {"pdf": _("移送材料（PDF）"), "zip": _("移送材料（压缩包）")}
    if part not in labels:
        raise ValidationError(_("没有这种移送材料。"), code="part")
    event_record(case=case, actor=actor, kind="tribunal_package_downloaded", public=False,
                 message=_("下载%(part)s") % {"part": labels[part]},
                 after={"part": part, "sha256": sha256, "size": size})


def _issue_transfer_letter(actor, case):
    from cases.documents.models import DocumentType
    from cases.documents.services import document_issue

    documents = list(case.documents.filter(superseded_by__isnull=True)
                     .exclude(doc_type=DocumentType.TRANSFER_LETTER).order_by("issued_at", "id"))
    evidence = list(case.evidence.select_related("party").order_by("uploaded_at", "id"))
    return document_issue(
        actor=actor, case=case, doc_type=DocumentType.TRANSFER_LETTER, organization=sending_organization(case),
        public=False, context={"station": case.organization, "documents": documents, "evidence": evidence,
                               "reason": _transfer_reason(case),
                               "documents_count": len(documents), "total": len(documents) + len(evidence)},
    )


def _transfer_reason(case):
    event = (CaseEvent.objects.filter(case_id=case.pk, kind="organization_changed",
                                      after__organization=case.organization_id)
             .order_by("-created_at", "-id").first())
    return (event.message if event else "") or "移送人民法院"
