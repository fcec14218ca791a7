"""/api/v1/docking/: the court system's docking API (names in the "v1" namespace, prefixed docking-)."""
from django.urls import path

from workflows import api_docking as views

urlpatterns = [
    path("transfers/", views.TransferListView.as_view(), name="docking-transfer-list"),
    path("transfers/<int:case_id>/", views.TransferDetailView.as_view(), name="docking-transfer-detail"),
    path("transfers/<int:case_id>/acknowledge/", views.TransferAcknowledgeView.as_view(),
         name="docking-transfer-acknowledge"),
    path("transfers/<int:case_id>/docket/", views.TransferDocketView.as_view(), name="docking-transfer-docket"),
    path("transfers/<int:case_id>/outcome/", views.TransferOutcomeView.as_view(), name="docking-transfer-outcome"),
    path("transfers/<int:case_id>/package.zip", views.TransferPackageZipView.as_view(),
         name="docking-transfer-package-zip"),
    path("transfers/<int:case_id>/package.pdf", views.TransferPackagePdfView.as_view(),
         name="docking-transfer-package-pdf"),
    path("confirmations/", views.ConfirmationListView.as_view(), name="docking-confirmation-list"),
    path("confirmations/<int:case_id>/", views.ConfirmationDetailView.as_view(), name="docking-confirmation-detail"),
    path("confirmations/<int:case_id>/accept/", views.ConfirmationAcceptView.as_view(),
         name="docking-confirmation-accept"),
    path("confirmations/<int:case_id>/ruling/", views.ConfirmationRulingView.as_view(),
         name="docking-confirmation-ruling"),
    path("delegations/", views.DelegationListView.as_view(), name="docking-delegation-list"),
    path("delegations/<int:case_id>/", views.DelegationDetailView.as_view(), name="docking-delegation-detail"),
    path("cases/<int:case_id>/status/", views.CaseStatusView.as_view(), name="docking-case-status"),
    path("cases/<int:case_id>/evidence/<int:evidence_id>/download/", views.EvidenceDownloadView.as_view(),
         name="docking-evidence-download"),
    path("cases/<int:case_id>/documents/<int:document_id>/download/", views.DocumentDownloadView.as_view(),
         name="docking-document-download"),
]
