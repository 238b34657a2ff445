"""Pages of field service under /field/ (namespace "fieldservice"): the technician's visit page and
the supervisors' review of service reports (visit_views); appointments, the board and the
technician's day (appointment_urls)."""

from django.urls import URLPattern, URLResolver, path

from aftersales.fieldservice import appointment_urls, visit_views

app_name = "fieldservice"

urlpatterns: list[URLPattern | URLResolver] = [
    path("work-orders/<int:work_order_id>/visit/", visit_views.visit_for_work_order, name="visit_for_work_order"),
    path("visits/<int:visit_id>/", visit_views.visit_detail, name="visit"),
    path("visits/<int:visit_id>/do/<slug:name>/", visit_views.visit_action, name="visit_action"),
    path("visits/<int:visit_id>/photos/<int:photo_id>/<slug:size>/", visit_views.visit_photo, name="visit_photo"),
    path("visits/<int:visit_id>/signature/", visit_views.visit_signature, name="visit_signature"),
    path("visits/<int:visit_id>/report.pdf", visit_views.visit_report_pdf, name="visit_report_pdf"),
    path("reports/", visit_views.reports, name="reports"),
    path("reports/<int:visit_id>/", visit_views.report_review, name="report"),
]
urlpatterns += appointment_urls.urlpatterns  # the board, today, booking and the appointment page
