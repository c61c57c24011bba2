from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from clinic.audit import register_history_source
        from clinic.panels import ChartPanel, HomePanel, register_chart_panel, register_home_panel
        from outcomes import audit as outcomes_audit
        from outcomes.home import calls_due_context
        from outcomes.kiosk import visit_panel_context
        from outcomes.monthly import procedure_changed
        from outcomes.outcome_rules import advise
        from outcomes.panels import chart_panel_context
        from outcomes.services import followup_cancel_for_void, followup_reschedule, followup_schedule
        from procedures.extensions import register_advisor, register_after_change, register_after_log
        from scheduling.extensions import VisitPanel, register_visit_panel

        register_after_log(followup_schedule)
        register_after_change(procedure_changed)
        register_after_change(followup_reschedule)
        register_after_change(followup_cancel_for_void)
        register_advisor(advise)
        register_history_source(outcomes_audit.SOURCE)
        register_chart_panel(
            ChartPanel(
                template="outcomes/_chart_panel.html",
                permission="outcomes.view_followup",
                context=chart_panel_context,
                kept=True,
                order=20,
            )
        )
        register_home_panel(
            HomePanel(
                template="outcomes/_home_button.html",
                permission="outcomes.change_followup",
                context=calls_due_context,
                order=20,
                button=True,
            )
        )
        register_visit_panel(
            VisitPanel(
                template="outcomes/_visit_baseline.html",
                permission="outcomes.view_visitbaseline",
                context=visit_panel_context,
            )
        )
