"""What every adjudication service shares: row locks, state checks, documents, notices, deadlines."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notifications
from cases.adjudication import flowlink
from cases.adjudication.models import Adjudication, PanelMember
from cases.dates import cn_date, ui_date  # noqa: F401 - the tier's services use them as common.cn_date
from cases.models import CaseStatus, Deadline, Party, Role
from cases.services.cases import case_lock

S = CaseStatus
OPEN_STATUSES = (S.ADJUDICATION_REVIEW, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED, S.ADJUDICATION_DECIDED)
PARTY_ROLES = (Party.PartyRole.APPLICANT, Party.PartyRole.RESPONDENT, Party.PartyRole.THIRD_PARTY)

# Deadline kinds of the tier. Per-party and per-item ones carry the row's id after a colon.
K_REVIEW = "adjudication_review"
K_LIMIT = "adjudication_limit"
K_SERVE = "adjudication_serve"
K_ANSWER = "adjudication_answer"  # :<party id>
K_FORWARD = "adjudication_forward"  # :<answer id>
K_OPINION = "adjudication_opinion"  # :<question id>
K_SUIT = "adjudication_suit_window"
K_FOLLOW_UP = "adjudication_follow_up"

OPEN_DEADLINE_STATES = (Deadline.State.RUNNING, Deadline.State.STOPPED)


def conf(name: str):
    """A configurable rule of the tier: ``IPDR_ADJUDICATION_<NAME>`` in settings."""
    return getattr(settings, f"IPDR_ADJUDICATION_{name}")


def invalid(message, field=None, code="invalid"):
    """A ValidationError on ``field`` (or on the whole form)."""
    if field:
        return ValidationError({field: [ValidationError(message, code=code)]})
    return ValidationError(message, code=code)


def conflict(message):
    """The case is not in a state that allows this (the API answers 409)."""
    return ValidationError(message, code="status")


def lock(case) -> Adjudication:
    """Lock the case row, then its adjudication row (always in this order), and return the latter
    with ``.case`` set to the locked, fresh case."""
    case_row = case_lock(case, "organization", "district")
    adj = (
        Adjudication.objects.select_for_update(of=("self",)).filter(case_id=case_row.pk)
        .select_related("office").first()
    )
    if adj is None:
        raise conflict(_("本案没有行政裁决办案记录。"))
    adj.case = case_row
    return adj


def require_status(case, *statuses):
    if case.status not in statuses:
        raise conflict(_("案件当前状态为“%(status)s”，不能进行此操作。") % {"status": case.get_status_display()})


def sync_case(target, source):
    """Copy the saved business fields of ``source`` onto the caller's ``target`` instance."""
    if target is not None and target is not source:
        for field in ("status", "tier", "number", "organization_id", "closed_at", "updated_at"):
            setattr(target, field, getattr(source, field))


def today():
    return timezone.localdate()


def issue(actor, adj, doc_type, context=None, **kwargs):
    from cases.documents.services import document_issue

    return document_issue(actor=actor, case=adj.case, doc_type=doc_type, organization=adj.office,
                          context=context or {}, **kwargs)


def parties(case, *roles):
    qs = Party.objects.filter(case=case).order_by("id")
    return list(qs.filter(role__in=roles or PARTY_ROLES))


def party_of(case, party, *roles):
    """``party`` if it belongs to ``case`` (with one of ``roles``), else a field error."""
    if party is None or party.case_id != case.pk or (roles and party.role not in roles):
        raise invalid(_("请选择本案的当事人。"), "party")
    return party


def notify_parties(case, *, key, subject, body, roles=PARTY_ROLES):
    for party in Party.objects.filter(case=case, role__in=roles).select_related("user"):
        notifications.notify(
            key=f"{key}:party{party.pk}", case=case, user=party.user, phone=party.phone, email=party.email,
            subject=subject, body=body, link=f"/cases/{case.pk}/",
        )


def notify_user(user, case, *, key, subject, body, link=None):
    notifications.notify(key=key, case=case, user=user, subject=subject, body=body,
                         link=link or f"/cases/{case.pk}/", channels=("in_app",))


def open_deadline(case, kind):
    return Deadline.objects.filter(case=case, kind=kind, state__in=OPEN_DEADLINE_STATES).order_by("id").first()


def complete(case, kind, actor):
    from cases.services.deadlines import deadline_complete

    for deadline in Deadline.objects.filter(case=case, kind=kind, state=Deadline.State.RUNNING):
        deadline_complete(deadline=deadline, actor=actor)


def cancel(case, kind, actor):
    from cases.services.deadlines import deadline_cancel

    for deadline in Deadline.objects.filter(case=case, kind=kind, state__in=OPEN_DEADLINE_STATES):
        deadline_cancel(deadline=deadline, actor=actor)


def active_panel(adj) -> list[PanelMember]:
    """The panel in office, the presiding member first."""
    members = adj.panel.filter(active=True).select_related("user").order_by("appointed_at", "id")
    return sorted(members, key=lambda m: m.role != PanelMember.Role.PRESIDING)


def panel_complete(members) -> bool:
    """An odd number, three or more, with one presiding member."""
    presiding = [m for m in members if m.role == PanelMember.Role.PRESIDING]
    return len(members) >= 3 and len(members) % 2 == 1 and len(presiding) == 1


def require_panel(adj):
    if not panel_complete(active_panel(adj)):
        raise conflict(_("合议组尚未组成（须为三人以上单数并指定组长），请先由负责人指定合议组。"))


def is_staff_of(user, adj) -> bool:
    """The user works at the office (or is an admin): may record things on behalf of a party."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(Role.SYSADMIN):
        return True
    return user.organization_id == adj.office_id and user.has_role(
        Role.ENFORCEMENT_OFFICER, Role.ADJUDICATION_CHIEF,
    )


def signal(adj, event, actor, **data):
    flowlink.signal(case=adj.case, event=event, actor=actor, **data)


def clean_text(value, field, label, *, required=True, max_length=5000):
    text = (value or "").strip()
    if required and not text:
        raise invalid(_("请填写%(label)s。") % {"label": label}, field, code="required")
    if len(text) > max_length:
        raise invalid(_("%(label)s不能超过%(max)s字。") % {"label": label, "max": max_length}, field,
                      code="max_length")
    return text


