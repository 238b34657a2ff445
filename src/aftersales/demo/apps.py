from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data generator (``manage.py demo_seed``): no models, only the real services."""

    name = "aftersales.demo"
