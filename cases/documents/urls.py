from django.urls import path

from cases.documents import views

app_name = "documents"
urlpatterns = [
    path("documents/<int:document_id>/download/", views.document_download, name="download"),
    path("verify/<str:code>/", views.document_verify_page, name="verify"),
]
