"""The shell's template helpers: status badges, pagination links, dates in Europe/Paris, sizes.

Dates and times are shown through `local_date` / `local_datetime` / `local_time` (never strftime in
Python): an aware datetime is converted to the current time zone (Europe/Paris) first.
"""

import datetime

from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import fragments
from core.formats import file_size

register = template.Library()

BADGE_COLOURS = ("grey", "yellow", "blue", "red", "green", "orange", "purple")


def badge_colour(colour):
    """The CSS colour name of a badge: one of BADGE_COLOURS, grey for anything else."""
    colour = str(colour or "").lower()
    return colour if colour in BADGE_COLOURS else "grey"


@register.inclusion_tag("components/badge.html")
def badge(label, colour="grey"):
    """{% badge "Payée" "blue" %}: a status badge, its text always shown with its colour."""
    return {"label": label, "colour": badge_colour(colour)}


_URLS: dict = {}


@register.simple_tag
def cached_url(name):
    """{% cached_url 'portal:home' %}: what {% url 'portal:home' %} gives for a view without arguments,
    reversed once per URLconf, script prefix and language (the page's chrome asks for the same ten
    URLs on every request)."""
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language())
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


@register.simple_tag(takes_context=True)
def data_table(context, table, table_id="liste"):
    """{% data_table table %} (or {% data_table table "preinscriptions" %}): a core.tables.DataTable,
    rendered in Python (filters, count, page size, table, pagination or empty state)."""
    return table.render(context, table_id or "liste")


@register.simple_tag(takes_context=True)
def pagination(context, page):
    """{% pagination page_obj %}: the page's navigation; the other GET parameters are kept."""
    if not hasattr(page, "paginator"):
        return ""
    from core.tables import pagination_html

    request = getattr(context, "request", None) or context["request"]
    return mark_safe(pagination_html(page, request.GET))  # noqa: S308 - escaped parts


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


DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def local_date(value, fmt=DATE_FORMAT):
    """{{ request.created_at|local_date }}: "28/11/2026", the day in Europe/Paris ("" for None)."""
    if value is None or value == "":
        return ""
    if fmt == DATE_FORMAT and isinstance(value, datetime.date):
        value = _local(value)
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # date_format(value, "d/m/Y"), faster
    return date_format(_local(value), fmt)


@register.filter
def local_datetime(value, fmt=DATETIME_FORMAT):
    """{{ message.created_at|local_datetime }}: "28/11/2026 19:05" in Europe/Paris; a date alone stays a date."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.datetime):
        return local_date(value) if isinstance(value, datetime.date) else date_format(value, DATE_FORMAT)
    value = _local(value)
    if fmt == DATETIME_FORMAT:  # date_format(value, "d/m/Y H:i"), faster
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d} {value.hour:02d}:{value.minute:02d}"
    return date_format(value, fmt)


@register.filter
def local_time(value, fmt=TIME_FORMAT):
    if value in (None, ""):
        return ""
    return date_format(_local(value), fmt)


@register.filter(name="file_size")
def file_size_filter(value):
    """{{ 10485760|file_size }}: "10 Mo"."""
    return file_size(value)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, watch, vary):
        self.nodelist, self.name, self.watch, self.vary = nodelist, name, watch, vary

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        name = str(self.name.resolve(context))
        watch = str(self.watch.resolve(context)) if self.watch is not None else ""
        key = fragments.key_for(request, name, watch, [value.resolve(context) for value in self.vary])
        html = fragments.get(key) if key is not None else None
        if html is None:
            with context.push(csrf_token=fragments.CSRF_MARK):
                html = self.nodelist.render(context)
            if key is not None:
                fragments.put(key, html)
        if fragments.CSRF_MARK in html:
            html = html.replace(fragments.CSRF_MARK, get_token(request))
        return mark_safe(html)  # noqa: S308 - the output of the template's own nodes


@register.tag
def fragment(parser, token):
    """{% fragment "name" [value ...] watch="app.Model app.Model" %} ... {% endfragment %}: what is
    inside is rendered once and kept until the page, its user, the day or a watched table changes
    (core/fragments.py)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} takes a name")
    watch = None
    vary = []
    for bit in bits[2:]:
        if bit.startswith("watch="):
            watch = parser.compile_filter(bit.removeprefix("watch="))
        else:
            vary.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), watch, vary)
