from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "paper"
    verbose_name = "Printed notes and day sheets"

    def ready(self) -> None:
        from clinic.page_links import PageLink, register_page_link
        from paper import links

        register_page_link(
            PageLink("procedures:detail", "Procedure note (PDF)", "procedures.view_procedure", links.procedure_note)
        )
        register_page_link(
            PageLink("scheduling:day column", "Print day sheet", "scheduling.view_appointment", links.day_sheet)
        )
