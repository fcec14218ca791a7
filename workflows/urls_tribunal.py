"""精审 URLs (``workflows:tribunal``): the circuit station's queue, case page and actions."""
from django.urls import path

from workflows import views_tribunal as views

app_name = "tribunal"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:case_id>/", views.case_page, name="case"),
    path("<int:case_id>/<slug:name>/", views.action, name="action"),
]
