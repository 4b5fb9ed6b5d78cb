from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "clients and rate limits"

    def ready(self):
        from clients import checks  # noqa: F401 (registers the system checks)
