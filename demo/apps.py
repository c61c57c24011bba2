from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Data at scale and the page benchmark. The top layer: it may import every app, and none imports it."""

    name = "demo"
    verbose_name = "Scale data and benchmark"
