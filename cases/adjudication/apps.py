from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdjudicationConfig(AppConfig):
    name = "cases.adjudication"
    label = "adjudication"
    verbose_name = _("速裁（专利侵权纠纷行政裁决）")

    def ready(self):
        from django.db.models import Count, Exists, OuterRef, Subquery, Value
        from django.db.models.functions import Coalesce

        from cases.adjudication.models import Answer, PanelMember
        from cases.selectors import register_case_page_fact

        # The number of answers the case page's 速裁 panel shows, counted with the case.
        register_case_page_fact("adjudication_answers", lambda: Coalesce(Subquery(
            Answer.objects.filter(adjudication__case=OuterRef("pk")).order_by().values("adjudication")
            .annotate(n=Count("pk")).values("n")[:1]), Value(0)))
        # Whether a panel sits (none before the chief appoints one): the 速裁 panel reads its members only then.
        register_case_page_fact("adjudication_panel", lambda: Exists(
            PanelMember.objects.filter(adjudication__case=OuterRef("pk"), active=True)))
