"""速裁 pages. Mounted by ``workflows/urls_adjudication.py`` under ``workflows:adjudication``
(``cases.adjudication.links`` names the namespace for this app's code)."""
from django.urls import path

from cases.adjudication import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:case_id>/", views.workspace, name="workspace"),
    path("<int:case_id>/filing/", views.filing, name="filing"),
    path("<int:case_id>/panel/", views.panel, name="panel"),
    path("<int:case_id>/service/", views.service, name="service"),
    path("<int:case_id>/evidence/", views.evidence, name="evidence"),
    path("<int:case_id>/evidence/<int:evidence_id>/download/", views.evidence_download, name="evidence_download"),
    path("<int:case_id>/technical/", views.technical, name="technical"),
    path("<int:case_id>/hearings/", views.hearings, name="hearings"),
    path("<int:case_id>/procedure/", views.procedure, name="procedure"),
    path("<int:case_id>/decision/", views.decision, name="decision"),
    path("<int:case_id>/party/", views.party, name="party"),
    path("questions/<int:question_id>/", views.question, name="question"),
]
