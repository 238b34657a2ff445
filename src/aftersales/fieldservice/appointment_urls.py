"""Appointment pages under /field/ (included by fieldservice/urls.py, namespace "fieldservice")."""

from django.urls import URLPattern, path

from aftersales.fieldservice import appointment_views as views

urlpatterns: list[URLPattern] = [
    path("board/", views.board, name="board"),
    path("today/", views.today, name="today"),
    path("work-orders/<int:work_order_id>/appointment/", views.book, name="book"),
    path("appointments/<int:appointment_id>/", views.appointment_detail, name="appointment"),
    path("appointments/<int:appointment_id>/move/", views.appointment_move, name="appointment_move"),
    path("appointments/<int:appointment_id>/cancel/", views.appointment_cancel, name="appointment_cancel"),
]
