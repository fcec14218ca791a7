from django.urls import path

from cases.statistics import views

app_name = "statistics"
urlpatterns = [
    path("statistics/", views.dashboard, name="dashboard"),
    path("statistics/export/<str:fmt>/", views.export, name="export"),
    path("statistics/reports/", views.reports, name="reports"),
    path("statistics/typical/", views.typical_manage, name="typical_manage"),
    path("statistics/typical/propose/<int:case_id>/", views.typical_propose, name="typical_propose"),
    path("statistics/typical/<int:pk>/review/", views.typical_review, name="typical_review"),
    path("typical-cases/", views.public_list, name="public_list"),
    path("typical-cases/<int:pk>/", views.public_detail, name="public_detail"),
]
