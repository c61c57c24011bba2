from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from clinic.idle import start_idle_clock

        # Session housekeeping, not domain logic: the idle sign-out's clock starts at every login.
        user_logged_in.connect(start_idle_clock, dispatch_uid="clinic.idle.start_idle_clock")
