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

Dates and times: an accessor returns the date or datetime itself (never a string made with
strftime, which would show UTC); the component shows it in Europe/Paris through the `local_date` /
`local_datetime` filters. `Column(..., date_only=True)` shows a datetime as its local day.

Cells are rendered in Python, a row at a time (no template per cell): a column shows its value
(escaped, linked with `link`, dates in Europe/Paris) or what `render(row, value)` returns, HTML built
with `format_html` (the renderers below: `date_cell`, `datetime_cell`, `amount_cell`, `badge_html`,
`state_cell`). A column may still name a `cell_template` (included with `row`, `value` and the page's
context): the whole table then renders through templates, several times slower; keep it off long lists.

Sorting uses allowlisted keys only (the columns' keys; `?tri=montant`, `?tri=-montant`), with the primary
key as a tie-breaker so that pages are stable. The whole table costs two queries (count and page)
whatever the rows, as long as `accessor`s only follow relations the queryset selects; a view that
counted the rows already passes `count=` (one query), and a deep page reads its ids, then its rows
(three queries, but no OFFSET over joined rows).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.template.defaultfilters import floatformat
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
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
        for part in accessor.split("."):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            value = display if display is not None else getattr(value, part)
            if callable(value):
                value = value()
        return value


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

        self.filter_form = None
        if filter_form_class is not None:
            data = self.params if any(name in self.params for name in filter_form_class.base_fields) else None
            self.filter_form = filter_form_class(data=data)
            queryset = self.filter_form.filter_queryset(queryset)

        self.sort = self._clean_sort(self.params.get(SORT_PARAM, "")) or self._clean_sort(default_sort or "")
        queryset = self._apply_sort(queryset)

        self.page_size = self._clean_page_size(self.params.get(PAGE_SIZE_PARAM), default_page_size)
        self.paginator = Paginator(queryset, self.page_size)
        if count is not None:  # counted already by the view (its per-state counts): not counted twice
            self.paginator.count = count
        self.page = self.paginator.get_page(self.params.get(PAGE_PARAM))
        self.total = self.paginator.count
        self._defer_join(queryset)

    def _defer_join(self, queryset):
        """A deep page reads its ids first (the sort's columns only: no joins of select_related, an
        index scan past the offset), then its rows by id: page 1,000 costs about what page 1 does."""
        offset = (self.page.number - 1) * self.page_size
        if offset < DEFERRED_JOIN_OFFSET or queryset.query.distinct:
            return
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + self.page_size])
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        self.page.object_list = [rows[pk] for pk in ids if pk in rows]

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
        `<tr>` rendered in Python (no template per cell)."""
        rows = []
        for row in self.page.object_list:
            cells = self._cells(row)
            if self.has_cell_templates:  # components/data_table.html includes them, with the page's context
                rows.append({"object": row, "cells": cells})
                continue
            parts = ["<tr>"]
            for index, cell in enumerate(cells):
                column = cell["column"]
                if index == 0:
                    parts.append('<th scope="row">')
                else:
                    parts.append('<td class="num">' if column.numeric else "<td>")
                parts.append(self._cell_html(column, row, cell))
                parts.append("</th>" if index == 0 else "</td>")
            parts.append("</tr>")
            rows.append({"object": row, "cells": cells, "html": mark_safe("".join(parts))})  # noqa: S308 - escaped parts
        return rows

    @property
    def has_cell_templates(self):
        return any(column.cell_template and not column.render for column in self.columns)

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


# -- renderers: Column(render=...) ----------------------------------------------------------------


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
