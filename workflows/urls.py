from django.urls import include, path

from workflows import views

app_name = "workflows"
urlpatterns = [
    path("intake/", views.intake_queue, name="intake_queue"),
    path("intake/<int:case_id>/", views.triage, name="triage"),
    path("respond/<str:token>/", views.respond, name="respond"),
    path("respond/case/<int:case_id>/", views.respondent_case, name="respondent_case"),
    path("respond/case/<int:case_id>/consent/", views.respondent_consent, name="respondent_consent"),
    path("respond/case/<int:case_id>/answer/", views.respondent_answer, name="respondent_answer"),
    path("cases/<int:case_id>/consent/", views.record_consent, name="record_consent"),
    path("cases/<int:case_id>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<int:case_id>/next/", views.next_route, name="next_route"),
    path("mediation/", include("workflows.urls_mediation")),
    path("adjudication/", include("workflows.urls_adjudication")),
    path("tribunal/", include("workflows.urls_tribunal")),
]
