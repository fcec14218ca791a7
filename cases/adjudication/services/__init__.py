"""速裁 services: every write of the adjudication tier, as ``<entity>_<verb>(*, actor, ...)``.

Each runs in one transaction (locking the case row, then its adjudication row), records its
``CaseEvent`` in that transaction, and tells the workflow what happened (``flowlink.signal``).
"""
from cases.adjudication.services.decision import (  # noqa: F401
    adjudication_close_performance,
    adjudication_decide_decision,
    adjudication_draft_decision,
    adjudication_make_final,
    adjudication_record_suit,
    order_text,
)
from cases.adjudication.services.evidence import adjudication_add_evidence, evidence_set_visibility  # noqa: F401
from cases.adjudication.services.filing import (  # noqa: F401
    adjudication_decide_filing,
    adjudication_receive,
    adjudication_review,
    refresh_repeat_flag,
    repeat_infringer_cases,
    review_hints,
)
from cases.adjudication.services.hearing import (  # noqa: F401
    adjudication_adjourn_hearing,
    adjudication_record_hearing,
    adjudication_schedule_hearing,
    earliest_hearing_date,
)
from cases.adjudication.services.limit import (  # noqa: F401
    adjudication_decide_extension,
    adjudication_request_extension,
    extensions_left,
)
from cases.adjudication.services.mediation import (  # noqa: F401
    adjudication_end_mediation,
    adjudication_start_mediation,
)
from cases.adjudication.services.panel import (  # noqa: F401
    adjudication_appoint_panel,
    adjudication_decide_recusal,
    adjudication_raise_recusal,
    eligible_handlers,
)
from cases.adjudication.services.serving import (  # noqa: F401
    adjudication_answer_lapse,
    adjudication_confirm_receipt,
    adjudication_forward_answer,
    adjudication_issue_answer_notice,
    adjudication_serve,
    adjudication_submit_answer,
    current_answer_notice,
)
from cases.adjudication.services.suspension import (  # noqa: F401
    adjudication_decide_suspension,
    adjudication_request_suspension,
    adjudication_resume,
)
from cases.adjudication.services.technical import (  # noqa: F401
    adjudication_ask_technical,
    adjudication_give_opinion,
    adjudication_withdraw_question,
    investigators,
)
