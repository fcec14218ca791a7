"""The chain's mediation pages that move a case between tiers (reversed as ``workflows:mediation:…``)."""
from django.urls import path

from workflows import views_mediation as views

app_name = "mediation"
urlpatterns = [
    path("cases/<int:case_id>/terminate/", views.terminate, name="terminate"),
    path("cases/<int:case_id>/judicial/", views.judicial, name="judicial"),
]
