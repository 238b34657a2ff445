from django.urls import path

from aftersales.portal import attachment_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    # The navigation (web.context_processors.PORTAL_ITEMS) links to this name.
    path("new/", views.new, name="request_create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/attachments/", attachment_views.upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_id>/", attachment_views.file, name="attachment_file"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/thumbnail/", attachment_views.thumbnail, name="attachment_thumbnail"
    ),
]
