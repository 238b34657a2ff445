from django.urls import path

from aftersales.surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.answer, name="answer"),
    path("phone/", views.phone_survey, name="phone"),
    path("scores/", views.dashboard, name="dashboard"),
    path("improvement/", views.improvement_list, name="improvement"),
    path("improvement/<int:pk>/", views.improvement_edit, name="improvement_edit"),
]
