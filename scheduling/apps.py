from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from clinic.audit import register_history_source
        from clinic.panels import ChartPanel, HomePanel, register_chart_panel, register_home_panel
        from procedures.extensions import register_after_log, register_booked_provider
        from scheduling import audit as scheduling_audit
        from scheduling.booking_limits import booked_sessions
        from scheduling.home import visits_today_context
        from scheduling.panels import chart_panel_context, good_until
        from scheduling.services import appointment_complete_from_log, appointment_limits_recheck_after_log

        register_after_log(appointment_complete_from_log)
        register_after_log(appointment_limits_recheck_after_log)
        register_booked_provider(booked_sessions)
        register_history_source(scheduling_audit.SOURCE)
        register_chart_panel(
            ChartPanel(
                template="scheduling/_chart_panel.html",
                permission="scheduling.view_appointment",
                context=chart_panel_context,
                kept=True,
                good_until=good_until,
                order=5,
            )
        )
        register_home_panel(
            HomePanel(
                template="scheduling/_home_buttons.html",
                permission="scheduling.view_appointment",
                context=visits_today_context,
                order=10,
                button=True,
            )
        )
