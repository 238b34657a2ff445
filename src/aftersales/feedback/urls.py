from django.urls import path

from aftersales.feedback import views

app_name = "feedback"

urlpatterns = [
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/tasks/<int:task_id>/tick/", views.incident_task_tick, name="incident_tick"),
    path("incidents/<int:incident_id>/close/", views.incident_close, name="incident_close"),
    path("complaints/<int:work_order_id>/", views.complaint_page, name="complaint"),
    path("complaints/<int:work_order_id>/<slug:step>/", views.complaint_step, name="complaint_step"),
]

urlpatterns += [
    path("quality/", views.quality_list, name="quality_list"),
    path("quality/new/", views.quality_create, name="quality_create"),
    path("quality/<int:feedback_id>/", views.quality_detail, name="quality"),
    path("quality/<int:feedback_id>/<slug:step>/", views.quality_step, name="quality_step"),
    path("opinions/", views.opinion_list, name="opinions"),
    path("opinions/new/", views.opinion_create, name="opinion_create"),
    path("opinions/<int:opinion_id>/answer/", views.opinion_answer, name="opinion_answer"),
]
