from django.apps import AppConfig


class AuthorizationsConfig(AppConfig):
    name = "authorizations"
    verbose_name = "Prior authorizations"

    def ready(self) -> None:
        from authorizations.panels import chart_panel_context
        from authorizations.services import authorization_procedure_changed, authorization_use, booking_advice
        from clinic.panels import ChartPanel, register_chart_panel
        from procedures.extensions import register_after_change, register_after_log
        from scheduling.extensions import register_booking_advisor

        register_after_log(authorization_use)
        register_after_change(authorization_procedure_changed)
        register_booking_advisor(booking_advice)
        register_chart_panel(
            ChartPanel(
                template="authorizations/_chart_panel.html",
                permission="authorizations.view_authorization",
                context=chart_panel_context,
                order=8,
                # Its authorizations, their covered types and used units renew the patient's chart stamp
                # (migrations/0003_chart_stamps.py); a payer renamed renews the limit rules' stamp.
                kept=True,
            )
        )
