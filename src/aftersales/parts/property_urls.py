from django.urls import path

from aftersales.parts import property_views as views

app_name = "property"

urlpatterns = [
    path("", views.property_list, name="list"),
    path("receive/", views.property_receive, name="receive"),
    path("<int:pk>/", views.property_detail, name="detail"),
    path("<int:pk>/hand-over/", views.property_hand_over, name="hand_over"),
    path("<int:pk>/return/", views.property_return, name="return"),
    path("<int:pk>/photos/", views.property_photos_add, name="photos_add"),
    path("<int:pk>/photos/<int:photo_id>/", views.property_photo, name="photo"),
    path("<int:pk>/photos/<int:photo_id>/thumbnail/", views.property_thumbnail, name="thumbnail"),
    path("<int:pk>/signature/", views.property_signature, name="signature"),
]
