from django.apps import AppConfig


class ImplantsConfig(AppConfig):
    name = "implants"
    verbose_name = "Stimulators and pumps"

    def ready(self) -> None:
        from clinic.panels import ChartPanel, register_chart_panel
        from implants.panels import chart_panel_context

        register_chart_panel(
            ChartPanel(
                template="implants/_chart_panel.html",
                permission="implants.view_pathway",
                context=chart_panel_context,
                order=9,
            )
        )
