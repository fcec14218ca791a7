from django.urls import path

from mediation import views

app_name = "mediation"
urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("board/", views.board, name="board"),
    path("flow/", views.flow_page, name="flow"),
    path("flow/chart.svg", views.flow_chart, name="flow_chart"),
    path("cases/<int:case_id>/", views.work, name="work"),
    path("cases/<int:case_id>/chart.svg", views.case_chart, name="case_chart"),
    path("cases/<int:case_id>/assign/", views.assign, name="assign"),
    path("cases/<int:case_id>/respond/", views.respond, name="respond"),
    path("cases/<int:case_id>/claim/", views.claim, name="claim"),
    path("cases/<int:case_id>/release/", views.release, name="release"),
    path("cases/<int:case_id>/sessions/new/", views.session_new, name="session_new"),
    path("cases/<int:case_id>/agreement/", views.agreement, name="agreement"),
    path("cases/<int:case_id>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path("cases/<int:case_id>/agreement/signature/", views.agreement_signature, name="agreement_signature"),
    path("cases/<int:case_id>/agreement/<slug:action>/", views.agreement_action, name="agreement_action"),
    path("cases/<int:case_id>/recusal/", views.recusal, name="recusal"),
    path("cases/<int:case_id>/extension/", views.extension, name="extension"),
    path("cases/<int:case_id>/follow-up/", views.follow_up, name="follow_up"),
    path("sessions/<int:session_id>/change/", views.session_reschedule, name="session_reschedule"),
    path("sessions/<int:session_id>/record/", views.session_record, name="session_record"),
    path("sessions/<int:session_id>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("invite/<str:token>/", views.session_invite, name="session_invite"),
    path("recusals/<int:request_id>/", views.recusal_decide, name="recusal_decide"),
    path("extensions/<int:extension_id>/", views.extension_decide, name="extension_decide"),
]
