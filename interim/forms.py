"""Forms of the Espace intérimaire. French messages on the field; nothing typed is lost on an error.
NIR, IBAN, postcode, names, dates and amounts use the shared fields of core.forms."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.files import PrivateFileField
from core.forms import AmountField, DateField, IbanField, NameField, NirField, PostcodeField
from core.tables import FilterForm

from .enums import AvailabilityKind, ChangeGroup, ContractState, FamilySituation, WorkPeriod

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class IdentityForm(forms.Form):
    civility = forms.ChoiceField(label=_("Civilité"), choices=User.Civility.choices)
    last_name = NameField(label=_("Nom"))
    first_name = NameField(label=_("Prénom"))
    birth_name = NameField(label=_("Nom de naissance"), required=False)


class NirForm(forms.Form):
    nir = NirField(label=_("Numéro de sécurité sociale"))


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class MobilityForm(forms.Form):
    mobility_km = forms.IntegerField(
        label=_("Mobilité (km)"), min_value=0, max_value=1000, required=False, help_text=_("Distance en kilomètres.")
    )
    work_period = forms.ChoiceField(
        label=_("Préférence de période de travail"), choices=WorkPeriod.choices, required=False
    )


class AddressForm(forms.Form):
    street = forms.CharField(
        label=_("Adresse"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    postcode = PostcodeField(label=_("Code postal"))
    town = forms.CharField(
        label=_("Commune"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )


class BankForm(forms.Form):
    iban = IbanField(label=_("IBAN"))
    bank_holder = forms.CharField(label=_("Titulaire du compte"), max_length=150)
    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Par sécurité, un changement de coordonnées bancaires demande votre mot de passe."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Le mot de passe est incorrect."), code="password")
        return ""


class FamilyForm(forms.Form):
    family_situation = forms.ChoiceField(label=_("Situation familiale"), choices=FamilySituation.choices)
    children = forms.IntegerField(label=_("Nombre d'enfants"), min_value=0, max_value=30)


class SsCardForm(forms.Form):
    file = PrivateFileField(label=_("Carte de sécurité sociale (scan)"))


GROUP_FORMS = {
    ChangeGroup.IDENTITY: IdentityForm,
    ChangeGroup.NIR: NirForm,
    ChangeGroup.CONTACT: ContactForm,
    ChangeGroup.MOBILITY: MobilityForm,
    ChangeGroup.ADDRESS: AddressForm,
    ChangeGroup.BANK: BankForm,
    ChangeGroup.FAMILY: FamilyForm,
    ChangeGroup.SS_CARD: SsCardForm,
}


class DiplomaForm(forms.Form):
    name = forms.CharField(label=_("Nom du diplôme"), max_length=200)
    obtained_on = DateField(label=_("Date d'obtention"), not_future=True, earliest=datetime.date(1940, 1, 1))
    file = PrivateFileField(label=_("Diplôme / certificat"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AdvanceForm(forms.Form):
    amount = AmountField(
        label=_("Montant de l'acompte souhaité (€)"), help_text=_("En euros, par exemple 230 ou 230,50.")
    )


class AvailabilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Je suis"), choices=AvailabilityKind.choices, widget=forms.RadioSelect)
    start_date = DateField(label=_("Du"))
    end_date = DateField(label=_("Au"))
    start_time = forms.TimeField(label=_("De (heure, facultatif)"), required=False, widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("À (heure, facultatif)"), required=False, widget=TIME_INPUT)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin est avant la date de début."))
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if (
            (start_time is None) != (end_time is None)
            and "start_time" not in self.errors
            and "end_time" not in self.errors
        ):
            self.add_error("end_time", _("Indiquez les deux heures, ou aucune."))
        elif start_time and end_time and end_time <= start_time:
            self.add_error("end_time", _("L’heure de fin est avant l’heure de début."))
        return data


class ContractFilters(FilterForm):
    current = forms.BooleanField(label=_("En cours aujourd'hui"), required=False)
    on = forms.DateField(label=_("À la date du"), required=False, widget=DATE_INPUT)
    state = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *ContractState.choices])

    def active_values(self):
        return {name: value for name, value in super().active_values().items() if value is not False}

    def filter_queryset(self, queryset):
        values = self.active_values()
        if values.get("current"):
            today = timezone.localdate()  # the day in Europe/Paris, not the server's
            queryset = queryset.filter(mission__start_date__lte=today, mission__end_date__gte=today)
        if values.get("on"):
            queryset = queryset.filter(mission__start_date__lte=values["on"], mission__end_date__gte=values["on"])
        if values.get("state"):
            queryset = queryset.filter(state=values["state"])
        return queryset


class SignForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "J'ai lu le contrat de mission et je l'accepte. Je le signe électroniquement avec le code reçu par SMS."
        ),
        error_messages={"required": _("Cochez la case pour accepter le contrat.")},
    )
    code = forms.RegexField(
        label=_("Code reçu par SMS"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": _("Le code a 6 chiffres."), "required": _("Saisissez le code reçu par SMS.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"\d{6}", "maxlength": "6"}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Le contrat signé (PDF)"), required=False)
    code = forms.CharField(label=_("ou son code de vérification"), max_length=20, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("code"):
            raise ValidationError(_("Déposez le PDF ou saisissez le code de vérification."))
        return data


class DocumentRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Précisions (facultatif)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
