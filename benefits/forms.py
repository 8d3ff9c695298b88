"""Forms of the Prestations space: French messages on the field, nothing typed lost on error."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core.files import PrivateFileField
from core.tables import FilterForm
from core.validators import clean_iban, format_iban

from .enums import ContributionKind, FamilyDocumentKind, Relationship, RequestState
from .models import MAX_WEEKLY_HOURS, Contribution, Cooperative, Cooperator, Dependant

DATE_MESSAGES = {"invalid": _("Saisissez une date valide (jj/mm/aaaa).")}
MAX_AMOUNT = Decimal("999999.99")  # the columns' 8 digits


def amount_text(value):
    """An amount as a French person types it back ("45,50"), for a form's initial value."""
    return "" if value is None else number_format(value, decimal_pos=2)


def date_field(label, *, required=True, help_text="", **bounds):
    """core.forms.DateField with the space's labels (bounds: not_future, earliest, latest)."""
    return core_forms.DateField(
        label=label, required=required, error_messages=DATE_MESSAGES, help_text=help_text, **bounds
    )


def amount_field(label, *, required=True, min_value=Decimal("0"), help_text=""):
    """core.forms.AmountField ("45,50"), capped at what the columns hold."""
    field = core_forms.AmountField(
        label=label, required=required, minimum=min_value, maximum=MAX_AMOUNT, help_text=help_text
    )
    field.widget.attrs["autocomplete"] = "off"
    return field


class Form(forms.Form):
    required_fields_note = True


class ModelForm(forms.ModelForm):
    required_fields_note = True


# --- Multiple files -------------------------------------------------------------------------------


def files_field(*, required=True):
    return core_forms.MultiplePrivateFileField(
        label=_("Pièces justificatives"),
        required=required,
        error_messages={"required": _("Joignez au moins une pièce justificative (scan PDF, JPEG ou PNG).")},
        help_text=_("Un ou plusieurs fichiers PDF, JPEG ou PNG, 10 Mo au maximum chacun."),
    )


# --- Cooperative ---------------------------------------------------------------------------------


class CooperativeInfoForm(ModelForm):
    """Identity and address, kept by the HR manager."""

    name = core_forms.NameField(label=_("Raison sociale"), max_length=200)
    phone = core_forms.PhoneField(label=_("Téléphone"), required=False)
    siret = core_forms.SiretField(label=_("SIRET"), required=False)
    postcode = core_forms.PostcodeField(label=_("Code postal"))

    class Meta:
        model = Cooperative
        fields = ["address", "postcode", "city", "email", "phone", "siret"]
        widgets = {"postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"})}

    field_order = ["name", "address", "postcode", "city", "email", "phone", "siret"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["name"] = self.instance.organisation.name
        self.fields["email"].required = True
        for name in ("address", "postcode", "city"):
            self.fields[name].required = True
        self.fields["siret"].help_text = _("14 chiffres, sans espace.")


class CooperativeUnionForm(CooperativeInfoForm):
    """Officers also set the legal form and the package."""

    class Meta(CooperativeInfoForm.Meta):
        fields = ["legal_form", "package", *CooperativeInfoForm.Meta.fields]

    field_order = ["name", "legal_form", "package", *CooperativeInfoForm.Meta.fields]


# --- Cooperators ---------------------------------------------------------------------------------


class CooperatorForm(ModelForm):
    last_name = core_forms.NameField(label=_("Nom"))
    first_name = core_forms.NameField(label=_("Prénom"))
    phone = core_forms.PhoneField(label=_("Téléphone"), required=False)
    postcode = core_forms.PostcodeField(label=_("Code postal"), required=False)
    entry_date = date_field(_("Date d'entrée"))
    exit_date = date_field(
        _("Date de sortie"), required=False, help_text=_("Pour un coopérateur qui a quitté la coopérative.")
    )
    birth_date = date_field(_("Date de naissance"), required=False, not_future=True)
    weekly_hours = forms.DecimalField(
        label=_("Durée hebdomadaire de travail (heures)"),
        min_value=Decimal("0.5"),
        max_value=MAX_WEEKLY_HOURS,
        max_digits=4,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Par exemple 35 ou 17,5."),
        error_messages={
            "invalid": _("Saisissez un nombre d'heures, par exemple 35 ou 17,5."),
            "min_value": _("La durée hebdomadaire doit être d'au moins une demi-heure."),
            "max_value": _("La durée hebdomadaire ne peut pas dépasser 48 heures."),
        },
    )

    class Meta:
        model = Cooperator
        fields = [
            "civility",
            "last_name",
            "first_name",
            "birth_date",
            "email",
            "phone",
            "address",
            "postcode",
            "city",
            "entry_date",
            "weekly_hours",
            "exit_date",
        ]
        widgets = {"postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}

    def __init__(self, *args, cooperatives=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("Obligatoire : l'Union y envoie les informations du coopérateur.")
        if cooperatives is not None:
            self.fields["cooperative"] = forms.ModelChoiceField(
                label=_("Coopérative"), queryset=cooperatives, empty_label=_("Choisissez la coopérative")
            )
            self.order_fields(["cooperative"])

    def clean_exit_date(self):
        exit_date = self.cleaned_data.get("exit_date")
        if exit_date and exit_date > timezone.localdate():
            raise ValidationError(_("La date de sortie ne peut pas être dans le futur : la date du jour est acceptée."))
        return exit_date

    def clean(self):
        cleaned = super().clean()
        entry, exit_date = cleaned.get("entry_date"), cleaned.get("exit_date")
        if entry and exit_date and exit_date < entry:
            self.add_error("exit_date", _("La date de sortie ne peut pas précéder la date d'entrée."))
        return cleaned

    def _post_clean(self):
        # The cooperative is set by the view (or chosen above) before the model is validated.
        if "cooperative" in self.fields and self.cleaned_data.get("cooperative"):
            self.instance.cooperative = self.cleaned_data["cooperative"]
        super()._post_clean()

    def service_fields(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class CooperatorFilters(FilterForm):
    PRESENT, LEFT = "present", "sortis"
    q = forms.CharField(label=_("Rechercher"), required=False, help_text=_("Nom, prénom, numéro de famille, e-mail."))
    statut = forms.ChoiceField(
        label=_("Situation"),
        required=False,
        choices=[("", _("Tous")), (PRESENT, _("Présents")), (LEFT, _("Sortis"))],
    )
    compte = forms.ChoiceField(
        label=_("Identifiant"),
        required=False,
        choices=[("", _("Tous")), ("oui", _("Avec identifiant")), ("non", _("Sans identifiant"))],
    )

    def filter_queryset(self, queryset):
        from .selectors import cooperator_search

        values = self.active_values()
        queryset = cooperator_search(queryset, values.get("q"))
        if values.get("statut") == self.PRESENT:
            queryset = queryset.present()
        elif values.get("statut") == self.LEFT:
            queryset = queryset.left()
        if values.get("compte") == "oui":
            queryset = queryset.filter(user__isnull=False)
        elif values.get("compte") == "non":
            queryset = queryset.filter(user__isnull=True)
        return queryset


def cooperative_name_field():
    return forms.CharField(
        label=_("Coopérative"), required=False, max_length=200, help_text=_("Nom ou code, même partiel.")
    )


def filter_by_cooperative_name(queryset, text, prefix="cooperative"):
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(**{f"{prefix}__organisation__name__icontains": text}) | Q(**{f"{prefix}__organisation__code__iexact": text})
    )


class OfficerCooperatorFilters(CooperatorFilters):
    """Officers also filter by cooperative (a text field: a select of 300 cooperatives helps nobody)."""

    cooperative = cooperative_name_field()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return filter_by_cooperative_name(queryset, self.active_values().get("cooperative"))


class DependantForm(ModelForm):
    relationship = forms.ChoiceField(label=_("Lien"), choices=Relationship.choices, widget=forms.RadioSelect)
    last_name = core_forms.NameField(label=_("Nom"))
    first_name = core_forms.NameField(label=_("Prénom"))
    birth_date = date_field(_("Date de naissance"))

    class Meta:
        model = Dependant
        fields = ["relationship", "last_name", "first_name", "birth_date", "declared_on_tax_return"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declared_on_tax_return"].label = _(
            "Déclaré(e) à charge sur l'avis d'imposition de l'année dernière"
        )

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        return birth_date


class FamilyDocumentForm(Form):
    kind = forms.ChoiceField(label=_("Document"), choices=FamilyDocumentKind.choices, widget=forms.RadioSelect)
    file = PrivateFileField(label=_("Fichier"))
    iban = forms.CharField(
        label=_("IBAN"),
        required=False,
        max_length=42,
        help_text=_("Pour un RIB seulement : l'IBAN qui y figure, par exemple FR76 3000 6000 0112 3456 7890 189."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean(self):
        """The IBAN is read (and checked) for a RIB only; for another document it is ignored."""
        cleaned = super().clean()
        if cleaned.get("kind") != FamilyDocumentKind.BANK_DETAILS:
            cleaned["iban"] = ""
            return cleaned
        if not cleaned.get("iban"):
            self.add_error("iban", _("Indiquez l'IBAN du relevé d'identité bancaire."))
            return cleaned
        try:
            cleaned["iban"] = clean_iban(cleaned["iban"])
        except ValidationError as error:
            self.add_error("iban", error)
        return cleaned


class ReviewForm(Form):
    required_fields_note = False
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("valider", _("Valider le document")), ("refuser", _("Refuser le document"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (en cas de refus)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuser" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Indiquez le motif du refus."))
        return cleaned


# --- Requests ------------------------------------------------------------------------------------


def beneficiary_value(dependant):
    return f"d{dependant.pk}" if dependant is not None else "c"


class RequestForm(Form):
    """One beneficiary of the family, one benefit type of the package, its documents, a comment."""

    beneficiary = forms.ChoiceField(label=_("Bénéficiaire"), widget=forms.RadioSelect)
    benefit_type = forms.ModelChoiceField(
        label=_("Prestation"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : une précision utile à l'Union."),
    )

    def __init__(self, *args, cooperator, benefit_types, files_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperator = cooperator
        self.dependants = {f"d{d.pk}": d for d in cooperator.dependants.all() if d.is_active}
        choices = [("c", _("%(name)s (coopérateur)") % {"name": cooperator.get_full_name()})]
        choices += [
            (key, f"{d.get_full_name()} ({d.get_relationship_display().lower()}, {d.birth_date:%d/%m/%Y})")
            for key, d in self.dependants.items()
        ]
        self.fields["beneficiary"].choices = choices
        self.fields["benefit_type"].queryset = benefit_types
        self.fields["files"] = files_field(required=files_required)
        if not files_required:
            self.fields["files"].label = _("Ajouter des pièces justificatives")

    def clean_beneficiary(self):
        value = self.cleaned_data["beneficiary"]
        return None if value == "c" else self.dependants[value]


class DocumentsForm(Form):
    required_fields_note = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"] = files_field()
        self.fields["files"].label = _("Ajouter des pièces justificatives")


class ReasonForm(Form):
    required_fields_note = False
    reason = forms.CharField(label=_("Motif"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AmountForm(Form):
    required_fields_note = False
    amount = amount_field(_("Montant (€)"))
    reason = forms.CharField(
        label=_("Motif si le montant diffère des tarifs"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PayForm(Form):
    required_fields_note = False
    payment_date = date_field(_("Date de paiement"))

    def clean_payment_date(self):
        value = self.cleaned_data["payment_date"]
        if value > timezone.localdate() + datetime.timedelta(days=60):
            raise ValidationError(_("La date de paiement est trop éloignée : 60 jours au plus après aujourd'hui."))
        return value


class RequestFilters(FilterForm):
    etat = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *RequestState.choices])
    accord = forms.ChoiceField(
        label=_("Accord de la coopérative"),
        required=False,
        choices=[("", _("Toutes")), ("attente", _("En attente de l'accord"))],
    )
    q = forms.CharField(label=_("Coopérateur ou bénéficiaire"), required=False)

    def filter_queryset(self, queryset):
        values = self.active_values()
        if values.get("etat"):
            queryset = queryset.filter(state=values["etat"])
        return _filter_requests(queryset, values)


def _filter_requests(queryset, values):
    """The filters the requests list and the queue share (approval, names); they combine."""
    if values.get("accord") == "attente":
        queryset = queryset.filter(state=RequestState.AWAITING)
    if values.get("q"):
        for word in values["q"].split():
            queryset = queryset.filter(
                Q(cooperator__last_name__icontains=word)
                | Q(cooperator__first_name__icontains=word)
                | Q(cooperator__family_number__icontains=word)
                | Q(dependant__first_name__icontains=word)
            )
    return queryset


class QueueFilters(RequestFilters):
    """The officers' queue: by default what is to be processed; "Tous" really is every state."""

    TO_PROCESS, ALL = "", "tous"
    etat = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[(TO_PROCESS, _("À traiter (saisies et en cours)")), (ALL, _("Tous")), *RequestState.choices],
    )
    cooperative = cooperative_name_field()
    prestation = forms.ModelChoiceField(label=_("Prestation"), required=False, queryset=None)
    annee = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, choices=[])
    du = date_field(_("Saisie à partir du"), required=False)
    au = date_field(_("Saisie jusqu'au"), required=False)

    def __init__(self, *args, benefit_types=None, years=tuple, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import BenefitType

        self.fields["prestation"].queryset = benefit_types if benefit_types is not None else BenefitType.objects.all()
        # A callable: the years are read when the form is shown or checked, not when it is built.
        self.fields["annee"].choices = lambda: [("", _("Toutes")), *[(y, str(y)) for y in years()]]

    def filter_queryset(self, queryset):
        values = self.active_values()
        state = values.get("etat", self.TO_PROCESS)
        if state == self.TO_PROCESS:
            queryset = queryset.filter(state__in=[RequestState.ENTERED, RequestState.PROCESSING])
        elif state == self.ALL:
            pass
        else:
            queryset = queryset.filter(state=state)
        queryset = _filter_requests(queryset, values)
        queryset = filter_by_cooperative_name(queryset, values.get("cooperative"))
        if values.get("prestation"):
            queryset = queryset.filter(benefit_type=values["prestation"])
        if values.get("annee"):
            queryset = queryset.filter(year=values["annee"])
        if values.get("du"):
            queryset = queryset.filter(created_at__date__gte=values["du"])
        if values.get("au"):
            queryset = queryset.filter(created_at__date__lte=values["au"])
        return queryset


# --- Union: tariffs, contributions ----------------------------------------------------------------


class TariffsForm(Form):
    """One amount per benefit type that can be requested online, for one year."""

    year = forms.TypedChoiceField(label=_("Année"), coerce=int, choices=[])

    def __init__(self, *args, benefit_types, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in (this_year - 1, this_year, this_year + 1)]
        self.benefit_types = list(benefit_types)
        current = current or {}
        for benefit_type in self.benefit_types:
            name = f"type_{benefit_type.pk}"
            self.fields[name] = amount_field(benefit_type.name, required=False)
            if benefit_type.pk in current and not self.is_bound:
                self.initial[name] = amount_text(current[benefit_type.pk])

    def amounts(self):
        return {t: self.cleaned_data.get(f"type_{t.pk}") for t in self.benefit_types}


class ContributionForm(ModelForm):
    date = date_field(_("Date"))
    amount = amount_field(_("Montant (€)"), min_value=Decimal("0.01"))

    class Meta:
        model = Contribution
        fields = ["kind", "year", "label", "amount", "date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ContributionKind.choices
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class YearForm(forms.Form):
    annee = forms.TypedChoiceField(label=_("Année"), coerce=int, choices=[], required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(y, str(y)) for y in years]


def iban_display(value):
    return format_iban(value)
