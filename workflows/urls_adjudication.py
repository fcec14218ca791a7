"""速裁 URLs, one namespace (``workflows:adjudication``): the tier's pages from ``cases.adjudication``
and the chain's views of the tier (suit to the tribunal, finality, charts)."""
from django.urls import path

from cases.adjudication.urls import urlpatterns as tier_urls
from workflows import views_adjudication as views

app_name = "adjudication"
urlpatterns = [
    *tier_urls,
    path("flows/", views.flows_page, name="flows"),
    path("flows/<str:name>.svg", views.flow_svg, name="flow_svg"),
    path("<int:case_id>/suit/", views.suit, name="suit"),
    path("<int:case_id>/final/", views.final, name="final"),
    path("<int:case_id>/chart/", views.chart_page, name="chart"),
    path("<int:case_id>/chart/<int:process_id>.svg", views.chart_svg, name="chart_svg"),
]
