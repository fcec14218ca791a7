"""赔偿调解: mediation of damages inside the adjudication (the decision itself cannot award damages)."""
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication import flowlink
from cases.adjudication.models import DamagesMediation
from cases.adjudication.services import _common as c
from cases.documents.models import DocumentType
from cases.models import CaseStatus
from cases.services import case_change_status, event_record

S = CaseStatus


@transaction.atomic
def adjudication_start_mediation(*, actor, case) -> DamagesMediation:
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    if adj.mediations.filter(state=DamagesMediation.State.ONGOING).exists():
        raise c.conflict(_("赔偿调解正在进行中。"))
    mediation = DamagesMediation.objects.create(adjudication=adj, started_by=actor)
    event_record(case=adj.case, actor=actor, kind="adjudication_mediation_started", public=True,
                 message=_("经双方同意，就赔偿数额进行调解"), after={"mediation": mediation.pk})
    return mediation


@transaction.atomic
def adjudication_end_mediation(*, actor, case, agreed: bool, amount=None, terms="", settles_case=False,
                               note="") -> DamagesMediation:
    """End the mediation: an agreement (调解协议书; if it settles the whole dispute the case closes as
    mediated) or no agreement (the adjudication goes on)."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    mediation = adj.mediations.select_for_update().filter(state=DamagesMediation.State.ONGOING).first()
    if mediation is None:
        raise c.conflict(_("没有正在进行的赔偿调解。"))
    note = c.clean_text(note, "note", _("说明"), required=not agreed, max_length=2000)
    mediation.ended_by, mediation.ended_at, mediation.note = actor, timezone.now(), note
    if not agreed:
        mediation.state = DamagesMediation.State.FAILED
        mediation.save(update_fields=["state", "ended_by", "ended_at", "note"])
        event_record(case=adj.case, actor=actor, kind="adjudication_mediation_failed", public=True,
                     message=_("赔偿调解未能达成协议，继续审理：%(note)s") % {"note": note},
                     after={"mediation": mediation.pk})
        return mediation
    terms = c.clean_text(terms, "terms", _("协议内容"), max_length=5000)
    if amount not in (None, ""):
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise c.invalid(_("请填写有效的赔偿金额。"), "amount") from None
        if amount < 0 or amount >= Decimal("1e12"):
            raise c.invalid(_("请填写有效的赔偿金额。"), "amount")
    else:
        amount = None
    mediation.state, mediation.amount, mediation.terms, mediation.settles_case = (
        DamagesMediation.State.AGREED, amount, terms, bool(settles_case))
    mediation.agreement_document = c.issue(
        actor, adj, DocumentType.MEDIATION_AGREEMENT, {"mediation": mediation},
        template="documents/pdf/adjudication_mediation_agreement.html", series=f"adjudication:{mediation.pk}",
    )
    mediation.save(update_fields=["state", "ended_by", "ended_at", "note", "amount", "terms", "settles_case",
                                  "agreement_document"])
    event_record(case=adj.case, actor=actor, kind="adjudication_mediation_agreed", public=True,
                 message=_("当事人就赔偿达成调解协议") + (_("，纠纷全部解决") if settles_case else ""),
                 after={"mediation": mediation.pk, "amount": str(amount) if amount is not None else None})
    if settles_case:
        case_change_status(case=adj.case, actor=actor, to=S.MEDIATED, reason=_("当事人达成调解协议，纠纷全部解决"))
        c.signal(adj, flowlink.SETTLED, actor)
        c.sync_case(case, adj.case)
    return mediation
