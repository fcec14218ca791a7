"""快调 services: every write of the mediation tier, as ``<entity>_<verb>(*, actor, ...)``.

Each runs in one transaction and records its CaseEvent in it. A move between tiers is
not made here: the chain router (``workflows.router``) calls these and then the next
tier's entry. Each service also marks its step of the case's viewflow process done
(``mediation.flow``); the flow's gateways read the business state it left.
"""
from mediation.services.agreement import (  # noqa: F401
    ConfirmationLocked,
    agreement_confirm,
    agreement_issue,
    agreement_of,
    agreement_record_signature,
    agreement_save,
    agreement_seal,
    agreement_sign,
    followup_mediator,
    followup_record,
    judicial_eligible,
    judicial_file,
    judicial_join,
    judicial_window_lapse,
)
from mediation.services.assignment import (  # noqa: F401
    mediation_assign,
    mediation_assignment_accept,
    mediation_assignment_decline,
    mediation_claim,
    mediation_release,
    recusal_decide,
    recusal_request,
)
from mediation.services.common import (  # noqa: F401
    KIND_ACCEPT,
    KIND_CONFIRMATION,
    KIND_CONSENT,
    KIND_LIMIT,
    KIND_PERFORMANCE,
    MEDIATION_DEADLINE_KINDS,
    active_assignment,
    current_mediator,
    party_for_user,
    principals,
)
from mediation.services.consent import (  # noqa: F401
    CONSENT_WORKING_DAYS,
    TerminationReason,
    court_materials_returned,
    court_report,
    mediation_consent_answer,
    mediation_open,
    mediation_open_delegated,
    mediation_terminate,
    respondent_link,
)
from mediation.services.extension import extension_decide, extension_request  # noqa: F401
from mediation.services.reminders import (  # noqa: F401
    close_abandoned_processes,
    deadline_remind,
    due_reminders,
    lapse_confirmation_windows,
)
from mediation.services.sessions import (  # noqa: F401
    session_cancel,
    session_mark_missed,
    session_record,
    session_reschedule,
    session_schedule,
)
