"""Cotisations, Statistiques, Extractions, and the officers' cooperatives and tariffs pages."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import form_errors, require
from core.exports import ExportColumn, queryset_rows, xlsx_response
from core.params import parse_id
from core.tables import Column, DataTable, amount_cell, date_cell

from .. import selectors, services
from ..enums import ContributionKind
from ..forms import ContributionForm, CooperativeUnionForm, TariffsForm
from ..models import Cooperator
from .common import current_cooperative, is_officer

# --- Cotisations ---------------------------------------------------------------------------------


def contributions(request):
    """Contribution calls and payments: Scop and Scic HR managers (their own), officers (all)."""
    require(request, "benefits.view_contributions")
    officer = is_officer(request)
    cooperative = None if officer else current_cooperative(request)
    if not officer and (cooperative is None or not request.user.has_perm("benefits.view_contributions", cooperative)):
        raise PermissionDenied
    queryset = selectors.contributions_for(request.membership)
    columns = [
        Column("date", gettext_lazy("Date"), order_by="date", render=date_cell),
        Column("kind", gettext_lazy("Nature"), accessor="get_kind_display", order_by="kind"),
        Column("label", gettext_lazy("Libellé")),
        Column("year", gettext_lazy("Année"), order_by="year"),
        Column(
            "amount",
            gettext_lazy("Montant"),
            order_by="amount",
            numeric=True,
            render=amount_cell,
        ),
    ]
    if officer:
        columns.insert(1, Column("cooperative", gettext_lazy("Coopérative"), accessor="cooperative.organisation.name"))
    table = DataTable(
        request,
        queryset,
        columns=columns,
        default_sort="-date",
        caption=_("Appels de cotisation et règlements"),
        empty_message=_("Aucune cotisation enregistrée."),
    )
    balance = None
    if not officer:
        totals = dict(queryset.values_list("kind").annotate(total=Sum("amount")).values_list("kind", "total"))
        called = totals.get(ContributionKind.CALL, Decimal("0"))
        paid = totals.get(ContributionKind.PAYMENT, Decimal("0"))
        balance = {"called": called, "paid": paid, "due": called - paid}
    return render(
        request, "benefits/contributions.html", {"table": table, "balance": balance, "cooperative": cooperative}
    )


# --- Statistiques --------------------------------------------------------------------------------


def _bars(rows, label_of):
    """Rows for an accessible bar chart: label, value, bar width in % of the largest (SVG attributes)."""
    largest = max((row["total"] or 0 for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        percent = float(row["total"] or 0) * 100 / float(largest)
        bars.append(
            {
                "label": label_of(row),
                "total": row["total"] or Decimal("0"),
                "count": row["count"],
                "width": round(percent * 0.7, 1),  # the bar takes 70 % of the chart at most
                "text_x": round(percent * 0.7 + 1.5, 1),
                "label_y": index * 40 + 14,
                "bar_y": index * 40 + 19,
                "value_y": index * 40 + 32,
            }
        )
    return bars


STATISTICS_PAGE_SIZE = 50


def statistics(request):
    require(request, "benefits.view_statistics")
    this_year = timezone.localdate().year
    years = sorted({this_year, this_year - 1, this_year - 2, *selectors.tariff_years()}, reverse=True)
    try:
        year = int(request.GET.get("annee", this_year))
    except ValueError:
        year = this_year
    if year not in years:
        year = this_year
    officer = is_officer(request)
    cooperative = None
    cooperatives = selectors.cooperatives_for(request.membership) if officer else None
    if officer and (cooperative_id := parse_id(request.GET.get("cooperative"))):
        cooperative = cooperatives.filter(pk=cooperative_id).first()
    stats = selectors.statistics(request.membership, year=year, cooperative=cooperative)
    by_type = _bars(stats["by_type"], lambda row: row["benefit_type__name"])
    paginator = Paginator(stats["by_cooperator"], STATISTICS_PAGE_SIZE)
    if stats["cooperators"] is not None:  # counted without the names' join
        paginator.count = stats["cooperators"]
    page = paginator.get_page(request.GET.get("page"))
    by_cooperator = [
        {**row, "name": f"{row['cooperator__last_name']} {row['cooperator__first_name']}"} for row in page.object_list
    ]
    return render(
        request,
        "benefits/statistics.html",
        {
            "year": year,
            "years": years,
            "by_type": by_type,
            "by_cooperator": by_cooperator,
            "page": page,
            "total": stats["total"],
            "count": stats["count"],
            "cooperatives": cooperatives,
            "cooperative": cooperative,
            "chart_height": 40 * len(by_type) + 10,
        },
    )


# --- Extractions ---------------------------------------------------------------------------------

CIVILITIES = dict(Cooperator._meta.get_field("civility").choices)
EXPORT_COLUMNS = [
    ExportColumn("family_number", gettext_lazy("N° de famille"), width=14),
    ExportColumn("civility", gettext_lazy("Civilité"), labels=CIVILITIES, width=11),
    ExportColumn("last_name", gettext_lazy("Nom"), width=22),
    ExportColumn("first_name", gettext_lazy("Prénom"), width=20),
    ExportColumn("birth_date", gettext_lazy("Date de naissance"), width=14),
    ExportColumn("email", gettext_lazy("E-mail"), width=30),
    ExportColumn("phone", gettext_lazy("Téléphone"), width=16),
    ExportColumn("address", gettext_lazy("Adresse"), width=30),
    ExportColumn("postcode", gettext_lazy("Code postal"), width=10),
    ExportColumn("city", gettext_lazy("Commune"), width=20),
    ExportColumn("entry_date", gettext_lazy("Date d'entrée"), width=14),
    ExportColumn("exit_date", gettext_lazy("Date de sortie"), width=14),
    ExportColumn("weekly_hours", gettext_lazy("Heures hebdomadaires"), width=12),
    ExportColumn("user__identifier", gettext_lazy("Identifiant"), width=14),
    ExportColumn("cooperative__organisation__name", gettext_lazy("Coopérative"), width=30),
]


def exports(request):
    require(request, "benefits.export_cooperators")
    count = selectors.cooperators_for(request.membership).count()
    return render(
        request, "benefits/exports.html", {"count": count, "columns": [column.label for column in EXPORT_COLUMNS]}
    )


def export_cooperators(request):
    """The cooperators as the Union knows them (core.exports: safe cells, labels, dates, streamed)."""
    require(request, "benefits.export_cooperators")
    rows = (
        selectors.cooperators_for(request.membership)
        .order_by("cooperative__organisation__name", "sort_name", "pk")
        .values_list(*[column.key for column in EXPORT_COLUMNS])  # tuples, in the columns' order
    )
    name = _("cooperateurs-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}
    return xlsx_response(queryset_rows(rows), EXPORT_COLUMNS, sheet=_("Coopérateurs"), filename=name)


# --- Officers: cooperatives, contributions, tariffs ----------------------------------------------


def cooperative_list(request):
    require(request, "benefits.manage_cooperatives")
    table = DataTable(
        request,
        selectors.cooperatives_for(request.membership),
        columns=[
            Column(
                "name",
                gettext_lazy("Coopérative"),
                accessor="organisation.name",
                order_by="organisation__name",
                link=lambda c: reverse("benefits:cooperative_edit", args=[c.pk]),
            ),
            Column("legal_form", gettext_lazy("Forme juridique"), order_by="legal_form"),
            Column("package", gettext_lazy("Formule"), order_by="package"),
            Column("city", gettext_lazy("Commune"), order_by="city"),
        ],
        default_sort="name",
        caption=_("Coopératives"),
        empty_message=_("Aucune coopérative."),
    )
    return render(request, "benefits/cooperative_list.html", {"table": table})


def cooperative_edit(request, pk):
    cooperative = get_object_or_404(selectors.cooperatives_for(request.membership), pk=pk)
    require(request, "benefits.manage_cooperatives", cooperative)
    form = CooperativeUnionForm(request.POST or None, instance=cooperative)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.cooperative_update(
                cooperative=cooperative, actor=request.user, name=form.cleaned_data["name"], **data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("La coopérative est enregistrée."))
            return redirect("benefits:cooperative_edit", cooperative.pk)
    return render(
        request,
        "benefits/cooperative_edit.html",
        {
            "form": form,
            "cooperative": cooperative,
            "contributions": list(cooperative.contributions.all()[:50]),
            "contribution_form": ContributionForm(),
        },
    )


def contribution_add(request, pk):
    cooperative = get_object_or_404(selectors.cooperatives_for(request.membership), pk=pk)
    require(request, "benefits.manage_cooperatives", cooperative)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_add(cooperative=cooperative, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("La cotisation est enregistrée."))
            return redirect("benefits:cooperative_edit", cooperative.pk)
    return render(request, "benefits/contribution_form.html", {"form": form, "cooperative": cooperative})


def tariffs(request):
    """Officers publish the year's tariffs."""
    require(request, "benefits.manage_cooperatives")
    types = selectors.benefit_types().filter(by_post_only=False)
    this_year = timezone.localdate().year
    try:
        year = int(request.POST.get("year") or request.GET.get("annee") or this_year)
    except ValueError:
        year = this_year
    current = {t.benefit_type_id: t.amount for t in selectors.tariffs_of_year(year)}
    form = TariffsForm(request.POST or None, benefit_types=types, current=current, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        services.tariffs_publish(year=form.cleaned_data["year"], amounts=form.amounts(), actor=request.user)
        messages.success(request, _("Les tarifs %(year)s sont publiés.") % {"year": form.cleaned_data["year"]})
        return redirect(reverse("benefits:tariffs") + f"?annee={form.cleaned_data['year']}")
    return render(request, "benefits/tariffs.html", {"form": form, "year": year})
