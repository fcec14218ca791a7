"""The complainant's side of intake: accounts, complaint drafts, submission, in-app notices.

Every write runs in one transaction. A draft holds the wizard's answers as JSON
(``ComplaintDraft.data``: dates as ISO strings, amounts as strings, an industry as its
id) and its evidence files as ``DraftAttachment`` rows, checked by ``check_upload`` on
the way in. ``draft_submit`` turns it into a ``Case`` through ``cases.services.case_create``
and ``evidence_add`` (so numbers, events, deadlines and permissions are the real ones),
or raises ``DraftSubmitError`` naming the step to fix and saves nothing.
"""
import datetime
import logging
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import notifications
from cases.intake.models import ComplaintDraft, DraftAttachment
from cases.models import (
    PATENT_KINDS,
    STAFF_ROLES,
    Case,
    Deadline,
    DisputeType,
    Industry,
    IPRight,
    Notification,
    Organization,
    Party,
    Role,
    Route,
)
from cases.services import case_create, evidence_add, user_set_roles
from cases.uploads import check_upload

logger = logging.getLogger(__name__)

STEPS = ("applicant", "respondents", "rights", "dispute", "evidence", "review")
DATA_STEPS = ("applicant", "respondents", "rights", "dispute")
STEP_LABELS = {
    "applicant": gettext_lazy("申请人"),
    "respondents": gettext_lazy("被申请人"),
    "rights": gettext_lazy("涉案知识产权"),
    "dispute": gettext_lazy("纠纷与请求"),
    "evidence": gettext_lazy("证据材料"),
    "review": gettext_lazy("核对并提交"),
}
MAX_ATTACHMENTS = 50
DESCRIPTION_MAX_LENGTH = 300


@dataclass(frozen=True)
class DraftProblem:
    """Something that keeps a draft from being submitted, and the step where it is fixed."""

    step: str
    message: str

    @property
    def step_label(self):
        return STEP_LABELS.get(self.step, "")


class DraftSubmitError(ValidationError):
    """The draft cannot be submitted yet; ``problems`` lists what to fix, step by step."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__([p.message for p in self.problems], code="draft_incomplete")


# -- accounts ---------------------------------------------------------------------------------


def _new_username() -> str:
    User = get_user_model()
    while True:
        username = "u" + secrets.token_hex(5)
        if not User.objects.filter(username=username).exists():
            return username


@transaction.atomic
def complainant_register(*, full_name, password, phone="", email=""):
    """A new complainant account (username generated). The caller has validated the fields.

    Raises ``IntegrityError`` when the phone or e-mail was taken in the meantime.
    """
    User = get_user_model()
    user = User(username=_new_username(), full_name=full_name, phone=phone or None, email=email or "")
    user.set_password(password)
    user.save()
    user_set_roles(user=user, roles=[Role.COMPLAINANT])
    return user


# -- drafts -----------------------------------------------------------------------------------


def open_drafts(owner):
    return ComplaintDraft.objects.filter(owner=owner, submitted_at__isnull=True).order_by("-updated_at", "-pk")


def draft_latest(owner):
    """The owner's latest unsubmitted draft, or None."""
    if not getattr(owner, "is_authenticated", False):
        return None
    return open_drafts(owner).first()


@transaction.atomic
def draft_get_or_create(*, owner) -> ComplaintDraft:
    """Resume the owner's latest unsubmitted draft, or start one with the account's details."""
    draft = open_drafts(owner).select_for_update().first()
    if draft is not None:
        return draft
    data = {
        "applicant": {
            "kind": Party.Kind.PERSON, "name": owner.full_name or "", "phone": owner.phone or "",
            "email": owner.email or "",
        },
        "completed": [],
    }
    return ComplaintDraft.objects.create(owner=owner, data=data, step=STEPS[0])


def _locked_open(draft) -> ComplaintDraft:
    row = ComplaintDraft.objects.select_for_update().filter(pk=draft.pk).first()
    if row is None or row.submitted_at is not None:
        raise ValidationError(_("该申请已经提交，不能再修改。"), code="submitted")
    return row


def _sync(draft, row):
    for name in ("data", "step", "updated_at", "submitted_at", "submitted_case_id"):
        setattr(draft, name, getattr(row, name))
    return draft


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


@transaction.atomic
def draft_prefill(*, draft, answers) -> ComplaintDraft:
    """Fill the steps not yet saved from the navigator's answers (维权导航)."""
    from cases.intake.navigator import Answers, wizard_prefill

    if not isinstance(answers, Answers):
        answers = Answers.from_mapping(answers)

    row = _locked_open(draft)
    data = dict(row.data or {})
    completed = set(data.get("completed", []))
    for step, values in wizard_prefill(answers).items():
        if step in completed:
            continue
        if isinstance(values, dict):
            data[step] = {**(data.get(step) or {}), **values}
        elif not data.get(step):
            data[step] = values
    data["guide"] = answers.as_dict()
    row.data = data
    row.save(update_fields=["data", "updated_at"])
    return _sync(draft, row)


@transaction.atomic
def draft_save_step(*, draft, step, data, next_step=None) -> ComplaintDraft:
    """Store one step's validated values (``data``: a form's cleaned data, or a list of them)."""
    if step not in DATA_STEPS:
        raise ValueError(f"not a data step: {step!r}")
    if step in ("respondents", "rights"):
        if not isinstance(data, (list, tuple)) or not all(isinstance(d, dict) for d in data):
            raise ValueError(f"{step} takes a list of dicts")
    elif not isinstance(data, dict):
        raise ValueError(f"{step} takes a dict")
    if next_step is not None and next_step not in STEPS:
        raise ValueError(f"not a step: {next_step!r}")
    row = _locked_open(draft)
    stored = dict(row.data or {})
    stored[step] = _jsonable(data)
    completed = [s for s in stored.get("completed", []) if s in DATA_STEPS]
    if step not in completed:
        completed.append(step)
    stored["completed"] = [s for s in DATA_STEPS if s in completed]
    row.data = stored
    row.step = next_step or step
    row.save(update_fields=["data", "step", "updated_at"])
    return _sync(draft, row)


@transaction.atomic
def draft_set_step(*, draft, step) -> ComplaintDraft:
    """Remember where the applicant is, so the draft resumes there."""
    if step not in STEPS:
        raise ValueError(f"not a step: {step!r}")
    row = _locked_open(draft)
    if row.step != step:
        row.step = step
        row.save(update_fields=["step", "updated_at"])
    return _sync(draft, row)


@transaction.atomic
def draft_attach(*, draft, uploaded_file, description="") -> DraftAttachment:
    """Check ``uploaded_file`` by content and keep it with the draft.

    Raises ``UploadRejected`` / ValidationError and stores nothing when refused.
    """
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError({"description": [ValidationError(
            _("证据说明不能超过%(limit)d个字（当前%(length)d个字）。"), code="max_length",
            params={"limit": DESCRIPTION_MAX_LENGTH, "length": len(description)},
        )]})
    checked = check_upload(uploaded_file)
    row = _locked_open(draft)
    if row.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("每份申请最多上传%(limit)d个文件，请合并后再上传。"), code="too_many",
            params={"limit": MAX_ATTACHMENTS},
        )
    attachment = DraftAttachment(
        draft=row, original_name=checked.safe_name, content_type=checked.content_type, size=checked.size,
        sha256=checked.sha256, description=description,
    )
    attachment.file.save(checked.safe_name, uploaded_file, save=False)
    try:
        attachment.save()
        row.save(update_fields=["updated_at"])
    except BaseException:
        _delete_file(attachment.file.storage, attachment.file.name)
        raise
    _sync(draft, row)
    return attachment


@transaction.atomic
def draft_remove_attachment(*, draft, attachment_id) -> bool:
    """Delete one of the draft's files (the file itself after commit). False when not found."""
    row = _locked_open(draft)
    try:
        attachment_id = int(attachment_id)
    except (TypeError, ValueError):
        return False
    attachment = row.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        return False
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    row.save(update_fields=["updated_at"])
    transaction.on_commit(lambda: _delete_file(storage, name))
    _sync(draft, row)
    return True


def _delete_file(storage, name):
    try:
        storage.delete(name)
    except OSError:
        logger.exception("could not remove draft file %s", name)


# -- submission -------------------------------------------------------------------------------


def intake_organization():
    """The default district's IP protection centre: where online complaints are filed."""
    return (
        Organization.objects.filter(
            kind=Organization.Kind.PROTECTION_CENTRE, district__name=settings.IPDR_DEFAULT_DISTRICT,
        ).select_related("district").order_by("pk").first()
    )


def _decimal(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _date(value):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def compose_claims(dispute: dict) -> str:
    """请求事项 from the wizard's checkboxes, numbered the way the documents number them."""
    items = []
    if dispute.get("claim_stop"):
        items.append(_("请求责令被申请人立即停止侵权行为"))
    if dispute.get("claim_damages"):
        amount = _decimal(dispute.get("damages_amount"))
        if amount is not None:
            items.append(_("请求被申请人赔偿经济损失人民币%(amount)s元") % {"amount": f"{amount:,.2f}"})
        else:
            items.append(_("请求被申请人赔偿经济损失"))
    if dispute.get("claim_other") and (dispute.get("claim_other_text") or "").strip():
        items.append(dispute["claim_other_text"].strip())
    if not items:
        return ""
    if len(items) == 1:
        return items[0].rstrip("。；") + "。"
    return "；\n".join(f"{i}. {text.rstrip('。；')}" for i, text in enumerate(items, start=1)) + "。"


def build_case_arguments(draft, actor):
    """``case_create`` keyword arguments from the draft, and which step each party came from."""
    data = draft.data or {}
    applicant = data.get("applicant") or {}
    dispute = data.get("dispute") or {}
    kind = applicant.get("kind") or Party.Kind.PERSON
    parties, party_steps = [], []
    main = {
        "role": Party.PartyRole.APPLICANT, "kind": kind, "name": (applicant.get("name") or "").strip(),
        "phone": applicant.get("phone") or "", "email": applicant.get("email") or "",
        "address": applicant.get("address") or "", "user": actor,
    }
    if kind == Party.Kind.ORGANIZATION:
        main["credit_code"] = applicant.get("credit_code") or ""
        main["legal_representative"] = applicant.get("legal_representative") or ""
    else:
        main["id_number"] = applicant.get("id_number") or ""
    parties.append(main)
    party_steps.append("applicant")
    for respondent in data.get("respondents") or []:
        r_kind = respondent.get("kind") or Party.Kind.ORGANIZATION
        party = {
            "role": Party.PartyRole.RESPONDENT, "kind": r_kind, "name": (respondent.get("name") or "").strip(),
            "address": respondent.get("address") or "", "phone": respondent.get("phone") or "",
        }
        identifier = respondent.get("identifier") or ""
        party["credit_code" if r_kind == Party.Kind.ORGANIZATION else "id_number"] = identifier
        parties.append(party)
        party_steps.append("respondents")
    rights = [
        {"kind": r.get("kind") or "", "number": r.get("number") or "", "title": r.get("title") or "",
         "holder": r.get("holder") or ""}
        for r in data.get("rights") or []
    ]
    industry = None
    if dispute.get("industry"):
        industry = Industry.objects.filter(pk=dispute["industry"], active=True).first()
    agent = None
    if applicant.get("has_agent"):
        # Added after case_create, see _add_agent.
        agent = {
            "role": Party.PartyRole.AGENT, "kind": Party.Kind.PERSON, "name": applicant.get("agent_name") or "",
            "id_number": applicant.get("agent_id_number") or "", "phone": applicant.get("agent_phone") or "",
        }
    arguments = {
        "dispute_type": dispute.get("dispute_type") or "",
        "facts": (dispute.get("facts") or "").strip(),
        "claims": compose_claims(dispute),
        "parties": parties,
        "ip_rights": rights,
        "industry": industry,
        "amount_in_dispute": _decimal(dispute.get("amount_in_dispute")),
        "preferred_route": dispute.get("preferred_route") or Route.MEDIATION,
        "knowledge_date": _date(dispute.get("knowledge_date")),
        "court_docketed": dispute.get("court_involved") == "yes",
    }
    return arguments, party_steps, agent


def route_fits(dispute_type, rights, route) -> bool:
    """The wizard's form of ``cases.intake.services.route_allowed``: adjudication for patent infringement."""
    if route != Route.ADJUDICATION:
        return True
    return dispute_type == DisputeType.INFRINGEMENT and any(r.get("kind") in PATENT_KINDS for r in rights)


def _precheck(draft, arguments) -> list:
    data = draft.data or {}
    completed = set(data.get("completed", []))
    problems = [
        DraftProblem(step, _("“%(step)s”一步还没有填写完成。") % {"step": STEP_LABELS[step]})
        for step in DATA_STEPS if step not in completed
    ]
    if not data.get("respondents") and "respondents" in completed:
        problems.append(DraftProblem("respondents", _("请至少填写一名被申请人。")))
    if not data.get("rights") and "rights" in completed:
        problems.append(DraftProblem("rights", _("请至少填写一项涉案知识产权。")))
    if not draft.attachments.exists():
        problems.append(DraftProblem("evidence", _("请至少上传一份证据材料。")))
    if "dispute" in completed:
        if not route_fits(arguments["dispute_type"], arguments["ip_rights"], arguments["preferred_route"]):
            problems.append(DraftProblem("dispute", _(
                "行政裁决只适用于专利侵权纠纷：请确认纠纷类型为侵权纠纷且涉案权利中有专利，或改选调解、诉讼。"
            )))
        knowledge = arguments["knowledge_date"]
        if knowledge is not None and knowledge > timezone.localdate():
            problems.append(DraftProblem("dispute", _("知道权利受侵害的日期不能晚于今天。")))
    return problems


_KEY_RE = re.compile(r"^(parties|ip_rights)\[(\d+)\]\.(\w+)$")
_CASE_FIELD_STEPS = {
    "facts": "dispute", "claims": "dispute", "dispute_type": "dispute", "industry": "dispute",
    "amount_in_dispute": "dispute", "preferred_route": "dispute", "knowledge_date": "dispute",
    "court_docketed": "dispute", "parties": "applicant",
}


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return ""


def problems_from(exc: ValidationError, arguments, party_steps) -> list:
    """``case_create``'s errors (keys like ``parties[0].id_number``) as problems per wizard step."""
    problems = []
    if not hasattr(exc, "error_dict"):
        return [DraftProblem("review", m) for m in exc.messages]
    for key, messages in exc.message_dict.items():
        match = _KEY_RE.match(key)
        for message in messages:
            if match:
                collection, index, field = match.group(1), int(match.group(2)), match.group(3)
                if collection == "parties":
                    party = arguments["parties"][index]
                    who = f"{Party.PartyRole(party['role']).label}“{party.get('name') or ''}”"
                    label = _field_label(Party, field)
                    step = party_steps[index]
                else:
                    right = arguments["ip_rights"][index]
                    who = _("第%(n)d项知识产权") % {"n": index + 1}
                    if right.get("title"):
                        who += f"“{right['title']}”"
                    label = _field_label(IPRight, field)
                    step = "rights"
                text = f"{who}的{label}：{message}" if label else f"{who}：{message}"
                problems.append(DraftProblem(step, text))
            else:
                step = _CASE_FIELD_STEPS.get(key, "review")
                label = _field_label(Case, key) if key in _CASE_FIELD_STEPS else ""
                problems.append(DraftProblem(step, f"{label}：{message}" if label else message))
    return problems


def _applicant_mobile(arguments):
    phone = arguments["parties"][0].get("phone") or ""
    return phone if len(phone) == 11 and phone.isdigit() else ""


@transaction.atomic
def draft_submit(*, draft, actor, ip_address=None) -> Case:
    """File the draft as a case, in one transaction; a second call returns the same case.

    Raises ``DraftSubmitError`` (with ``problems`` per step) and saves nothing when the
    draft is incomplete or ``case_create`` refuses it.
    """
    if actor is None or actor.pk != draft.owner_id:
        raise ValidationError(_("只有草稿的填写人可以提交。"), code="owner")
    # Claim the draft first: a double click or a second device waits here, then finds it taken.
    claimed = ComplaintDraft.objects.filter(pk=draft.pk, submitted_at__isnull=True).update(
        submitted_at=timezone.now(),
    )
    row = ComplaintDraft.objects.select_related("submitted_case").get(pk=draft.pk)
    if not claimed:
        if row.submitted_case is not None:
            return row.submitted_case
        raise ValidationError(_("该申请已经提交。"), code="submitted")

    arguments, party_steps, agent = build_case_arguments(row, actor)
    problems = _precheck(row, arguments)
    organization = intake_organization()
    if organization is None:
        problems.append(DraftProblem("review", _(
            "平台尚未设置受理机构（知识产权保护中心），暂时无法提交，请联系受理窗口。"
        )))
    if problems:
        raise DraftSubmitError(problems)
    try:
        case = case_create(actor=actor, organization=organization, ip_address=ip_address, **arguments)
    except ValidationError as exc:
        raise DraftSubmitError(problems_from(exc, arguments, party_steps)) from exc

    applicant = case.parties.get(role=Party.PartyRole.APPLICANT, user=actor)
    if agent is not None:
        _add_agent(case=case, applicant=applicant, data=agent, actor=actor, ip_address=ip_address)
    attachments = list(row.attachments.order_by("uploaded_at", "pk"))
    stored = []
    try:
        for attachment in attachments:
            with attachment.file.storage.open(attachment.file.name, "rb") as fh:
                try:
                    evidence = evidence_add(
                        actor=actor, case=case, uploaded_file=File(fh, name=attachment.original_name),
                        description=attachment.description, party=applicant, ip_address=ip_address,
                    )
                except ValidationError as exc:
                    raise DraftSubmitError([
                        DraftProblem("evidence", f"{attachment.original_name}：{m}") for m in exc.messages
                    ]) from exc
            stored.append((evidence.file.storage, evidence.file.name))

        row.submitted_case = case
        row.step = "review"
        row.save(update_fields=["submitted_case", "step", "updated_at"])
        if not (actor.roles & STAFF_ROLES) and Role.COMPLAINANT not in actor.roles:
            user_set_roles(user=actor, roles=set(actor.roles) | {Role.COMPLAINANT})
        _notify_submitted(case, actor, _applicant_mobile(arguments))
    except BaseException:
        for storage, name in stored:
            _delete_file(storage, name)
        raise

    draft_files = [(a.file.storage, a.file.name) for a in attachments]
    DraftAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    transaction.on_commit(lambda: [_delete_file(s, n) for s, n in draft_files])
    _sync(draft, row)
    return case


def _add_agent(*, case, applicant, data, actor, ip_address=None) -> Party:
    """The applicant's agent, representing ``applicant``.

    Not passed to ``case_create``: its validation runs ``Party.clean`` before the
    represented party exists, so every agent is refused there ("请选择代理人所代理的当事人").
    """
    from cases import validators
    from cases.services import event_record

    data = dict(data)
    for field, normalize in (("id_number", validators.normalize_id_number), ("phone", validators.normalize_phone)):
        if data.get(field):
            data[field] = normalize(data[field])
    party = Party(case=case, represents=applicant, **data)
    try:
        party.full_clean()
    except ValidationError as exc:
        raise DraftSubmitError([
            DraftProblem("applicant", f"{Party.PartyRole.AGENT.label}“{party.name}”的{_field_label(Party, f)}：{m}")
            for f, messages in exc.message_dict.items() for m in messages
        ]) from exc
    party.save()
    event_record(
        case=case, actor=actor, kind="party_added", message=party.name, ip_address=ip_address,
        after={"party": party.pk, "role": party.role, "represents": applicant.pk},
    )
    return party


def triage_deadline(case):
    """The running (or stopped) 受理审查 deadline of ``case``, or None."""
    return (
        Deadline.objects.filter(
            case=case, kind="intake_triage", state__in=[Deadline.State.RUNNING, Deadline.State.STOPPED],
        ).order_by("due_date").first()
    )


def _notify_submitted(case, user, fallback_phone=""):
    deadline = triage_deadline(case)
    body = _("您的知识产权纠纷申请已提交，受理编号：%(number)s。") % {"number": case.number}
    if deadline is not None:
        body += _("受理员将在%(due)s前审查并决定是否受理，材料不全的会通知您补正。") % {
            "due": f"{deadline.due_date:%Y年%m月%d日}"}
    notifications.notify(
        key=f"complaint-submitted-{case.pk}", case=case, user=user, phone=user.phone or fallback_phone,
        subject=_("申请已提交"), body=body, link=f"/cases/{case.pk}/",
    )


# -- in-app notices ---------------------------------------------------------------------------


def unread_notice_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        user=user, channel=Notification.Channel.IN_APP, read_at__isnull=True,
    ).count()


@transaction.atomic
def notices_mark_read(*, user, ids) -> int:
    """Mark the user's own in-app notices ``ids`` as read; returns how many changed."""
    return Notification.objects.filter(
        user=user, channel=Notification.Channel.IN_APP, pk__in=list(ids), read_at__isnull=True,
    ).update(read_at=timezone.now())
