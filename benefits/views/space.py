"""Renseignements, Prestations éligibles, Mes documents (tariffs) and the tariffs PDF."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.access import form_errors, require
from core.files import content_disposition

from .. import selectors, services
from ..enums import PACKAGE_HELP
from ..forms import CooperativeInfoForm
from .common import current_cooperative, is_officer


def info(request):
    """Renseignements: the cooperative's identity and address, kept by its HR manager."""
    require(request, "benefits.edit_cooperative_info")
    if is_officer(request):
        return redirect("benefits:cooperative_list")
    cooperative = current_cooperative(request)
    if cooperative is None:
        return render(request, "benefits/no_cooperative.html", status=404)
    form = CooperativeInfoForm(request.POST or None, instance=cooperative)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.cooperative_update(
                cooperative=cooperative, actor=request.user, name=form.cleaned_data["name"], **data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Les renseignements de la coopérative sont enregistrés."))
            return redirect("benefits:info")
    return render(
        request,
        "benefits/info.html",
        {"form": form, "cooperative": cooperative, "package_help": PACKAGE_HELP.get(cooperative.package)},
    )


def _year(request, years=None):
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("annee", this_year))
    except ValueError:
        year = this_year
    if years is not None and year not in years:
        year = years[0] if years else this_year
    return year


def catalogue(request):
    """Prestations éligibles: the catalogue of the cooperative's package, rules, documents, this year's amount."""
    require(request, "benefits.view_catalogue")
    cooperative = None if is_officer(request) else current_cooperative(request)
    year = timezone.localdate().year
    rows = selectors.catalogue_for(cooperative, year)
    return render(
        request,
        "benefits/catalogue.html",
        {
            "cooperative": cooperative,
            "online": [(t, tariff) for t, tariff in rows if not t.by_post_only],
            "by_post": [(t, tariff) for t, tariff in rows if t.by_post_only],
            "year": year,
            "package_help": PACKAGE_HELP.get(cooperative.package) if cooperative else "",
        },
    )


def documents(request):
    """Mes documents: the year's tariffs (table and PDF)."""
    require(request, "benefits.view_catalogue")
    years = selectors.tariff_years() or [timezone.localdate().year]
    year = _year(request, years)
    cooperative = None if is_officer(request) else current_cooperative(request)
    rows = [(t, tariff) for t, tariff in selectors.catalogue_for(cooperative, year)]
    return render(
        request,
        "benefits/documents.html",
        {"rows": rows, "year": year, "years": years, "cooperative": cooperative},
    )


def tariffs_pdf(request):
    """The year's tariffs as a PDF (reportlab), for the cooperative's package."""
    require(request, "benefits.view_catalogue")
    years = selectors.tariff_years() or [timezone.localdate().year]
    year = _year(request, years)
    cooperative = None if is_officer(request) else current_cooperative(request)
    rows = selectors.catalogue_for(cooperative, year)
    data = _tariffs_pdf_bytes(year, cooperative, rows)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(_("tarifs-%(year)s.pdf") % {"year": year})
    response["Cache-Control"] = "private, no-store"
    return response


def _tariffs_pdf_bytes(year, cooperative, rows):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    title = _("Tarifs %(year)s des prestations") % {"year": year}
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Guichet", lang="fr")
    styles = getSampleStyleSheet()
    story = [Paragraph(title, styles["Title"])]
    if cooperative is not None:
        story.append(
            Paragraph(
                _("%(name)s — formule %(package)s")
                % {"name": cooperative.name, "package": cooperative.get_package_display()},
                styles["Normal"],
            )
        )
    story.append(Spacer(1, 12))
    table_rows = [[_("Prestation"), _("Bénéficiaires"), _("Montant"), _("Mode de demande")]]
    for benefit_type, tariff in rows:
        amount = f"{number_format(tariff.amount, decimal_pos=2, force_grouping=True)} €" if tariff else _("sur étude")
        mode = _("courrier postal") if benefit_type.by_post_only else _("en ligne")
        table_rows.append(
            [
                Paragraph(benefit_type.name, styles["Normal"]),
                Paragraph(", ".join(benefit_type.beneficiary_labels()), styles["Normal"]),
                amount,
                mode,
            ]
        )
    table = Table(table_rows, colWidths=[170, 150, 80, 100], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("GRID", (0, 1), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 1), (2, -1), "RIGHT"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
