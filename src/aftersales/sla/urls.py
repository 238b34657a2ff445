from django.urls import path

from aftersales.sla import views

app_name = "sla"

urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<int:calendar_id>/exceptions/", views.exception_add, name="exception_add"),
    path("calendar/<int:calendar_id>/exceptions/<int:day_id>/delete/", views.exception_delete, name="exception_delete"),
    path("calendar/years/<int:year>/seed/", views.year_seed, name="year_seed"),
    path("calendar/years/<int:year>/confirm/", views.year_confirm, name="year_confirm"),
    path("preview/sentence/", views.preview_sentence, name="preview_sentence"),
    path("compliance/", views.compliance_page, name="compliance"),
]
