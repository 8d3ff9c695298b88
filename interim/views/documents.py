"""Documents: payslips, employer attestations and work certificates; one download, or a ZIP of the
selection that streams; the worker asks the agency for an attestation or a certificate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import error_messages
from core.files import private_file_response
from core.params import parse_ids
from core.tables import Column, DataTable

from .. import selectors, services
from ..enums import DocumentKind
from ..forms import DocumentRequestForm
from ..zipstream import zip_stream
from .common import worker_page

KINDS = {
    "payslips": (DocumentKind.PAYSLIP, gettext_lazy("Bulletins de salaire")),
    "attestations": (DocumentKind.ATTESTATION, gettext_lazy("Attestations employeur (ex-ASSEDIC)")),
    "certificates": (DocumentKind.CERTIFICATE, gettext_lazy("Certificats de travail")),
}
MAX_SELECTION = 500


def _none(row):
    return None


def _kind(slug):
    if slug not in KINDS:
        raise Http404
    return KINDS[slug]


@worker_page
def document_list(request, worker, slug):
    kind, title = _kind(slug)
    table = DataTable(
        request,
        selectors.documents_for(request.membership, kind),
        columns=[
            Column(
                "select", gettext_lazy("Sélection"), accessor=_none, cell_template="interim/cells/document_select.html"
            ),
            Column("number", gettext_lazy("N°"), order_by="number"),
            Column(
                "period",
                gettext_lazy("Date d'émission"),
                order_by="period",
                cell_template="interim/cells/document_period.html",
            ),
            Column("file", gettext_lazy("Document"), accessor=_none, cell_template="interim/cells/document_file.html"),
            Column(
                "added_at",
                gettext_lazy("Date d'ajout"),
                order_by="added_at",
                cell_template="interim/cells/document_added.html",
            ),
        ],
        default_sort="-added_at",
        page_sizes=(15, 30, 50, 100),
        default_page_size=15,
        caption=title,
        empty_message=_("Aucun document pour l'instant."),
    )
    context = {
        "table": table,
        "title": title,
        "slug": slug,
        "kind": kind,
        "can_request": kind != DocumentKind.PAYSLIP,
        "request_form": DocumentRequestForm(),
        "pending": selectors.document_requests_for(request.membership).filter(kind=kind, state="pending").first(),
        "agency": worker.agency,
    }
    return render(request, "interim/documents.html", context)


@worker_page
def document_download(request, worker, pk):
    document = get_object_or_404(selectors.documents_for(request.membership), pk=pk)
    return private_file_response(request, document.file, label=document.number)


@worker_page
def documents_zip(request, worker, slug):
    """The selection as one ZIP, streamed: memory stays flat whatever the number of files."""
    kind, _title = _kind(slug)
    ids = parse_ids(request.GET.getlist("ids"))[:MAX_SELECTION]
    documents = list(selectors.documents_for(request.membership, kind).filter(pk__in=ids).order_by("-period", "pk"))
    if not documents:
        messages.error(request, _("Cochez au moins un document à télécharger."))
        return redirect(f"interim:{slug}")
    entries = [(f"{d.number}.pdf", (lambda d=d: d.file.storage.open(d.file.name, "rb"))) for d in documents]
    response = StreamingHttpResponse(zip_stream(entries), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{slug}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@worker_page
def document_request(request, worker, slug):
    kind, _title = _kind(slug)
    if kind == DocumentKind.PAYSLIP:
        raise Http404
    form = DocumentRequestForm(request.POST)
    if form.is_valid():
        try:
            services.document_request_create(
                worker=worker, kind=kind, message=form.cleaned_data["message"], actor=request.user
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Votre demande est transmise à l’agence."))
    return redirect(f"interim:{slug}")
