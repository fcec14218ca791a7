from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:case_id>/supplement/", views.supplement_answer, name="supplement_answer"),
    path("evidence/<int:evidence_id>/download/", views.evidence_download, name="evidence_download"),
]
