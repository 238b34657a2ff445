from django.urls import path

from aftersales.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("work-orders/<int:pk>/", views.work_order_proposals, name="proposals"),
    path("work-orders/<int:pk>/assign/", views.assign, name="assign"),
    path("approvals/<int:pk>/decide/", views.decide, name="decide"),
    path("settings/", views.settings_update, name="settings"),
    path("work-orders/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("escalations/", views.escalation_list, name="escalations"),
    path("escalations/<int:pk>/answer/", views.escalation_answer, name="escalation_answer"),
]
