"""证据交换: per-party visibility of evidence (confidential evidence is for the panel only)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication.models import EvidenceVisibility
from cases.adjudication.services import _common as c
from cases.models import CaseStatus, Evidence, Party
from cases.services import event_record, evidence_add, evidence_set_confidential

S = CaseStatus
EXCHANGE_STATUSES = (S.ADJUDICATION_REVIEW, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)


def _may_mark(actor, adj, evidence) -> bool:
    """The party that submitted it (or its agent), or the office's staff."""
    if c.is_staff_of(actor, adj):
        return True
    if evidence.party_id is None:
        return evidence.uploaded_by_id == actor.pk
    own = Party.objects.filter(case=adj.case, user_id=actor.pk)
    return own.filter(pk=evidence.party_id).exists() or own.filter(represents_id=evidence.party_id).exists()


@transaction.atomic
def evidence_set_visibility(*, actor, case, evidence, confidential: bool, reason="") -> EvidenceVisibility:
    """Mark evidence confidential (seen by the panel, not by the other party) or open again."""
    adj = c.lock(case)
    c.require_status(adj.case, *EXCHANGE_STATUSES)
    evidence = Evidence.objects.filter(pk=getattr(evidence, "pk", None), case=adj.case).first()
    if evidence is None:
        raise c.invalid(_("请选择本案的证据。"), "evidence")
    if not _may_mark(actor, adj, evidence):
        raise c.invalid(_("只有提交该证据的当事人或办案人员可以设置其可见范围。"), "evidence")
    reason = c.clean_text(reason, "reason", _("保密理由"), required=confidential, max_length=300)
    evidence_set_confidential(actor=actor, evidence=evidence, confidential=confidential, reason=reason)
    row, _created = EvidenceVisibility.objects.update_or_create(
        evidence=evidence,
        defaults={"confidential": confidential, "reason": reason, "marked_by": actor, "marked_at": timezone.now()},
    )
    event_record(
        case=adj.case, actor=actor, kind="adjudication_evidence_visibility",
        message=(_("证据“%(name)s”设为仅合议组可见：%(reason)s") if confidential
                 else _("证据“%(name)s”设为双方可见")) % {"name": evidence.original_name, "reason": reason},
        after={"evidence": evidence.pk, "confidential": confidential},
    )
    return row


@transaction.atomic
def adjudication_add_evidence(*, actor, case, uploaded_file, description="", party=None, confidential=False,
                              reason="", ip_address=None) -> Evidence:
    """Submit evidence in the exchange, optionally confidential, in one step."""
    adj = c.lock(case)
    c.require_status(adj.case, *EXCHANGE_STATUSES)
    if confidential:
        c.clean_text(reason, "reason", _("保密理由"), max_length=300)
    evidence = evidence_add(actor=actor, case=adj.case, uploaded_file=uploaded_file, description=description,
                            party=party, ip_address=ip_address)
    if confidential:
        evidence_set_visibility(actor=actor, case=adj.case, evidence=evidence, confidential=True, reason=reason)
    return evidence
