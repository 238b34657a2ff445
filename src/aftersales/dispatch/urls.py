from django.urls import path

from aftersales.dispatch import notice_views, views

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
    path("work-orders/<int:pk>/notices/", notice_views.work_order_notices, name="notices"),
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice"),
    path("notices/<int:pk>/pdf/", notice_views.notice_pdf, name="notice_pdf"),
]
