"""The versioned REST API: /api/v1/ (session and token authentication)."""
from django.urls import path

from cases import api as cases_api
from workflows import api as workflows_api

app_name = "v1"
urlpatterns = [
    path("auth/token/", cases_api.TokenView.as_view(), name="auth-token"),
    path("cases/", cases_api.CaseListView.as_view(), name="case-list"),
    path("cases/<int:case_id>/", cases_api.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:case_id>/evidence/", cases_api.EvidenceUploadView.as_view(), name="case-evidence"),
    path("evidence/<int:evidence_id>/download/", cases_api.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("complaints/", cases_api.ComplaintCreateView.as_view(), name="complaint-create"),
    path("cases/<int:case_id>/supplement-answer/", workflows_api.SupplementAnswerView.as_view(),
         name="case-supplement-answer"),
    path("cases/<int:case_id>/withdraw/", workflows_api.WithdrawView.as_view(), name="case-withdraw"),
    path("cases/<int:case_id>/next-route/", workflows_api.NextRouteView.as_view(), name="case-next-route"),
    path("cases/<int:case_id>/consent/", workflows_api.ConsentView.as_view(), name="case-consent"),
    path("intake/queue/", workflows_api.IntakeQueueView.as_view(), name="intake-queue"),
    path("intake/<int:case_id>/accept/", workflows_api.IntakeAcceptView.as_view(), name="intake-accept"),
    path("intake/<int:case_id>/supplement/", workflows_api.IntakeSupplementView.as_view(), name="intake-supplement"),
    path("intake/<int:case_id>/refuse/", workflows_api.IntakeRefuseView.as_view(), name="intake-refuse"),
]
