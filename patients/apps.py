from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from clinic.panels import HomePanel, register_home_panel
        from patients.home import recent_changes_context, recent_patients_context

        register_home_panel(
            HomePanel(
                template="patients/_home_find.html",
                permission="patients.view_patient",
                context=recent_patients_context,
                order=10,
            )
        )
        register_home_panel(
            HomePanel(
                template="patients/_home_changes.html",
                permission="patients.view_historicalpatient",
                context=recent_changes_context,
                order=30,
            )
        )
