from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("快调")

    def ready(self):
        from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
        from django.db.models.functions import Coalesce
        from viewflow.workflow.models import Task

        from cases.selectors import register_case_page_fact, register_case_page_join
        from mediation.flow import OPEN_TASK_STATUSES
        from mediation.models import (
            AgreementConfirmation,
            MediationAgreement,
            MediationAssignment,
            MediationSession,
            PerformanceFollowUp,
            RecusalRequest,
        )

        # The case page's mediation panel reads these rows only when there are some.
        register_case_page_fact("has_mediation_sessions", lambda: Exists(
            MediationSession.objects.filter(case=OuterRef("pk"))))
        register_case_page_fact("mediation_follow_ups", lambda: Exists(
            PerformanceFollowUp.objects.filter(agreement__case=OuterRef("pk"))))
        register_case_page_fact("mediation_recusal_pending", lambda: Exists(
            RecusalRequest.objects.filter(case=OuterRef("pk"), status=RecusalRequest.Status.PENDING)))
        # The panel's steps (staff) are the open tasks of an unfinished process: none once mediation ended.
        register_case_page_fact("mediation_open_steps", lambda: Exists(Task.objects.filter(
            process__mediationprocess__case_id=OuterRef("pk"), process__finished__isnull=True,
            status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")))
        # The parties who confirmed the agreement's current text: the panel shows how many.
        register_case_page_fact("mediation_confirmations", lambda: Coalesce(Subquery(
            AgreementConfirmation.objects.filter(agreement__case=OuterRef("pk"),
                                                 document_id=F("agreement__draft_document_id"))
            .exclude(agreement__status=MediationAgreement.Status.VOID)
            .order_by().values("agreement").annotate(n=Count("pk")).values("n")[:1]), Value(0)))
        # The latest assignment with its mediator (none: never assigned), and the agreement (one not void, by a
        # constraint), are joined to the case: the panel reads them without a query of its own.
        register_case_page_join(
            "mediation_latest_assignment", "mediation_assignments",
            lambda: Q(mediation_assignments__pk=Subquery(MediationAssignment.objects.filter(case=OuterRef("pk"))
                                                         .order_by("-created_at", "-id").values("pk")[:1])),
            related=("mediator",))
        register_case_page_join(
            "mediation_agreement", "mediation_agreements",
            lambda: Q(mediation_agreements__status__in=[
                s for s in MediationAgreement.Status.values if s != MediationAgreement.Status.VOID]),
            related=("draft_document", "document"))
