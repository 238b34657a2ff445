from django.urls import path

from aftersales.core import views

app_name = "core"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", views.outbox_retry_view, name="outbox_retry"),
]
