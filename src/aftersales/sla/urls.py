from django.urls import path

from aftersales.sla import policy_views, views

app_name = "sla"

urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<int:calendar_id>/exceptions/", views.exception_add, name="exception_add"),
    path("calendar/<int:calendar_id>/exceptions/<int:day_id>/delete/", views.exception_delete, name="exception_delete"),
    path("calendar/<int:calendar_id>/periods/", views.period_add, name="period_add"),
    path("calendar/<int:calendar_id>/periods/<int:period_id>/", views.period_update, name="period_update"),
    path("calendar/<int:calendar_id>/periods/<int:period_id>/delete/", views.period_delete, name="period_delete"),
    path("calendar/years/<int:year>/seed/", views.year_seed, name="year_seed"),
    path("calendar/years/<int:year>/confirm/", views.year_confirm, name="year_confirm"),
    path("preview/sentence/", views.preview_sentence, name="preview_sentence"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("policies/", policy_views.policy_list, name="policies"),
    path("policies/new/", policy_views.policy_create, name="policy_create"),
    path("policies/preview/", policy_views.policy_preview, name="policy_preview"),
    path("policies/<int:policy_id>/", policy_views.policy_edit, name="policy"),
    path("policies/<int:policy_id>/rules/", policy_views.rule_add, name="rule_add"),
    path("policies/<int:policy_id>/rules/<int:rule_id>/", policy_views.rule_edit, name="rule_edit"),
    path("policies/<int:policy_id>/rules/<int:rule_id>/delete/", policy_views.rule_delete, name="rule_delete"),
]
