"""The agency's workers: the list (search, filters, page size), a worker's page, inviting a worker.

Every read goes through selectors.workers_for(membership): the agency's own worker files only. A
person registered with two agencies has one file with each; this agency sees its file, never the
other's (nor that there is one)."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, F, Q, Value, When, Window
from django.db.models.functions import Cast, RowNumber
from django.db.models.query import BaseIterable
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import form_errors, require
from core.models import Transition
from core.tables import Column, DataTable

from .. import agency_services, selectors
from ..agency_forms import InviteForm, SectorChoiceForm, pending_items_exist, worker_filters_for
from ..enums import ChangeState, DiplomaState, DocumentKind, DocumentRequestState
from ..models import Advance, Diploma, DocumentRequest, ProfileChange, Worker, WorkerQualification

PAGE_SIZES = (25, 50, 100)
RECENT = 10
_PK_SLOT = 2147483646  # a pk no row has: reverse() once, then each row's pk in its place


class WorkerRow:
    """One row of the list: the columns it shows, read as values (no model instances)."""

    __slots__ = ("pk", "number", "full_name", "sector", "town", "created_at", "pending", "qualifications")

    def __init__(self, pk, number, first_name, last_name, sector, town, created_at, pending):
        self.pk = pk
        self.number = number
        self.full_name = f"{first_name} {last_name}".strip()  # User.get_full_name()
        self.sector = sector
        self.town = town
        self.created_at = created_at
        self.pending = pending
        self.qualifications = ""


# What a row reads: the shown columns only (the user's name and the sector's through their joins).
ROW_FIELDS = ("pk", "number", "user__first_name", "user__last_name", "sector__name", "town", "created_at", "pending")


class WorkerRows(BaseIterable):
    """How workers_queryset() iterates: the page's rows as WorkerRow, read as values (no model
    instances), then their qualifications in one query (the labels, for the page's ids only). The
    queryset itself stays a queryset of workers: filters, sorting, counting (no join) and slicing as
    for any other."""

    def __iter__(self):
        rows = [WorkerRow(*values) for values in self.queryset.values_list(*ROW_FIELDS)]
        if rows:
            labels = defaultdict(list)
            grants = (
                WorkerQualification.objects.filter(worker_id__in=[row.pk for row in rows])
                .order_by("qualification__label", "pk")
                .values_list("worker_id", "qualification__label")
            )
            for worker_id, label in grants:
                labels[worker_id].append(label)
            for row in rows:
                row.qualifications = ", ".join(labels.get(row.pk, ()))
        return iter(rows)


def worker_columns():
    # Built once per request: the link's two halves and the two badges, not once per row.
    head, tail = reverse("interim:agency_worker", args=[_PK_SLOT]).split(str(_PK_SLOT), 1)

    def linked(row, value):  # what Column(link=row_url(...)) writes
        return mark_safe(f'<a href="{head}{row.pk}{tail}">{escape(value)}</a>')  # noqa: S308 - escaped

    # Whether the worker has items waiting for the agency.
    pending_yes = format_html('<span class="badge badge-orange">{}</span>', _("Oui"))
    pending_no = format_html('<span class="muted">{}</span>', _("Non"))
    return [
        Column("number", gettext_lazy("N°"), order_by="number", render=linked),
        Column(
            "name",
            gettext_lazy("Nom"),
            accessor="full_name",
            order_by=("user__last_name", "user__first_name"),
            render=linked,
        ),
        Column("sector", gettext_lazy("Secteur"), order_by="sector__name"),
        Column("qualifications", gettext_lazy("Qualifications")),
        Column("town", gettext_lazy("Commune"), order_by="town"),
        Column("pending", gettext_lazy("À valider"), render=lambda row, value: pending_yes if value else pending_no),
        Column("created_at", gettext_lazy("Inscrit le"), order_by="created_at", date_only=True),
    ]


def workers_queryset(membership):
    """The list's rows, iterated as WorkerRow: one query for the page (the pending flag an EXISTS per
    kind of item), one for the page's qualifications, whatever the page size."""
    queryset = selectors.workers_for(membership).annotate(pending=pending_items_exist())
    queryset._iterable_class = WorkerRows  # kept by filter(), order_by() and slicing
    return queryset


def worker_list(request):
    require(request, "interim.validate_worker")
    membership = request.membership
    table = DataTable(
        request,
        workers_queryset(membership),
        columns=worker_columns(),
        filter_form_class=worker_filters_for(membership.organisation_id),
        default_sort="name",
        page_sizes=PAGE_SIZES,
        default_page_size=25,
        caption=_("Intérimaires de l'agence"),
        empty_message=_("Aucun intérimaire inscrit."),
    )
    return render(request, "interim/agency/workers.html", {"table": table})


def _history(worker, limit=30):
    """The worker file's recent history: its own entries and those of its changes, diplomas, document
    requests and advances, newest first (one query; content types are cached)."""
    parts = Q(content_type=ContentType.objects.get_for_model(Worker), object_id=str(worker.pk))
    for model in (ProfileChange, Diploma, DocumentRequest, Advance):
        ids = model.objects.filter(worker=worker).annotate(key=Cast("pk", CharField())).values("key")
        parts |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    labels = {
        ContentType.objects.get_for_model(Worker).pk: _("Fiche"),
        ContentType.objects.get_for_model(ProfileChange).pk: _("Modification de fiche"),
        ContentType.objects.get_for_model(Diploma).pk: _("Diplôme"),
        ContentType.objects.get_for_model(DocumentRequest).pk: _("Demande de document"),
        ContentType.objects.get_for_model(Advance).pk: _("Acompte"),
    }
    entries = list(Transition.objects.filter(parts).select_related("actor").order_by("-created_at", "-pk")[:limit])
    for entry in entries:
        entry.about = labels.get(entry.content_type_id, "")
    return entries


def _recent_contracts(membership, worker):
    """The worker's RECENT latest contracts and how many there are, in one query (a window count)."""
    contracts = list(
        selectors.contracts_for(membership)
        .filter(worker=worker)
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:RECENT]
    )
    return contracts, contracts[0].total if contracts else 0


def _recent_documents(membership, worker):
    """The worker's RECENT latest payslips and RECENT latest other documents, in one query (ranked per group)."""
    payslip = Case(When(kind=DocumentKind.PAYSLIP, then=Value(1)), default=Value(0))
    documents = list(
        selectors.documents_for(membership)
        .filter(worker=worker)
        .annotate(rank=Window(RowNumber(), partition_by=[payslip], order_by=[F("period").desc(), F("pk").desc()]))
        .filter(rank__lte=RECENT)
        .order_by("-period", "-pk")
    )
    payslips = [document for document in documents if document.kind == DocumentKind.PAYSLIP]
    return payslips, [document for document in documents if document.kind != DocumentKind.PAYSLIP]


def worker_detail(request, pk):
    require(request, "interim.validate_worker")
    membership = request.membership
    worker = get_object_or_404(selectors.workers_for(membership).select_related("user", "sector"), pk=pk)
    contracts, contract_count = _recent_contracts(membership, worker)
    payslips, other_documents = _recent_documents(membership, worker)
    context = {
        "worker": worker,
        "sector_form": SectorChoiceForm(agency_id=membership.organisation_id, initial={"sector": worker.sector_id}),
        "changes": worker.changes.filter(state=ChangeState.PENDING).order_by("created_at"),
        "diplomas": worker.diplomas.order_by("-obtained_on", "-pk"),
        "qualifications": worker.qualifications.select_related("qualification", "diploma").order_by(
            "qualification__label"
        ),
        "contracts": contracts,
        "contract_count": contract_count,
        "advances": worker.advances.order_by("-created_at", "-pk")[:RECENT],
        "payslips": payslips,
        "other_documents": other_documents,
        "requests": worker.document_requests.filter(state=DocumentRequestState.PENDING),
        "pending_diplomas": DiplomaState.PENDING,
        "history": _history(worker),
    }
    return render(request, "interim/agency/worker.html", context)


@require_POST
def worker_sector(request, pk):
    require(request, "interim.validate_worker")
    scope = selectors.workers_for(request.membership)
    worker = get_object_or_404(scope, pk=pk)
    form = SectorChoiceForm(request.POST, agency_id=request.membership.organisation_id)
    if not form.is_valid():
        messages.error(request, _("Choisissez un secteur de la liste."))
    else:
        agency_services.worker_sector_set(
            worker_id=worker.pk, scope=scope, sector=form.cleaned_data["sector"], actor=request.user
        )
        messages.success(request, _("Secteur enregistré."))
    return redirect("interim:agency_worker", worker.pk)


def worker_invite(request):
    require(request, "interim.validate_worker")
    agency = selectors.agency_for(request.membership)
    if agency is None:
        messages.error(request, _("Les informations de l'agence ne sont pas encore créées."))
        return redirect("interim:agency_workers")
    form = InviteForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            worker, _created = agency_services.worker_invite(
                agency=agency,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data.get("phone") or "",
                sector=data.get("sector"),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s est inscrit(e) sous le n° %(number)s ; un e-mail lui a été envoyé.")
                % {"name": worker.user.get_full_name(), "number": worker.number},
            )
            return redirect("interim:agency_worker", worker.pk)
    return render(request, "interim/agency/worker_invite.html", {"form": form})
