"""`{% page_links "procedures:detail" procedure=p as links %}`: the links higher apps add to this page."""

from typing import Any

from django import template

from clinic import page_links as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(context: template.Context, place: str, **values: Any) -> list[registry.ShownLink]:
    return registry.page_links(context["request"].user, place, **values)
