from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("快调")

    def ready(self):
        from django.db.models import Exists, OuterRef

        from cases.selectors import register_case_page_fact
        from mediation.models import (
            MediationAgreement,
            MediationAssignment,
            MediationSession,
            PerformanceFollowUp,
            RecusalRequest,
        )

        # The case page's mediation panel reads these rows only when there are some.
        register_case_page_fact("mediation_assigned", lambda: Exists(
            MediationAssignment.objects.filter(case=OuterRef("pk"))))
        register_case_page_fact("has_mediation_sessions", lambda: Exists(
            MediationSession.objects.filter(case=OuterRef("pk"))))
        register_case_page_fact("has_mediation_agreement", lambda: Exists(
            MediationAgreement.objects.filter(case=OuterRef("pk")).exclude(status="void")))
        register_case_page_fact("mediation_follow_ups", lambda: Exists(
            PerformanceFollowUp.objects.filter(agreement__case=OuterRef("pk"))))
        register_case_page_fact("mediation_recusal_pending", lambda: Exists(
            RecusalRequest.objects.filter(case=OuterRef("pk"), status=RecusalRequest.Status.PENDING)))
