from django.urls import path

from aftersales.repairs import views

app_name = "repairs"

urlpatterns = [
    path("", views.board, name="list"),
    path("mine/", views.my_queue, name="mine"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/inspect/", views.inspect, name="inspect"),
    path("<int:pk>/do/<slug:name>/", views.action, name="action"),
    path("<int:pk>/photos/<int:attachment_id>/<slug:size>/", views.photo, name="photo"),
    path("shipments/new/", views.shipment_create, name="shipment_create"),
    path("shipments/<int:pk>/", views.shipment_detail, name="shipment"),
    path("shipments/<int:pk>/deliver/", views.shipment_deliver, name="shipment_deliver"),
]
