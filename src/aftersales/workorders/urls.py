from django.urls import path, re_path

from aftersales.workorders import attachment_views, intake_views, views

app_name = "workorders"

urlpatterns = [
    path("", views.work_order_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("new/customers/", views.intake_customer_search, name="intake_customer_search"),
    path("new/customers/create/", views.intake_customer_create, name="intake_customer_create"),
    path("new/products/", views.intake_product_search, name="intake_product_search"),
    path("new/pick/", views.intake_pick, name="intake_pick"),
    path("new/guided/", views.intake_guided, name="intake_guided"),
    path("new/history/", intake_views.intake_history, name="intake_history"),
    path("new/fault-categories/", intake_views.intake_fault_categories, name="intake_fault_categories"),
    path("<int:pk>/", views.work_order_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.work_order_action, name="action"),
    path("<int:pk>/attachments/", attachment_views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_id>/", attachment_views.attachment_file, name="attachment_file"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/thumbnail/",
        attachment_views.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    re_path(r"^(?P<number>[A-Za-z]{1,8}-\d{4}-\d{1,12})/$", views.work_order_by_number, name="by_number"),
]
