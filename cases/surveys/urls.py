from django.urls import path

from cases.surveys import views

app_name = "surveys"
urlpatterns = [
    path("survey/<str:token>/", views.answer, name="answer"),
    path("surveys/mine/", views.mine, name="mine"),
]
