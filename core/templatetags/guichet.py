"""The shell's template helpers: status badges, pagination links."""

from django import template
from django.core.paginator import Paginator

register = template.Library()

BADGE_COLOURS = ("grey", "yellow", "blue", "red", "green", "orange")


def badge_colour(colour):
    """The CSS colour name of a badge: one of BADGE_COLOURS, grey for anything else."""
    colour = str(colour or "").lower()
    return colour if colour in BADGE_COLOURS else "grey"


@register.inclusion_tag("components/badge.html")
def badge(label, colour="grey"):
    """{% badge "Payée" "blue" %}: a status badge, its text always shown with its colour."""
    return {"label": label, "colour": badge_colour(colour)}


@register.simple_tag
def page_links(page, on_each_side=1, on_ends=1):
    """Numbered links around the current page: dicts with number (None for a gap) and current."""
    paginator = page.paginator
    links = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends):
        if number == Paginator.ELLIPSIS:
            links.append({"number": None, "current": False})
        else:
            links.append({"number": number, "current": number == page.number})
    return links
