"""精审 URLs (``workflows:tribunal``): the circuit station's queue, case page and actions."""
from django.urls import path

from workflows import views_tribunal as views
from workflows import views_tribunal_delegation as delegation

app_name = "tribunal"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("delegations/", delegation.delegations, name="delegations"),
    path("delegations/new/", delegation.delegation_new, name="delegation_new"),
    path("<int:case_id>/", views.case_page, name="case"),
    path("<int:case_id>/package/<slug:part>/", views.package_download, name="package"),
    path("<int:case_id>/<slug:name>/", views.action, name="action"),
]
