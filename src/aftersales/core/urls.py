from django.urls import path

from aftersales.core import views

app_name = "core"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("menu/", views.inbox_menu, name="inbox_menu"),
    path("<int:pk>/", views.inbox_open, name="inbox_open"),
    path("<int:pk>/group/", views.inbox_group, name="inbox_group"),
    path("<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", views.outbox_retry_view, name="outbox_retry"),
]
