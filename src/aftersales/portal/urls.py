from django.urls import path

from aftersales.portal import attachment_views, property_views, views

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
    # The customer's items in our care (用户备品, R-7.3).
    path("property/", property_views.property_list, name="property"),
    path("property/<int:pk>/", property_views.property_detail, name="property_detail"),
    path("property/<int:pk>/photos/<int:photo_id>/", property_views.property_photo, name="property_photo"),
    path(
        "property/<int:pk>/photos/<int:photo_id>/thumbnail/",
        property_views.property_thumbnail,
        name="property_thumbnail",
    ),
    path("property/<int:pk>/signature/", property_views.property_signature, name="property_signature"),
]
