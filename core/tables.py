"""DataTable: a list page's sorting, filters, page size and pagination, driven by GET parameters.

    class RequestFilters(FilterForm):
        lookups = {"status": "status", "q": "reference__icontains"}
        status = forms.ChoiceField(label=_("Statut"), choices=[("", _("Tous")), *Status.choices], required=False)
        q = forms.CharField(label=_("Référence"), required=False)

    def request_list(request):
        table = DataTable(
            request,
            selectors.requests_for(request.membership).select_related("cooperator"),
            columns=[
                Column("reference", _("Référence"), order_by="reference", link=lambda r: r.get_absolute_url()),
                Column("cooperator", _("Coopérateur"), accessor="cooperator.get_full_name",
                       order_by=("cooperator__last_name", "cooperator__first_name")),
                Column("status", _("Statut"), cell_template="benefits/cells/status.html"),
                Column("amount", _("Montant"), order_by="amount", numeric=True),
            ],
            filter_form_class=RequestFilters,
            default_sort="-reference",
            caption=_("Demandes de prestation"),
        )
        return render(request, "benefits/request_list.html", {"table": table})

    {% include "components/data_table.html" with table=table %}

The queryset may be given as a function (`lambda: selectors.queue_for(request.membership)`): a
table builds nothing, neither its queryset nor its filters nor its sort, until it is rendered, so
that a page kept in a fragment (core/fragments.py) costs its view nothing.

Dates and times: an accessor returns the date or datetime itself (never a string made with
strftime, which would show UTC); the component shows it in Europe/Paris through the `local_date` /
`local_datetime` filters. `Column(..., date_only=True)` shows a datetime as its local day.

Cells are rendered in Python, a row at a time (no template per cell): a column shows its value
(escaped, linked with `link`, dates in Europe/Paris) or what `render(row, value)` returns, HTML built
with `format_html` (the renderers below: `date_cell`, `datetime_cell`, `amount_cell`, `badge_html`,
`state_cell`). A column may still name a `cell_template` (included with `row`, `value` and the page's
context, for that cell only): a template per cell is several times slower; keep it off long lists.

The whole component (filters, count, page size, caption, headers with sort links and aria-sort, rows,
pagination, empty state) is built in Python too: `DataTable.render(context, table_id)`, called by
`{% data_table table %}` and components/data_table.html; components/pagination.html is
`pagination_html`. Their markup is the templates' that they replaced (tests/core/test_tables.py).

Sorting uses allowlisted keys only (the columns' keys; `?tri=montant`, `?tri=-montant`), with the primary
key as a tie-breaker so that pages are stable. The whole table costs two queries (count and page)
whatever the rows, as long as `accessor`s only follow relations the queryset selects; a view that
counted the rows already passes `count=` (one query), and a deep page reads its ids, then its rows
(three queries, but no OFFSET over joined rows).
"""

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.forms import widgets
from django.forms.renderers import DjangoTemplates
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

EMPTY = "—"

SORT_PARAM = "tri"
PAGE_PARAM = "page"
PAGE_SIZE_PARAM = "par_page"
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
# From this many rows skipped, a page reads its ids first, then its rows (DataTable._defer_join).
DEFERRED_JOIN_OFFSET = 500


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # Field(s) the column sorts on; None: not sortable. A string or a tuple of strings (no "-" prefix).
    order_by: str | tuple | None = None
    # Dotted path from the row (attributes, methods without arguments), a callable(row), or None: `key`.
    accessor: Any = None
    # A callable(row, value) -> HTML of the cell (format_html; see the renderers at the end).
    render: Any = None
    # A template rendering the cell with `row` and `value` (slower than `render`: rare cells only).
    cell_template: str | None = None
    # A callable(row) giving the URL the cell links to.
    link: Any = None
    numeric: bool = False
    # Show a datetime as its day (in Europe/Paris) rather than day and time.
    date_only: bool = False

    def temporal(self, value):
        """How the component formats `value`: "date", "datetime" or None (not a date)."""
        if isinstance(value, datetime.datetime):
            return "date" if self.date_only else "datetime"
        if isinstance(value, datetime.date):
            return "date"
        return None

    @property
    def sortable(self):
        return bool(self.order_by)

    def fields(self):
        return (self.order_by,) if isinstance(self.order_by, str) else tuple(self.order_by or ())

    def value(self, row):
        accessor = self.accessor if self.accessor is not None else self.key
        if callable(accessor):
            return accessor(row)
        value = row
        for part, display_name in _accessor_path(accessor):
            if value is None:
                return None
            display = getattr(value, display_name, None) if _has_attribute(type(value), display_name) else None
            value = display if display is not None else getattr(value, part)
            if callable(value):
                value = value()
        return value


_PATHS: dict = {}
_CLASS_ATTRIBUTES: dict = {}


def _accessor_path(accessor):
    """("cooperator", "get_cooperator_display"), ... for "cooperator.name": split once per accessor."""
    path = _PATHS.get(accessor)
    if path is None:
        path = _PATHS[accessor] = tuple((part, f"get_{part}_display") for part in accessor.split("."))
    return path


def _has_attribute(cls, name):
    """Whether instances of `cls` may have `name` (get_FOO_display: a method of the model class), asked
    once per class rather than by a failing getattr on every cell; proxies (__getattr__) are asked."""
    key = (cls, name)
    found = _CLASS_ATTRIBUTES.get(key)
    if found is None:
        found = _CLASS_ATTRIBUTES[key] = hasattr(cls, name) or hasattr(cls, "__getattr__")
    return found


class FilterForm(forms.Form):
    """A GET form filtering a queryset: `lookups` maps field names to ORM lookups.

    A field with an empty value does not filter. Override `filter_queryset` for anything richer.
    """

    lookups: dict = {}

    def filter_queryset(self, queryset):
        for name, value in self.active_values().items():
            lookup = self.lookups.get(name, name)
            queryset = queryset.filter(**{lookup: value})
        return queryset

    def active_values(self):
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", [], ())}


@dataclass
class HeaderCell:
    column: Column
    sort_value: str | None  # the `tri` value the header's link sets
    aria_sort: str | None  # "ascending" / "descending" on the sorted column
    direction_label: str | Promise  # lazy translation


class DataTable:
    def __init__(
        self,
        request,
        queryset,
        *,
        columns,
        filter_form_class=None,
        default_sort=None,
        page_sizes=PAGE_SIZES,
        default_page_size=DEFAULT_PAGE_SIZE,
        caption="",
        empty_message=None,
        row_template=None,
        count=None,
    ):
        self.request = request
        self.params = request.GET
        self.columns = list(columns)
        self.caption = caption
        self.empty_message = empty_message or _("Aucun résultat.")
        self.row_template = row_template
        self.page_sizes = tuple(page_sizes)
        self._columns_by_key = {column.key: column for column in self.columns}
        # Nothing is built before the table is rendered (a table kept in a fragment builds nothing):
        # `queryset` may be a function, the filters, the sort and the page size are read when needed.
        self._source = queryset
        self._filter_form_class = filter_form_class
        self._default_sort = default_sort
        self._default_page_size = default_page_size
        self._count = count

    @cached_property
    def filter_form(self):
        form_class = self._filter_form_class
        if form_class is None:
            return None
        data = self.params if any(name in self.params for name in form_class.base_fields) else None
        return form_class(data=data)

    @cached_property
    def sort(self):
        return self._clean_sort(self.params.get(SORT_PARAM, "")) or self._clean_sort(self._default_sort or "")

    @cached_property
    def page_size(self):
        return self._clean_page_size(self.params.get(PAGE_SIZE_PARAM), self._default_page_size)

    @cached_property
    def _queryset(self):
        queryset = self._source() if callable(self._source) else self._source
        if self.filter_form is not None:
            queryset = self.filter_form.filter_queryset(queryset)
        return self._apply_sort(queryset)

    # -- the page: counted and read when first asked for (a table kept in a fragment reads nothing)
    @cached_property
    def paginator(self):
        paginator = Paginator(self._queryset, self.page_size)
        if self._count is not None:  # counted already by the view (its per-state counts): not counted twice
            paginator.count = self._count() if callable(self._count) else self._count
        return paginator

    @cached_property
    def page(self):
        page = self.paginator.get_page(self.params.get(PAGE_PARAM))
        self._defer_join(page, self._queryset)
        return page

    @property
    def total(self):
        return self.paginator.count

    def _defer_join(self, page, queryset):
        """A deep page reads its ids first (the sort's columns only: no joins of select_related, an
        index scan past the offset), then its rows by id: page 1,000 costs about what page 1 does."""
        offset = (page.number - 1) * self.page_size
        if offset < DEFERRED_JOIN_OFFSET or queryset.query.distinct:
            return
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + self.page_size])
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        page.object_list = [rows[pk] for pk in ids if pk in rows]

    # -- sorting
    def _clean_sort(self, value):
        key = value.removeprefix("-")
        column = self._columns_by_key.get(key)
        if column is None or not column.sortable:
            return ""
        return value

    def _apply_sort(self, queryset):
        if not self.sort:
            return queryset if queryset.ordered else queryset.order_by("-pk")
        descending = self.sort.startswith("-")
        column = self._columns_by_key[self.sort.removeprefix("-")]
        fields = [f"-{field}" if descending else field for field in column.fields()]
        return queryset.order_by(*fields, "-pk" if descending else "pk")

    @property
    def sort_key(self):
        return self.sort.removeprefix("-")

    @property
    def sort_descending(self):
        return self.sort.startswith("-")

    def headers(self):
        cells = []
        for column in self.columns:
            if not column.sortable:
                cells.append(HeaderCell(column, None, None, ""))
                continue
            current = column.key == self.sort_key
            if current and not self.sort_descending:
                cells.append(HeaderCell(column, f"-{column.key}", "ascending", _("trier par ordre décroissant")))
            elif current:
                cells.append(HeaderCell(column, column.key, "descending", _("trier par ordre croissant")))
            else:
                cells.append(HeaderCell(column, column.key, None, _("trier par ordre croissant")))
        return cells

    # -- rows
    def rows(self):
        """The page's rows: `object`, `cells` (column, value, link, temporal) and `html`, the whole
        `<tr>` rendered in Python (no template per cell; absent when a column has a `cell_template`:
        render() includes those with the page's context)."""
        rows = []
        templated = self.has_cell_templates
        for row in self.page.object_list:
            cells = self._cells(row)
            if templated:
                rows.append({"object": row, "cells": cells})
            else:
                rows.append({"object": row, "cells": cells, "html": self._row_html(row, cells)})
        return rows

    @property
    def has_cell_templates(self):
        return any(column.cell_template and not column.render for column in self.columns)

    def _row_html(self, row, cells, cell_template=None):
        parts = ["<tr>"]
        for index, cell in enumerate(cells):
            column = cell["column"]
            if index == 0:
                parts.append('<th scope="row">')
            else:
                parts.append('<td class="num">' if column.numeric else "<td>")
            if cell["rendered"] is None and column.cell_template:
                parts.append(cell_template(column, row, cell))
            else:
                parts.append(self._cell_html(column, row, cell))
            parts.append("</th>" if index == 0 else "</td>")
        parts.append("</tr>")
        return mark_safe("".join(parts))  # noqa: S308 - escaped parts

    def _fast_row_html(self, row):
        """_row_html(row, _cells(row)) without the cell dicts (no cell template in this table)."""
        parts: list[str] = []
        for column in self.columns:
            value = column.value(row)
            if column.render is not None:
                html = conditional_escape(column.render(row, value))
            else:
                if isinstance(value, datetime.date):
                    temporal = column.temporal(value)
                    text = local_datetime(value) if temporal == "datetime" else local_date(value)
                else:
                    text = value
                link = column.link(row) if column.link else None
                if link:
                    html = format_html('<a href="{}">{}</a>', link, text)
                else:
                    html = conditional_escape(EMPTY if text is None else text)
            if parts:
                parts.append(f'<td class="num">{html}</td>' if column.numeric else f"<td>{html}</td>")
            else:
                parts.append(f'<tr><th scope="row">{html}</th>')
        parts.append("</tr>")
        return "".join(parts)

    def _cell_html(self, column, row, cell):
        value = cell["value"]
        if cell["rendered"] is not None:
            return cell["rendered"]
        if cell["temporal"] == "datetime":
            text = local_datetime(value)
        elif cell["temporal"] == "date":
            text = local_date(value)
        else:
            text = value
        if cell["link"]:
            return format_html('<a href="{}">{}</a>', cell["link"], text)
        return conditional_escape(EMPTY if text is None else text)

    def _cells(self, row):
        cells = []
        for column in self.columns:
            link = column.link(row) if column.link else None
            value = column.value(row)
            rendered = conditional_escape(column.render(row, value)) if column.render is not None else None
            cells.append(
                {
                    "column": column,
                    "value": value,
                    "link": link,
                    "temporal": column.temporal(value),
                    "rendered": rendered,
                }
            )
        return cells

    # -- HTML: the whole component, rendered in Python (components/data_table.html calls render())
    def render(self, context=None, table_id="liste") -> SafeString:
        """The table's component: filters, count and page size, the table (caption, sortable headers,
        rows), pagination, or the empty state. `context` (the page's template context) is needed
        only by columns declared with a `cell_template` and by a `row_template`."""
        table_id = escape(table_id or "liste")
        objects = list(self.page.object_list)
        parts = [f'<div class="data-table" id="{table_id}">\n']
        if self.filter_form is not None:
            parts.append(self._filters_html(table_id))
        parts.append(self._toolbar_html(table_id))
        if objects:
            parts.append(self._table_html(table_id, objects, context))
            parts.append(pagination_html(self.page, self.params))
        elif self.active_filter_count:
            reset_url = querystring(self.reset_params)
            message = gettext("Aucun résultat ne correspond à ces filtres.")
            parts.append(empty_state_html(message, reset_url, gettext("Réinitialiser les filtres")))
        else:
            parts.append(empty_state_html(self.empty_message))
        parts.append("</div>\n")
        return mark_safe("".join(parts))  # noqa: S308 - escaped parts

    def _toolbar_html(self, table_id):
        total = self.total
        count = ngettext("%(counter)s résultat", "%(counter)s résultats", total) % {"counter": localize(total)}
        parts = [f'<div class="table-toolbar">\n<p class="table-count" id="{table_id}-count">{count}</p>\n']
        if total > self.page_sizes[0]:
            label, button = escape(gettext("Résultats par page")), escape(gettext("Afficher"))
            hidden = format_html_join("", '<input type="hidden" name="{}" value="{}">', self.page_size_hidden_params)
            options = "".join(
                f'<option value="{size}"{" selected" if size == self.page_size else ""}>{localize(size)}</option>'
                for size in self.page_sizes
            )
            parts.append(
                f'<form class="page-size" method="get" data-autosubmit>\n{hidden}'
                f'<label for="{table_id}-page-size">{label}</label>\n'
                f'<select id="{table_id}-page-size" name="par_page">\n{options}\n</select>\n'
                f'<button type="submit" class="button button-secondary">{button}</button>\n'
                "</form>\n"
            )
        parts.append("</div>\n")
        return "".join(parts)

    def _table_html(self, table_id, objects, context):
        paginator = self.paginator
        caption: str = conditional_escape(self.caption) if self.caption else escape(gettext("Liste"))
        if paginator.num_pages > 1:
            numbers = {"number": localize(self.page.number), "total": localize(paginator.num_pages)}
            status = gettext("page %(number)s sur %(total)s") % numbers
            caption += f'<span class="visually-hidden"> — {status}</span>'
        parts = [
            f'<div class="table-scroll" role="region" aria-labelledby="{table_id}-caption" tabindex="0">\n'
            f'<table class="table">\n<caption id="{table_id}-caption">{caption}</caption>\n<thead>\n<tr>\n',
            self._headers_html(),
            "</tr>\n</thead>\n<tbody>\n",
        ]
        if self.row_template or self.has_cell_templates:
            renderer = _TemplateCells(self, context)
            for row in objects:
                cells = self._cells(row)
                if self.row_template:
                    parts.append(renderer.row(row, cells))
                else:
                    parts.append(self._row_html(row, cells, renderer.cell))
                parts.append("\n")
        else:
            row_html = self._fast_row_html
            for row in objects:
                parts.append(row_html(row))
                parts.append("\n")
        parts.append("</tbody>\n</table>\n</div>\n")
        return "".join(parts)

    def _headers_html(self):
        ascending, descending = gettext("trier par ordre croissant"), gettext("trier par ordre décroissant")
        base = self._query_lists({PAGE_PARAM: None})
        parts = []
        for header in self.headers():
            column = header.column
            attrs = f' aria-sort="{header.aria_sort}"' if header.aria_sort else ""
            if column.numeric:
                attrs += ' class="num"'
            label: str = conditional_escape(column.label)
            if header.sort_value:
                href = _encode({**base, SORT_PARAM: [header.sort_value]})
                icon = {"ascending": "▲", "descending": "▼"}.get(header.aria_sort or "", "↕")
                direction = descending if header.aria_sort == "ascending" else ascending
                label = (
                    f'<a class="sort-link" href="{escape(href)}">{label}<span class="sort-icon" aria-hidden="true">'
                    f'{icon}</span><span class="visually-hidden"> ({escape(direction)})</span></a>'
                )
            parts.append(f'<th scope="col"{attrs}>\n{label}\n</th>\n')
        return "".join(parts)

    def _query_lists(self, changes):
        return _apply(self.params, changes)

    def _filters_html(self, table_id):
        form = self.filter_form
        assert form is not None
        title, submit = escape(gettext("Filtres")), escape(gettext("Filtrer"))
        parts = [
            f'<form class="filters" method="get" aria-labelledby="{table_id}-filters-title">\n'
            f'<div class="filters-head">\n<h2 id="{table_id}-filters-title">{title}</h2>\n'
        ]
        active = self.active_filter_count
        if active:
            reset = escape(gettext("Réinitialiser les filtres"))
            counted = ngettext("%(counter)s filtre actif", "%(counter)s filtres actifs", active) % {
                "counter": localize(active)
            }
            parts.append(
                f'<p class="filters-active">{counted}\n· <a href="{escape(querystring(self.reset_params))}">'
                f"{reset}</a></p>\n"
            )
        parts.append("</div>\n")
        parts.append(format_html_join("", '<input type="hidden" name="{}" value="{}">', self.filter_hidden_params))
        errors = form.non_field_errors()
        if errors:
            parts.append(
                format_html(
                    '<div class="errorlist" role="alert">{}</div>',
                    format_html_join("", "<p>{}</p>", ((error,) for error in errors)),
                )
            )
        parts.append('<div class="filters-fields">')
        parts.extend(form_field_html(field) for field in form.visible_fields())
        parts.append(f'</div>\n<button type="submit" class="button">{submit}</button>\n</form>\n')
        return "".join(parts)

    # -- filters and parameters
    @property
    def active_filter_count(self):
        return len(self.filter_form.active_values()) if self.filter_form is not None else 0

    @property
    def filter_names(self):
        return list(self.filter_form.fields) if self.filter_form is not None else []

    @property
    def reset_params(self):
        """For {% querystring table.reset_params %}: the current parameters without filters and page."""
        params = self.params.copy()
        for name in [*self.filter_names, PAGE_PARAM]:
            params.pop(name, None)
        return params

    def _hidden(self, excluded):
        return [(key, value) for key, values in self.params.lists() if key not in excluded for value in values]

    @property
    def filter_hidden_params(self):
        """Parameters the filter form carries along (sort, page size): (name, value) pairs."""
        return self._hidden({*self.filter_names, PAGE_PARAM})

    @property
    def page_size_hidden_params(self):
        return self._hidden({PAGE_SIZE_PARAM, PAGE_PARAM})

    def _clean_page_size(self, value, default):
        try:
            size = int(value)
        except (TypeError, ValueError):
            return default
        return size if size in self.page_sizes else default

    sort_param = SORT_PARAM
    page_param = PAGE_PARAM
    page_size_param = PAGE_SIZE_PARAM


# -- HTML helpers: the markup of components/*.html, built in Python --------------------------------


def _apply(params, changes):
    """{% querystring %}'s parameters: `params` (a QueryDict) with `changes` applied (None removes)."""
    lists = {key: [value for value in values if value is not None] for key, values in params.lists()}
    for key, value in changes.items():
        if value is None:
            lists.pop(key, None)
        else:
            lists[key] = [value]
    return lists


def _encode(lists):
    """ "?a=1&b=2" as QueryDict.urlencode() writes it (not escaped for HTML)."""
    return "?" + urlencode([(key, value) for key, values in lists.items() for value in values])


def querystring(params, **changes):
    """What {% querystring params key=value %} returns (not escaped)."""
    return _encode(_apply(params, changes))


def pagination_html(page, params) -> str:
    """components/pagination.html: previous, numbered links around the current page, next, status.
    Every link keeps the other parameters of `params` (sort, filters, page size)."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return ""
    lists = _apply(params, {})
    lists.pop(PAGE_PARAM, None)
    query = _encode(lists)
    prefix = escape(query + ("&" if len(query) > 1 else "") + PAGE_PARAM + "=")
    previous, following = escape(gettext("Précédente")), escape(gettext("Suivante"))
    page_word, page_label = escape(gettext("page")), escape(gettext("Page"))
    label = escape(gettext("Pagination"))
    parts = [f'<nav class="pagination" aria-label="{label}">\n<ul>\n<li>']
    if page.has_previous():
        parts.append(
            f'<a href="{_page_href(params, prefix, page.previous_page_number())}" rel="prev">‹ {previous}'
            f'<span class="visually-hidden"> {page_word}</span></a>'
        )
    else:
        parts.append(f'<span class="disabled" aria-disabled="true">‹ {previous}</span>')
    parts.append("</li>\n")
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == Paginator.ELLIPSIS:
            parts.append('<li><span aria-hidden="true">…</span></li>\n')
            continue
        href = _page_href(params, prefix, number)
        current = ' class="current"' if number == page.number else ""
        aria = ' aria-current="page"' if number == page.number else ""
        parts.append(
            f'<li><a{current} href="{href}"{aria}><span class="visually-hidden">{page_label} </span>'
            f"{localize(number)}</a></li>\n"
        )
    parts.append("<li>")
    if page.has_next():
        parts.append(
            f'<a href="{_page_href(params, prefix, page.next_page_number())}" rel="next">{following}'
            f'<span class="visually-hidden"> {page_word}</span> ›</a>'
        )
    else:
        parts.append(f'<span class="disabled" aria-disabled="true">{following} ›</span>')
    numbers = {"number": localize(page.number), "total": localize(paginator.num_pages)}
    status = gettext("Page %(number)s sur %(total)s") % numbers
    parts.append(f'</li>\n<li class="pagination-status">{status}</li>\n</ul>\n</nav>\n')
    return "".join(parts)


def _page_href(params, prefix, number):
    # {% querystring page=N %} keeps the page parameter where it was in the query string.
    if PAGE_PARAM in params and len(params) > 1:
        return escape(querystring(params, **{PAGE_PARAM: number}))
    return f"{prefix}{number}"


def empty_state_html(message, action_url="", action_label="", title="") -> str:
    """components/empty_state.html."""
    parts = ['<div class="empty-state">\n']
    if title:
        parts.append(format_html('<p class="empty-state-title">{}</p>\n', title))
    parts.append(format_html("<p>{}</p>\n", message))
    if action_url:
        parts.append(format_html('<p><a class="button" href="{}">{}</a></p>\n', action_url, action_label))
    parts.append("</div>\n")
    return "".join(parts)


def form_field_html(field) -> str:
    """components/form_field.html for one bound field (a group of choices: through the template)."""
    if field.use_fieldset:
        from django.template.loader import render_to_string

        return render_to_string("components/form_field.html", {"field": field})
    errors = field.errors
    required = ' <span class="required" aria-hidden="true">*</span>' if field.field.required else ""
    label = format_html('<label for="{}">{}{}</label>', field.id_for_label, field.label, mark_safe(required))  # noqa: S308
    help_html = (
        format_html('<p class="help" id="{}_helptext">{}</p>\n', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    errors_html = (
        format_html(
            '<ul class="errorlist" id="{}_error">{}</ul>\n',
            field.auto_id,
            format_html_join("", "<li>{}</li>", ((error,) for error in errors)),
        )
        if errors
        else ""
    )
    classes = "field field-error" if errors else "field"
    if field.widget_type == "checkbox":
        inner = f'{errors_html}<div class="checkbox">{widget_html(field)} {label}</div>\n{help_html}'
    else:
        inner = f"{label}\n{help_html}{errors_html}{widget_html(field)}\n"
    return f'\n<div class="{classes}">\n{inner}</div>\n'


_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "number", "email", "url", "password", "search", "tel", "date", "datetime", "time")
)
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs_html(attrs):
    # django/forms/widgets/attrs.html
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def widget_html(field) -> str:
    """The bound field's widget as {{ field }} renders it: text inputs and selects built in Python
    (the markup of Django's widget templates), anything else through its templates."""
    widget = field.field.widget
    template = widget.template_name
    fast = (
        template in _INPUT_TEMPLATES
        or (template == _SELECT_TEMPLATE and getattr(widget, "option_template_name", None) == _OPTION_TEMPLATE)
    ) and not field.field.show_hidden_initial
    if not fast or type(widget).render is not widgets.Widget.render or type(field.form.renderer) is not DjangoTemplates:
        return str(field)
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    if template == _SELECT_TEMPLATE and _plain_select(widget):
        return _select_html(widget, field.html_name, field.value(), attrs)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    if template != _SELECT_TEMPLATE:
        value = context["value"]
        value_html = "" if value is None else f' value="{conditional_escape(str(value))}"'
        attrs = _attrs_html(context["attrs"])
        return f'<input type="{conditional_escape(context["type"])}" name="{name}"{value_html}{attrs}>'
    parts = [f'<select name="{name}"{_attrs_html(context["attrs"])}>']
    for group_name, options, _index in context["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _plain_select(widget):
    cls = type(widget)
    return (
        cls.get_context is widgets.Select.get_context
        and cls.optgroups is widgets.ChoiceWidget.optgroups
        and cls.create_option is widgets.ChoiceWidget.create_option
        and not widget.option_inherits_attrs
        and widget.checked_attribute == {"selected": True}
    )


def _select_html(widget, name, value, attrs):
    """A Select's markup as get_context() and select.html / select_option.html write it, without
    building a dict per option (a select of 300 cooperatives)."""
    attrs = widget.build_attrs(widget.attrs, attrs)
    if widget.allow_multiple_selected:
        attrs["multiple"] = True
    value = widget.format_value(value)
    multiple = widget.allow_multiple_selected
    parts = [f'<select name="{conditional_escape(name)}"{_attrs_html(attrs)}>']
    has_selected = False
    for option_value, option_label in widget.choices:
        if option_value is None:
            option_value = ""
        grouped = isinstance(option_label, (list, tuple))
        if grouped and option_value:
            parts.append(f'\n  <optgroup label="{conditional_escape(option_value)}">')
        for subvalue, sublabel in option_label if grouped else ((option_value, option_label),):
            selected = (not has_selected or multiple) and str(subvalue) in value
            has_selected |= selected
            parts.append(
                f'\n  <option value="{conditional_escape(str(subvalue))}"{" selected" if selected else ""}>'
                f"{conditional_escape(sublabel)}</option>\n"
            )
        if grouped and option_value:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class _TemplateCells:
    """Cells declared with a `cell_template` (and a table's `row_template`), included as
    components/data_table.html did: with `row`, `value` (or `cells`) and the page's context."""

    def __init__(self, table, context):
        from django.template import Engine, RequestContext

        if context is None:
            context = RequestContext(table.request, {"table": table})
        self.context = context
        self.engine = context.template.engine if context.template is not None else Engine.get_default()
        self.templates = {}
        self.table = table

    def _template(self, name):
        template = self.templates.get(name)
        if template is None:
            template = self.templates[name] = self.engine.get_template(name)
        return template

    def cell(self, column, row, cell):
        with self.context.push(row=row, value=cell["value"], cell=cell, table=self.table):
            return self._template(column.cell_template).render(self.context)

    def row(self, row, cells):
        with self.context.push(row=row, cells=cells, table=self.table):
            return self._template(self.table.row_template).render(self.context)


# -- renderers: Column(render=...) ----------------------------------------------------------------


_ROW_SENTINEL = 2147483646


def row_url(viewname, attr="pk", kwarg=None):
    """A Column.link to the row's page: reverse(viewname, args=[row.<attr>]) (or kwargs={kwarg: ...}),
    the URL reversed once per table rather than once per row, then completed with each row's value."""
    parts: dict = {}

    def link(row):
        key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language())
        split = parts.get(key)
        if split is None:
            url = reverse(viewname, kwargs={kwarg: _ROW_SENTINEL}) if kwarg else reverse(viewname, args=[_ROW_SENTINEL])
            split = parts[key] = url.split(str(_ROW_SENTINEL), 1)
        return f"{split[0]}{quote(str(getattr(row, attr)), safe=RFC3986_SUBDELIMS + '/~:@')}{split[1]}"

    return link


def local_date(value):
    from core.templatetags.guichet import local_date as as_date

    return as_date(value)


def local_datetime(value):
    from core.templatetags.guichet import local_datetime as as_datetime

    return as_datetime(value)


def date_cell(row, value):
    """The day (Europe/Paris), or a dash."""
    return local_date(value) if value else EMPTY


def datetime_cell(row, value):
    """Day and time (Europe/Paris), or a dash."""
    return local_datetime(value) if value else EMPTY


def amount_cell(row, value):
    """An amount in euros, two decimals with grouped thousands ("1 234,50 €"), or a dash."""
    return EMPTY if value is None else f"{floatformat(value, '2g')} €"


def badge_html(label, colour="grey") -> SafeString:
    """The status badge of components/badge.html: colour AND text."""
    from core.templatetags.guichet import badge_colour

    return format_html('<span class="badge badge-{}">{}</span>', badge_colour(colour), label)


def state_cell(row, value):
    """The badge of the row's state in its declared workflow (core.workflows)."""
    from core.workflows import workflow_for

    obj = value if value is not None and workflow_for(value) is not None else row
    workflow = workflow_for(obj)
    if workflow is None:
        raise ValueError(f"no workflow declared for {type(obj).__name__}")
    return badge_html(*workflow.badge(obj))
