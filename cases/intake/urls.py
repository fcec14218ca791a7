from django.urls import path

from cases.intake import views

app_name = "intake"
urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path("guide/start/", views.guide_start, name="guide_start"),
    path("privacy/", views.privacy, name="privacy"),
    path("register/", views.register, name="register"),
    path("complaint/", views.complaint_start, name="complaint_start"),
    path("complaint/submitted/<int:case_id>/", views.submitted, name="submitted"),
    path("complaint/<int:draft_id>/<slug:step>/", views.complaint_step, name="complaint_step"),
    path("notices/", views.notices, name="notices"),
]
