"""Every write to the case file, as ``<entity>_<verb>(*, actor, ...)`` functions.

Each runs in one transaction and records its ``CaseEvent`` in that transaction.
Views, flows, tasks, the API and commands call these; nothing else saves a Case.
"""
from cases.services.access import case_grant_organization, case_grant_user, user_set_roles  # noqa: F401
from cases.services.cases import (  # noqa: F401
    CaseTransitionError,
    case_change_status,
    case_create,
    case_enter_tier,
    case_lock,
    case_move_to_organization,
    case_set_court_reference,
    organization_for,
)
from cases.services.events import event_record  # noqa: F401
from cases.services.numbering import case_assign_number  # noqa: F401
from cases.services.organizations import organization_create, user_join_organization  # noqa: F401

# isort: split
from cases.services.deadlines import (  # noqa: F401
    DeadlineError,
    deadline_cancel,
    deadline_complete,
    deadline_extend,
    deadline_open,
    deadline_refresh_provisional,
    deadline_resume,
    deadline_stop,
    deadlines_resume_all,
    deadlines_stop_all,
)
from cases.services.evidence import evidence_add, evidence_set_confidential  # noqa: F401
