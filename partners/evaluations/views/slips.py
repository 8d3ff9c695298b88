"""A payment slip, for the fund that issued it and the structure it pays: page, PDF and CSV.

The CSV streams row by row (cells neutralised against formulas, core.exports.neutralise); the PDF is
drawn page by page into a temporary file that the response streams: 5,000 lines take constant
memory for the rows (they are iterated, never listed)."""

import csv
import tempfile

from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import neutralise
from core.files import content_disposition

from .. import selectors
from ..enums import EvaluationType

TYPE_LABELS = dict(EvaluationType.choices)


def _slip(request, pk):
    slip = get_object_or_404(selectors.slips_for(request.membership), pk=pk)
    from core.access import require

    perm = "partners.decide_evaluation" if request.membership.role == "fund_admin" else "partners.handle_evaluation"
    require(request, perm, slip)
    return slip


def _line(evaluation):
    visit = evaluation.visit_date
    return {
        "pk": evaluation.pk,
        "beneficiary": evaluation.masked_beneficiary,
        "file_number": evaluation.file_number,
        "type": str(TYPE_LABELS.get(evaluation.evaluation_type, evaluation.evaluation_type)),
        "date": visit,
        "fee": evaluation.fee,
    }


def slip_detail(request, pk):
    slip = _slip(request, pk)
    page = Paginator(selectors.slip_lines(slip), 100).get_page(request.GET.get("page"))
    lines = [_line(e) for e in page.object_list]
    link_name = "partners:eval_fund_detail" if request.membership.role == "fund_admin" else "partners:eval_form"
    return render(
        request, "partners/evaluations/slip.html", {"slip": slip, "page": page, "lines": lines, "link_name": link_name}
    )


class _Echo:
    def write(self, value):
        return value


def slip_csv(request, pk):
    slip = _slip(request, pk)
    writer = csv.writer(_Echo(), delimiter=";")

    def rows():
        yield "\ufeff"
        yield writer.writerow(
            [
                _("N° de bordereau"),
                _("Caisse"),
                _("Convention"),
                _("Émis le"),
                _("Bénéficiaire"),
                _("N° de dossier"),
                _("Type d'évaluation"),
                _("Date de l'évaluation"),
                _("Forfait (€)"),
            ]
        )
        head = [
            slip.number,
            slip.fund.name,
            slip.convention.code,
            timezone.localtime(slip.issued_at).strftime("%d/%m/%Y"),
        ]
        for evaluation in selectors.slip_lines(slip).iterator(chunk_size=2000):
            line = _line(evaluation)
            yield writer.writerow(
                [neutralise(str(v)) for v in head]
                + [
                    neutralise(line["beneficiary"]),
                    neutralise(line["file_number"] or ""),
                    neutralise(line["type"]),
                    line["date"].strftime("%d/%m/%Y") if line["date"] else "",
                    str(line["fee"]).replace(".", ","),
                ]
            )
        yield writer.writerow([_("Total"), "", "", "", "", "", "", "", str(slip.total).replace(".", ",")])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"bordereau-{slip.number}.csv")
    response["Cache-Control"] = "private, no-store"
    return response


def write_slip_pdf(slip, file):
    """Draws the slip: a header, then the lines, 40 to a page, with the total at the end."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(file, pagesize=A4, invariant=1)
    pdf.setTitle(_("Bordereau de paiement n° %(number)s") % {"number": slip.number})
    pdf.setAuthor("Guichet")
    width, height = A4
    columns = (15 * mm, 55 * mm, 95 * mm, 150 * mm, 180 * mm)
    page_number = 0

    def header():
        nonlocal page_number
        page_number += 1
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(15 * mm, height - 18 * mm, _("Bordereau de paiement n° %(number)s") % {"number": slip.number})
        pdf.setFont("Helvetica", 9)
        pdf.drawString(
            15 * mm,
            height - 25 * mm,
            f"{slip.fund.name} · {_('Convention')} {slip.convention.code} · {slip.partner.organisation.name} · "
            f"{_('émis le')} {timezone.localtime(slip.issued_at).strftime('%d/%m/%Y')} · {_('page')} {page_number}",
        )
        pdf.setFont("Helvetica-Bold", 9)
        for x, title in zip(
            columns,
            (_("Bénéficiaire"), _("N° de dossier"), _("Type d'évaluation"), _("Date"), _("Forfait (€)")),
            strict=True,
        ):
            pdf.drawString(x, height - 35 * mm, title)
        pdf.setFont("Helvetica", 9)
        return height - 42 * mm

    y = header()
    for evaluation in selectors.slip_lines(slip).iterator(chunk_size=2000):
        if y < 20 * mm:
            pdf.showPage()
            y = header()
        line = _line(evaluation)
        values = (
            line["beneficiary"],
            line["file_number"] or "",
            line["type"][:32],
            line["date"].strftime("%d/%m/%Y") if line["date"] else "",
            str(line["fee"]).replace(".", ","),
        )
        for x, value in zip(columns, values, strict=True):
            pdf.drawString(x, y, value)
        y -= 5.5 * mm
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(
        15 * mm,
        max(y - 4 * mm, 12 * mm),
        _("Total : %(count)s évaluation(s), %(total)s €")
        % {"count": slip.line_count, "total": str(slip.total).replace(".", ",")},
    )
    pdf.showPage()
    pdf.save()


def slip_pdf(request, pk):
    slip = _slip(request, pk)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    write_slip_pdf(slip, spool)
    spool.seek(0)
    response = FileResponse(spool, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"bordereau-{slip.number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
