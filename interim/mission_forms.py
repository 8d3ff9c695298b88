"""Forms of the agency's missions, contracts, targetings and bulk documents. French messages on the
field; nothing typed is lost on an error (the form is shown again with what was typed)."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFileField
from core.forms import AmountField, DateField, MultipleFileInput, PostcodeField
from core.tables import FilterForm

from .enums import ContractState, DocumentKind
from .forms import ContractFilters
from .models import ClientCompany, Mission, Qualification

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAYS = [
    ("1", _("lundi")),
    ("2", _("mardi")),
    ("3", _("mercredi")),
    ("4", _("jeudi")),
    ("5", _("vendredi")),
    ("6", _("samedi")),
    ("7", _("dimanche")),
]
PARIS = ZoneInfo("Europe/Paris")


class ClientChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.organisation.name


class MissionForm(forms.Form):
    """The mission, and (optionally) its contract for one worker."""

    client = ClientChoice(
        label=_("Entreprise cliente"), queryset=ClientCompany.objects.none(), empty_label=_("Choisissez l'entreprise")
    )
    qualification = forms.ModelChoiceField(
        label=_("Qualification"), queryset=Qualification.objects.none(), empty_label=_("Choisissez la qualification")
    )
    place_name = forms.CharField(label=_("Lieu de mission"), max_length=200, required=False)
    street = forms.CharField(label=_("Adresse"), max_length=200)
    postcode = PostcodeField(label=_("Code postal"))
    town = forms.CharField(label=_("Ville"), max_length=100)
    access = forms.CharField(
        label=_("Moyen d'accès"), max_length=200, required=False, help_text=_("Par exemple : bus ligne 3, arrêt Gare.")
    )
    start_date = DateField(label=_("Du"))
    end_date = DateField(label=_("Au"))
    start_time = forms.TimeField(label=_("Heure de début"), required=False, widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Heure de fin"), required=False, widget=TIME_INPUT)
    weekdays = forms.MultipleChoiceField(
        label=_("Jours travaillés"),
        choices=WEEKDAYS,
        initial=["1", "2", "3", "4", "5"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un jour travaillé.")},
    )
    hourly_rate = AmountField(label=_("Taux horaire brut (€)"), required=False)
    worker_number = forms.CharField(
        label=_("N° d'intérimaire"),
        max_length=20,
        required=False,
        help_text=_("Pour établir le contrat tout de suite. Laissez vide pour cibler des intérimaires ensuite."),
    )
    source = forms.ChoiceField(
        label=_("Contrat de mission"),
        choices=[("template", _("Générer le PDF à partir de la mission")), ("upload", _("Déposer le PDF du contrat"))],
        initial="template",
        widget=forms.RadioSelect,
    )
    document = PrivateFileField(label=_("PDF du contrat"), required=False)
    reference = forms.CharField(
        label=_("Référence du contrat"),
        max_length=20,
        required=False,
        help_text=_("Laissez vide : une référence est donnée (année-numéro)."),
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = ClientCompany.objects.select_related("organisation").order_by(
            "organisation__name"
        )
        self.fields["qualification"].queryset = Qualification.objects.filter(agency=agency)

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document is not None and document.upload_info.kind != "pdf":
            raise forms.ValidationError(_("Le contrat doit être un document PDF."))
        return document

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin est avant la date de début."))
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if (start_time is None) != (end_time is None) and not {"start_time", "end_time"} & set(self.errors):
            self.add_error("end_time", _("Indiquez les deux heures, ou aucune."))
        elif start_time and end_time and end_time <= start_time:
            self.add_error("end_time", _("L’heure de fin est avant l’heure de début."))
        if data.get("source") == "upload" and not data.get("document") and "document" not in self.errors:
            self.add_error("document", _("Déposez le PDF du contrat, ou choisissez de le générer."))
        return data


class CancelForm(forms.Form):
    """The agency cancels a contract not signed: the worker reads the reason."""

    prefix = "annulation"
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("L'intérimaire le lira dans le message qui lui annonce l'annulation."),
        error_messages={"required": _("Indiquez le motif de l'annulation : l'intérimaire le lira.")},
    )


class DatesForm(forms.Form):
    start_date = DateField(label=_("Nouvelle date de début"))
    end_date = DateField(label=_("Nouvelle date de fin"))
    reason = forms.CharField(label=_("Motif"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin est avant la date de début."))
        return data


def week_bounds(today=None):
    """Monday 00:00 and next Monday 00:00, in Europe/Paris, of the current week."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=PARIS)
    return start, start + datetime.timedelta(days=7)


class AgencyContractFilters(ContractFilters):
    """The worker's filters, and those the agency needs: to sign, signed this week, client, qualification."""

    q = forms.CharField(label=_("Référence ou n° d'intérimaire"), max_length=40, required=False)
    to_sign = forms.BooleanField(label=_("À signer"), required=False)
    signed_this_week = forms.BooleanField(label=_("Signés cette semaine"), required=False)
    client = ClientChoice(
        label=_("Entreprise"), queryset=ClientCompany.objects.none(), required=False, empty_label=_("Toutes")
    )
    qualification = forms.ModelChoiceField(
        label=_("Qualification"), queryset=Qualification.objects.none(), required=False, empty_label=_("Toutes")
    )

    def __init__(self, *args, agency_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        with_missions = Mission.objects.filter(client=OuterRef("pk"), agency_id=agency_id)
        self.fields["client"].queryset = (
            ClientCompany.objects.filter(Exists(with_missions))
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.fields["qualification"].queryset = Qualification.objects.filter(agency_id=agency_id)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        values = self.active_values()
        if values.get("q"):
            term = values["q"].strip()
            queryset = queryset.filter(Q(reference=term) | Q(worker__number=term))
        if values.get("to_sign"):
            queryset = queryset.filter(state=ContractState.TO_SIGN)
        if values.get("signed_this_week"):
            start, end = week_bounds()
            queryset = queryset.filter(state=ContractState.SIGNED, signed_at__gte=start, signed_at__lt=end)
        if values.get("client"):
            queryset = queryset.filter(mission__client=values["client"])
        if values.get("qualification"):
            queryset = queryset.filter(mission__qualification=values["qualification"])
        return queryset


def agency_filters(agency_id):
    """The filter form class bound to the agency (DataTable builds it with data only)."""

    class Bound(AgencyContractFilters):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, agency_id=agency_id, **kwargs)

    Bound.base_fields = AgencyContractFilters.base_fields
    return Bound


class MissionFilters(FilterForm):
    lookups = {"qualification": "qualification"}
    qualification = forms.ModelChoiceField(
        label=_("Qualification"), queryset=Qualification.objects.none(), required=False
    )


class MultipleFiles(forms.FileField):
    """Several files in one input, cleaned to a list (their content is checked by the batch's analysis)."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            raise forms.ValidationError(_("Déposez une archive ZIP ou des fichiers PDF."), code="required")
        return [super(MultipleFiles, self).clean(item, initial) for item in files]


class BatchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices, initial=DocumentKind.PAYSLIP)
    files = MultipleFiles(
        label=_("Fichiers"),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.zip,application/pdf,application/zip"}),
        help_text=_(
            "Une archive ZIP ou plusieurs PDF, nommés « numéro d'intérimaire_AAAAMMJJ.pdf » "
            "(par exemple 1691_20190630.pdf)."
        ),
    )
