from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "cases.surveys"
    label = "surveys"
    verbose_name = _("满意度调查")

    def ready(self):
        from django.db.models import Exists, OuterRef

        from cases.selectors import register_case_page_fact
        from cases.surveys.models import SurveyInvitation

        register_case_page_fact("survey_invited", lambda: Exists(SurveyInvitation.objects.filter(case=OuterRef("pk"))))
