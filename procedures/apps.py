from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "Procedures"

    def ready(self) -> None:
        from clinic.audit import register_history_source
        from clinic.panels import ChartPanel, HomePanel, register_chart_panel, register_home_panel
        from patients.extensions import register_after_update
        from procedures import audit as procedures_audit
        from procedures.panels import chart_panel_context
        from procedures.standing import refresh_after_patient_update

        register_after_update(refresh_after_patient_update)

        register_history_source(procedures_audit.SOURCE)
        register_chart_panel(
            ChartPanel(
                template="procedures/_chart_panel.html",
                permission="procedures.view_procedure",
                context=chart_panel_context,
                kept=True,
                order=10,
            )
        )
        register_home_panel(
            HomePanel(template="procedures/_home_flags.html", permission="procedures.view_procedure", order=20)
        )
