from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from outcomes.services import followups_schedule
        from procedures.extensions import register_after_log

        register_after_log(followups_schedule)
