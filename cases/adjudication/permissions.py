"""Who may see and do what in 速裁: role (Group) for the kind of work, the case grant for which case.

- enforcement officers and the chief of the office: every case of the office (the office's group
  holds the case); panel members also hold the case in person;
- the chief alone approves (filing, panel, extension, suspension, recusal, decision);
- the panel works the case (questions, hearings, decision draft);
- a technical investigator sees only the questions put to it and the evidence attached to them;
- a party sees its own case's adjudication, its own evidence and the other side's evidence that
  is not confidential.

A case the user may not see answers 404; a role that may not do the thing answers 403.
"""
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.adjudication.models import Adjudication, EvidenceVisibility, TechnicalQuestion
from cases.models import Evidence, Party, Role
from cases.permissions import access_case, own_parties, visible_cases

OFFICER = Role.ENFORCEMENT_OFFICER
CHIEF = Role.ADJUDICATION_CHIEF
INVESTIGATOR = Role.TECHNICAL_INVESTIGATOR
STAFF_ROLES = (OFFICER, CHIEF)
PARTY_ROLES = (Role.COMPLAINANT, Role.RESPONDENT)


def is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def _adjudication(case) -> Adjudication:
    adj = Adjudication.objects.filter(case=case).select_related("office", "handler").first()
    if adj is None:
        raise Http404
    adj.case = case
    return adj


def may_change(user, case) -> bool:
    return visible_cases(user, "change_case").filter(pk=case.pk).exists()


def access_adjudication(user, case_id, *, roles=STAFF_ROLES, change=False) -> Adjudication:
    """The adjudication of case ``case_id`` for office staff: 403 for another role, 404 when invisible
    (or not in 速裁), 403 when ``change`` is asked and the user may only look."""
    case = access_case(user, case_id, roles=roles)
    adj = _adjudication(case)
    if change and not may_change(user, case):
        raise PermissionDenied
    return adj


def is_chief(user, adj) -> bool:
    return is_admin(user) or (user.has_role(CHIEF) and user.organization_id == adj.office_id)


def is_officer(user, adj) -> bool:
    return is_admin(user) or (user.has_role(OFFICER, CHIEF) and user.organization_id == adj.office_id)


def is_panel_member(user, adj) -> bool:
    return is_admin(user) or adj.panel.filter(active=True, user_id=user.pk).exists()


def require(condition):
    if not condition:
        raise PermissionDenied


def party_for(user, case) -> Party | None:
    """The party (applicant, respondent, third party) the user is, or acts for as agent."""
    own = sorted(own_parties(user, case), key=lambda p: (p.role, p.pk))  # the model's order
    if not own:
        return None
    party = own[0]
    return party.represents if party.role == Party.PartyRole.AGENT and party.represents_id else party


def access_as_party(user, case_id) -> tuple[Adjudication, Party]:
    """The adjudication of a case the user is a party of (or an agent in); 404 otherwise."""
    case = access_case(user, case_id)
    party = party_for(user, case)
    if party is None:
        raise Http404
    return _adjudication(case), party


def access_question(user, question_id) -> TechnicalQuestion:
    """A technical question for its investigator (and the office's staff who may see the case); else 404."""
    try:
        question_id = int(question_id)
    except (TypeError, ValueError):
        raise Http404 from None
    question = (TechnicalQuestion.objects.select_related("adjudication__case", "adjudication__office", "investigator")
                .filter(pk=question_id).first())
    if question is None or not user.is_authenticated:
        raise Http404
    if question.investigator_id == user.pk and user.has_role(INVESTIGATOR):
        return question
    if user.has_role(*STAFF_ROLES) or is_admin(user):
        access_adjudication(user, question.adjudication.case_id)
        return question
    raise Http404


def evidence_visible(user, adj, evidence, *, party=None, staff=None) -> bool:
    """Per-party visibility: confidential evidence of one party is for the panel, not the other party."""
    staff = is_officer(user, adj) or is_panel_member(user, adj) if staff is None else staff
    if staff:
        return True
    party = party if party is not None else party_for(user, adj.case)
    if party is None:
        return TechnicalQuestion.objects.filter(adjudication=adj, investigator=user, evidence=evidence).exists()
    if evidence.party_id == party.pk or evidence.uploaded_by_id == user.pk:
        return True
    confidential = EvidenceVisibility.objects.filter(evidence=evidence, confidential=True).exists()
    return not confidential


def access_evidence(user, case_id, evidence_id) -> tuple[Adjudication, Evidence]:
    """An evidence file of the case if the user may see it under the exchange's visibility; else 404.

    A technical investigator reaches the evidence attached to a question put to it through the
    question itself, whether or not it holds the case.
    """
    try:
        case_id, evidence_id = int(case_id), int(evidence_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if user.is_authenticated and user.has_role(INVESTIGATOR):
        question = (TechnicalQuestion.objects.filter(investigator=user, adjudication__case_id=case_id,
                                                     evidence__pk=evidence_id)
                    .select_related("adjudication__case", "adjudication__office").first())
        if question is not None:
            return question.adjudication, question.evidence.get(pk=evidence_id)
    case = access_case(user, case_id)
    adj = _adjudication(case)
    evidence = Evidence.objects.filter(pk=evidence_id, case=case).first()
    if evidence is None or not evidence_visible(user, adj, evidence):
        raise Http404
    return adj, evidence
