"""The agency's validation queue: one table of what waits for the agency (profile changes, shown
field by field with bank details flagged; diplomas, validated with qualifications from the agency's
list; document requests, answered with the document or refused), oldest first.

The queue is one UNION query of the three kinds (plus its count), paginated by core.tables, so its
cost does not grow with the agency's volume."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Q, TextField, Value
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import form_errors, require
from core.files import private_file_response
from core.params import parse_ids
from core.tables import Column, DataTable

from .. import agency_services, selectors, services
from ..agency_forms import FulfilForm, QueueFilters, ReasonRequiredForm
from ..enums import AdvanceState, ChangeGroup, ChangeState, DiplomaState, DocumentKind, DocumentRequestState
from ..forms import GROUP_FORMS, ReasonForm
from ..models import Qualification
from .account import _display

KIND_LABELS = {
    "change": gettext_lazy("Modification de fiche"),
    "diploma": gettext_lazy("Diplôme"),
    "request": gettext_lazy("Demande de document"),
}
DETAIL_LABELS = {**dict(ChangeGroup.choices), **dict(DocumentKind.choices)}
FIELDS = ("pk", "item", "created_at", "detail", "note", "bank", "worker_id", "number", "last_name", "first_name")


def _rows(queryset, kind, detail, bank, note=None):
    # No ORDER BY inside a UNION's parts (SQLite refuses it; the table orders the whole).
    return (
        queryset.order_by()
        .annotate(
            item=Value(kind, output_field=CharField()),
            detail=detail,
            note=note if note is not None else Value("", output_field=TextField()),
            bank=bank,
            number=F("worker__number"),
            last_name=F("worker__user__last_name"),
            first_name=F("worker__user__first_name"),
        )
        .values(*FIELDS)
    )


def queue(membership, kind=""):
    """What waits for the agency, as one queryset of dicts (a UNION of the kinds asked)."""
    no = Value(False, output_field=BooleanField())
    parts = []
    changes = selectors.changes_for(membership).filter(state=ChangeState.PENDING)
    if kind in ("", "change", "bank"):
        if kind == "bank":
            changes = changes.filter(group=ChangeGroup.BANK)
        is_bank = ExpressionWrapper(Q(group=ChangeGroup.BANK), output_field=BooleanField())
        parts.append(_rows(changes, "change", F("group"), is_bank))
    if kind in ("", "diploma"):
        diplomas = selectors.diplomas_for(membership).filter(state=DiplomaState.PENDING)
        parts.append(_rows(diplomas, "diploma", F("name"), no))
    if kind in ("", "request"):
        requests = selectors.document_requests_for(membership).filter(state=DocumentRequestState.PENDING)
        parts.append(_rows(requests, "request", F("kind"), no, note=F("message")))
    first, *others = parts
    return first.union(*others, all=True) if others else first


def _item_link(row):
    name = {"change": "interim:agency_change", "diploma": "interim:agency_diploma", "request": "interim:agency_request"}
    return reverse(name[row["item"]], args=[row["pk"]])


def _kind(row):
    return KIND_LABELS[row["item"]]


def _detail(row):
    return DETAIL_LABELS.get(row["detail"], row["detail"])


def _worker(row):
    return f"{row['first_name']} {row['last_name']} ({row['number']})"


def _detail_cell(row, label):
    # The object, a warning for bank details, the worker's note.
    html = conditional_escape(label)
    if row.get("bank"):
        html += format_html(' <span class="badge badge-red">{}</span>', _("Coordonnées bancaires : à vérifier"))
    if row.get("note"):
        html += format_html('<br><span class="muted">{}</span>', Truncator(row["note"]).chars(120))
    return html


def _open_cell(row, url):
    # The link to the item, named for screen readers.
    return format_html(
        '<a href="{}">{}<span class="visually-hidden"> : {} {}, {}</span></a>',
        url,
        _("Examiner"),
        row["first_name"],
        row["last_name"],
        row["detail"],
    )


def queue_columns():
    return [
        Column("created_at", gettext_lazy("Reçu le"), accessor=lambda row: row["created_at"], order_by="created_at"),
        Column("item", gettext_lazy("Type"), accessor=_kind, order_by="item"),
        Column("worker", gettext_lazy("Intérimaire"), accessor=_worker, order_by=("last_name", "first_name")),
        Column("detail", gettext_lazy("Objet"), accessor=_detail, render=_detail_cell),
        Column("open", gettext_lazy("Action"), accessor=_item_link, render=_open_cell),
    ]


def _field_rows(group, current, proposed):
    """The change field by field: the form's label, the current and proposed values as words, and
    whether this field changes (the page marks it)."""
    form_fields = GROUP_FORMS[group].base_fields
    rows = []
    for name, value in current.items():
        field = form_fields.get(name)
        choices = dict(getattr(field, "choices", None) or ())

        def shown(raw, choices=choices):
            raw = "" if raw is None else raw
            return choices.get(raw, raw) if choices else raw

        new = proposed.get(name)
        rows.append(
            {
                "name": field.label if field is not None else name,
                "current": shown(value),
                "proposed": shown(new),
                "changed": ("" if value is None else str(value)) != ("" if new is None else str(new)),
            }
        )
    return rows


def validations(request):
    require(request, "interim.validate_worker")
    membership = request.membership
    kind = request.GET.get("kind", "")
    if kind not in dict(QueueFilters.KINDS):
        kind = ""
    table = DataTable(
        request,
        queue(membership, kind),
        columns=queue_columns(),
        filter_form_class=QueueFilters,
        default_sort="created_at",
        page_sizes=(25, 50, 100),
        default_page_size=25,
        caption=_("À valider, les plus anciens d'abord"),
        empty_message=_("Rien n'attend l'agence."),
    )
    advances = selectors.advances_for(membership).filter(state=AdvanceState.PENDING).count()
    return render(request, "interim/agency/validations.html", {"table": table, "advances": advances})


def change_decide(request, pk):
    require(request, "interim.validate_worker")
    scope = selectors.changes_for(request.membership)
    change = get_object_or_404(scope, pk=pk)
    require(request, "interim.validate_worker", change)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("decision") == "accept"
        try:
            if accept:
                services.profile_change_accept(change_id=change.pk, actor=request.user, scope=scope)
            else:
                services.profile_change_refuse(
                    change_id=change.pk, actor=request.user, scope=scope, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Modification validée.") if accept else _("Modification refusée."))
            return redirect("interim:agency_validations")
    current = services.current_values(change.worker, change.group)
    context = {
        "change": change,
        "form": form,
        "current": _display(change.group, current, change.worker),
        "proposed": _display(change.group, change.proposed, change.worker),
        "fields": _field_rows(change.group, current, change.proposed),
    }
    return render(request, "interim/agency/change.html", context)


def diploma_decide(request, pk):
    require(request, "interim.validate_worker")
    scope = selectors.diplomas_for(request.membership)
    diploma = get_object_or_404(scope, pk=pk)
    qualifications = Qualification.objects.filter(agency_id=request.membership.organisation_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("decision") == "accept"
        chosen = list(qualifications.filter(pk__in=parse_ids(request.POST.getlist("qualifications"))))
        try:
            if accept:
                services.diploma_validate(diploma_id=diploma.pk, actor=request.user, scope=scope, qualifications=chosen)
            else:
                services.diploma_refuse(
                    diploma_id=diploma.pk, actor=request.user, scope=scope, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Diplôme validé.") if accept else _("Diplôme refusé."))
            return redirect("interim:agency_validations")
    return render(
        request, "interim/agency/diploma.html", {"diploma": diploma, "form": form, "qualifications": qualifications}
    )


def diploma_file(request, pk):
    require(request, "interim.validate_worker")
    diploma = get_object_or_404(selectors.diplomas_for(request.membership), pk=pk)
    return private_file_response(request, diploma.file, label=f"diplome-{diploma.pk}", as_attachment=False)


def request_decide(request, pk):
    """A worker's request for an attestation or a certificate: answer with the document, or refuse."""
    require(request, "interim.process_document_requests")
    scope = selectors.document_requests_for(request.membership)
    item = get_object_or_404(scope, pk=pk)
    decision = request.POST.get("decision")
    fulfil = FulfilForm(request.POST if decision == "done" else None, request.FILES if decision == "done" else None)
    refuse = ReasonRequiredForm(request.POST if decision == "refuse" else None)
    if request.method == "POST":
        form = fulfil if decision == "done" else refuse
        if form.is_valid():
            try:
                if decision == "done":
                    agency_services.document_request_fulfil(
                        request_id=item.pk,
                        scope=scope,
                        file=fulfil.cleaned_data["file"],
                        period=fulfil.cleaned_data["period"],
                        actor=request.user,
                    )
                else:
                    agency_services.document_request_refuse(
                        request_id=item.pk, scope=scope, reason=refuse.cleaned_data["reason"], actor=request.user
                    )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Document publié sur l'espace de l'intérimaire.")
                    if decision == "done"
                    else _("Demande refusée."),
                )
                return redirect("interim:agency_validations")
    return render(request, "interim/agency/request.html", {"item": item, "fulfil": fulfil, "refuse": refuse})
