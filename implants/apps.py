from django.apps import AppConfig


class ImplantsConfig(AppConfig):
    name = "implants"
    verbose_name = "Stimulators and pumps"

    def ready(self) -> None:
        from clinic.panels import ChartPanel, register_chart_panel
        from implants.diary_links import send_diary_links
        from implants.panels import chart_panel_context
        from implants.services import implant_advice
        from outcomes.links import register_daily_sender
        from procedures.extensions import register_advisor

        register_advisor(implant_advice)
        register_daily_sender(send_diary_links)
        register_chart_panel(
            ChartPanel(
                template="implants/_chart_panel.html",
                permission="implants.view_pathway",
                context=chart_panel_context,
                order=9,
                # Its pathways and implants renew the patient's chart stamp (migrations/0003_chart_stamps.py); the
                # diary's summary and the next refill date are on the pathway row, so their writes do too. It holds
                # links only: a form's CSRF token is new on every page.
                kept=True,
            )
        )
