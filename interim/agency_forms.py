"""Forms of the agency's back office (workers, validations, advances, bureau virtuel content).
French messages on the field; nothing typed is lost on an error."""

import re

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFileField
from core.forms import DateField, IbanField, NameField, PhoneField
from core.tables import FilterForm

from .enums import AdvanceState, ChangeState, ContractState, DiplomaState, DocumentRequestState
from .models import (
    Advance,
    Agency,
    Availability,
    Contract,
    Diploma,
    DocumentRequest,
    NewsItem,
    ProfileChange,
    Qualification,
    Sector,
    SectorContact,
    WorkerQualification,
)

DIGITS = re.compile(r"^\d+$")


def pending_items_exist():
    """An expression: the worker has something waiting for the agency (change, diploma, request, advance)."""
    worker = OuterRef("pk")
    return (
        Exists(ProfileChange.objects.filter(worker=worker, state=ChangeState.PENDING))
        | Exists(Diploma.objects.filter(worker=worker, state=DiplomaState.PENDING))
        | Exists(DocumentRequest.objects.filter(worker=worker, state=DocumentRequestState.PENDING))
        | Exists(Advance.objects.filter(worker=worker, state=AdvanceState.PENDING))
    )


def search_workers(queryset, text):
    """Name (every word, first or last name), worker number (its start), or the NIR's last digits."""
    text = " ".join((text or "").split())
    if not text:
        return queryset
    compact = text.replace(" ", "")
    if DIGITS.match(compact):
        return queryset.filter(Q(number__startswith=compact) | Q(nir__endswith=compact))
    for word in text.split(" "):
        queryset = queryset.filter(
            Q(user__last_name__icontains=word) | Q(user__first_name__icontains=word) | Q(number__iexact=word)
        )
    return queryset


class _ChoicesInOneQuery(forms.models.ModelChoiceIterator):
    """A filter's few choices read with one plain query: ModelChoiceIterator's queryset.iterator()
    opens a server-side cursor on PostgreSQL (more round trips) on every render of the list."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class FilterChoiceField(forms.ModelChoiceField):
    iterator = _ChoicesInOneQuery


class WorkerFilters(FilterForm):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom, numéro d'intérimaire ou derniers chiffres du n° de sécurité sociale."),
    )
    qualification = FilterChoiceField(
        label=_("Qualification"), queryset=Qualification.objects.none(), required=False, empty_label=_("Toutes")
    )
    sector = FilterChoiceField(
        label=_("Secteur"), queryset=Sector.objects.none(), required=False, empty_label=_("Tous")
    )
    available_on = DateField(
        label=_("Disponible le"),
        required=False,
        help_text=_("Sans contrat en cours ni indisponibilité déclarée ce jour-là."),
    )
    pending = forms.BooleanField(label=_("Avec des éléments à valider"), required=False)

    agency_id: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = Qualification.objects.filter(agency_id=self.agency_id)
        self.fields["sector"].queryset = Sector.objects.filter(agency_id=self.agency_id)

    def active_values(self):
        return {name: value for name, value in super().active_values().items() if value is not False}

    def filter_queryset(self, queryset):
        values = self.active_values()
        queryset = search_workers(queryset, values.get("q"))
        if values.get("qualification"):
            queryset = queryset.filter(
                Exists(WorkerQualification.objects.filter(worker=OuterRef("pk"), qualification=values["qualification"]))
            )
        if values.get("sector"):
            queryset = queryset.filter(sector=values["sector"])
        day = values.get("available_on")
        if day:
            queryset = queryset.exclude(
                Exists(
                    Availability.objects.filter(
                        worker=OuterRef("pk"), kind="unavailable", start_date__lte=day, end_date__gte=day
                    )
                )
            ).exclude(
                Exists(
                    Contract.objects.filter(
                        worker=OuterRef("pk"),
                        state__in=[ContractState.AWAITING, ContractState.TO_SIGN, ContractState.SIGNED],
                        mission__start_date__lte=day,
                        mission__end_date__gte=day,
                    )
                )
            )
        if values.get("pending"):
            queryset = queryset.filter(pending_items_exist())
        return queryset


def worker_filters_for(agency_id):
    """The filter form class of one agency (its qualifications and sectors as choices)."""
    return type("AgencyWorkerFilters", (WorkerFilters,), {"agency_id": agency_id})


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_(
            "L'intérimaire se connecte avec cette adresse ; un lien pour choisir son mot de passe lui est envoyé."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.")},
    )
    last_name = NameField(label=_("Nom"))
    first_name = NameField(label=_("Prénom"))
    phone = PhoneField(label=_("Téléphone mobile (facultatif)"), required=False)
    sector = forms.ModelChoiceField(
        label=_("Secteur"), queryset=Sector.objects.none(), required=False, empty_label=_("Aucun")
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(agency=agency)


class SectorChoiceForm(forms.Form):
    sector = forms.ModelChoiceField(
        label=_("Secteur"), queryset=Sector.objects.none(), required=False, empty_label=_("Aucun")
    )

    def __init__(self, *args, agency_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(agency_id=agency_id)


class QueueFilters(FilterForm):
    KINDS = [
        ("", _("Tout")),
        ("change", _("Modifications de fiche")),
        ("bank", _("Coordonnées bancaires")),
        ("diploma", _("Diplômes")),
        ("request", _("Demandes de documents")),
    ]
    kind = forms.ChoiceField(label=_("Type"), choices=KINDS, required=False)

    def filter_queryset(self, queryset):
        return queryset  # the view builds the queue from the kind (see agency_validations.queue)


class FulfilForm(forms.Form):
    file = PrivateFileField(label=_("Le document (PDF)"))
    period = DateField(label=_("Période du document"), help_text=_("Par exemple le dernier jour du contrat."))


class ReasonRequiredForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif du refus : l'intérimaire le verra.")},
    )


class BatchForm(forms.Form):
    date = DateField(label=_("Date de versement"))


class AgencyInfoForm(forms.ModelForm):
    transfer_iban = IbanField(label=_("IBAN du compte de l'agence (virements d'acomptes)"), required=False)

    class Meta:
        model = Agency
        fields = [
            "phone",
            "email",
            "absence_procedure",
            "oncall_phone",
            "oncall_hours",
            "payroll_info",
            "payroll_email",
            "advance_info",
            "transfer_iban",
            "transfer_bic",
        ]
        widgets = {
            "absence_procedure": forms.Textarea(attrs={"rows": 4}),
            "payroll_info": forms.Textarea(attrs={"rows": 3}),
            "advance_info": forms.Textarea(attrs={"rows": 3}),
        }


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


class SectorForm(forms.ModelForm):
    class Meta:
        model = Sector
        fields = ["name", "position"]


ContactFormSet = inlineformset_factory(
    Sector,
    SectorContact,
    fields=["name", "email", "phone"],
    extra=2,
    can_delete=True,
)
