from django.urls import path

from aftersales.parts import views

app_name = "parts"

urlpatterns = [
    path("", views.part_list, name="list"),
    path("<int:part_id>/", views.part_detail, name="detail"),
    path("<int:part_id>/minimum/", views.part_minimum, name="minimum"),
    path("warehouses/", views.warehouse_list, name="warehouses"),
    path("warehouses/<int:warehouse_id>/", views.warehouse_detail, name="warehouse"),
    path("van/", views.my_van, name="my_van"),
    path("moves/new/", views.move_create, name="move_create"),
    path("below-minimum/", views.below_minimum, name="below_minimum"),
    path("work-orders/<int:work_order_id>/", views.wo_panel, name="wo_panel"),
    path("work-orders/<int:work_order_id>/reserve/", views.wo_reserve, name="wo_reserve"),
    path("work-orders/<int:work_order_id>/lines/<int:line_id>/release/", views.wo_release, name="wo_release"),
    path("work-orders/<int:work_order_id>/lines/<int:line_id>/charge/", views.wo_charge, name="wo_charge"),
]
