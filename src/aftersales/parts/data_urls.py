from django.urls import path

from aftersales.parts import data_views as views

app_name = "parts_data"

urlpatterns = [
    path("", views.hub, name="hub"),
    path("imports/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("imports/<int:pk>/progress/", views.progress, name="progress"),
    path("templates/<str:kind>/", views.template, name="template"),
    path("stock.xlsx", views.export, name="export"),
]
