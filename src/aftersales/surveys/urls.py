from django.urls import path

from aftersales.surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.answer, name="answer"),
    path("phone/", views.phone_survey, name="phone"),
    path("scores/", views.dashboard, name="dashboard"),
    path("improvement/", views.improvement_list, name="improvement"),
    path("improvement/<int:pk>/", views.improvement_edit, name="improvement_edit"),
    path("samples/", views.sample_list, name="samples"),
    path("samples/<int:pk>/", views.sample_detail, name="sample"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_edit, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("calls/", views.follow_up_list, name="calls"),
    path("calls/<int:work_order_id>/<slug:kind>/", views.follow_up_call, name="call"),
]
