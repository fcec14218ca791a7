"""The tier's link to its workflow: who acts next.

The viewflow flows live in ``workflows.flows.adjudication`` (DESIGN.md section 3: nothing
imports ``workflows`` but ``config``). ``settings.IPDR_ADJUDICATION_WORKFLOW`` names that
module, so the wiring is done by ``config``, the same way ``SMS_BACKEND`` names the SMS
gateway. The module provides:

- ``on_event(*, case, event, actor, **data)``: advance the flow after a service changed the
  case, inside the service's transaction;
- ``open_steps(case_ids) -> {case_id: [Step, ...]}``: the open tasks of those cases;
- ``cases_waiting(roles, user=None) -> queryset of case ids``: cases with an open task for
  one of ``roles`` (and, for tasks assigned to a person, for ``user``).

With no workflow configured the services still work; nothing tracks who acts next.
"""
from importlib import import_module

from django.conf import settings

# Events the services send, with what each carries in ``data``.
RECEIVED = "received"
REVIEW_SUBMITTED = "review_submitted"
FILING_DECIDED = "filing_decided"  # outcome: filed / refused / returned
PANEL_APPOINTED = "panel_appointed"
REQUEST_SERVED = "request_served"  # party
ANSWER_RECEIVED = "answer_received"  # party
ANSWER_LAPSED = "answer_lapsed"  # party
ANSWER_FORWARDED = "answer_forwarded"  # party
QUESTION_ASKED = "question_asked"  # question
QUESTION_CLOSED = "question_closed"  # question (answered or withdrawn)
EXTENSION_REQUESTED = "extension_requested"  # request
EXTENSION_DECIDED = "extension_decided"  # request
SUSPENSION_REQUESTED = "suspension_requested"  # request
SUSPENSION_DECIDED = "suspension_decided"  # request, granted
RESUMED = "resumed"  # request
RECUSAL_RAISED = "recusal_raised"  # recusal
RECUSAL_DECIDED = "recusal_decided"  # recusal, granted
DECISION_SUBMITTED = "decision_submitted"
SETTLED = "settled"
DECISION_DECIDED = "decision_decided"  # outcome: approved / returned
DECISION_SERVED = "decision_served"
SUIT_FILED = "suit_filed"
DECISION_FINAL = "decision_final"
PERFORMANCE_CLOSED = "performance_closed"
CLOSED = "closed"


def workflow():
    path = getattr(settings, "IPDR_ADJUDICATION_WORKFLOW", "")
    return import_module(path) if path else None


def signal(*, case, event, actor=None, **data):
    """Tell the workflow what happened; called by services inside their transaction."""
    wf = workflow()
    if wf is not None:
        wf.on_event(case=case, event=event, actor=actor, **data)


def open_steps(case_ids) -> dict:
    wf = workflow()
    return wf.open_steps(list(case_ids)) if wf is not None else {}


def cases_waiting(roles, user=None):
    """Ids of cases with an open task for one of ``roles`` (a queryset usable in ``pk__in``), or None."""
    wf = workflow()
    return wf.cases_waiting(roles, user=user) if wf is not None else None
