"""Forms of the partners space. Checks with French messages on their field; nothing typed is lost
on error except the captcha (asked again)."""

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms.passwords import CaptchaInput
from accounts.models import EMAIL_UNAVAILABLE
from core.forms import PhoneField, SiretField
from core.validators import clean_postcode

from . import selectors
from .enums import ContactReason, StreetIndex, StreetType
from .models import Address, ConventionType, PartnerType
from .validators import clean_login

CAPTCHA_ERRORS = {"invalid": _("Vous n'avez pas saisi correctement les caractères de l'image. Réessayez.")}


def captcha_field():
    return CaptchaField(
        label=_("Recopiez les caractères de l’image"),
        widget=CaptchaInput(),
        error_messages=CAPTCHA_ERRORS,
    )


class HoneypotMixin:
    """A field people never see nor fill (hidden by CSS, out of the tab order); robots often do."""

    HONEYPOT = "site_web"

    def add_honeypot(self):
        self.fields[self.HONEYPOT] = forms.CharField(
            label=_("Ne pas remplir ce champ"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off", "class": "honeypot-input"}),
        )

    def is_spam(self):
        return bool(self.data.get(self.HONEYPOT))


class FundSelect(forms.Select):
    """The funds, each option carrying its regime (static/partners/funds.js filters them by the regime)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-regime"] = str(instance.parent_id)
        return option


class RegimeFundMixin:
    """Regime, then fund filtered by the regime (client side); the server checks the pair."""

    def setup_regime_fund(self):
        self.fields["regime"].queryset = selectors.regimes()
        self.fields["fund"].queryset = selectors.funds()
        self.fields["regime"].widget.attrs["data-regime-select"] = "1"
        self.fields["fund"].widget.attrs["data-fund-select"] = "1"

    def clean(self):
        cleaned = super().clean()
        regime, fund = cleaned.get("regime"), cleaned.get("fund")
        if regime is not None and fund is not None and fund.parent_id != regime.pk:
            self.add_error(
                "fund",
                _("La caisse « %(fund)s » ne dépend pas du régime %(regime)s.") % {"fund": fund, "regime": regime},
            )
        return cleaned


def _text(label, max_length, required=False, **attrs):
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.TextInput(attrs=attrs or None)
    )


class AddressFieldsMixin:
    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"])


def address_fields():
    return {
        "complement": _text(_("Mention complémentaire"), 38),
        "building": _text(_("Bâtiment ou résidence"), 38),
        "street_number": _text(_("Numéro"), 5, inputmode="numeric"),
        "street_index": forms.ChoiceField(
            label=_("Indice (B, T, Q)"), choices=[("", "—"), *StreetIndex.choices], required=False
        ),
        "street_type": forms.ChoiceField(
            label=_("Type de voie"), choices=[("", "—"), *StreetType.choices], required=False
        ),
        "street_name": _text(_("Nom de la voie"), 60),
        "locality": _text(_("Lieu-dit ou boîte postale"), 38),
        "postcode": _text(_("Code postal"), 5, True, inputmode="numeric", autocomplete="postal-code"),
        "town": _text(_("Commune"), 60, True, autocomplete="address-level2"),
        "cedex": _text(_("Cedex"), 30),
        "canton": _text(_("Canton"), 60),
    }


class LoginField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "help_text", _("Lettres sans accent et chiffres uniquement. Retenez-le : il sert à la connexion.")
        )
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_login(super().clean(value))


# The whole name as registered (the organisation's name), never cut: browsers silently drop what goes
# past an input's maxlength, which at 38 characters cut real names.
PARTNER_NAME_MAX = 200


# --- pre-registration -----------------------------------------------------------------------------


class TermsForm(forms.Form):
    accept = forms.BooleanField(
        label=_("J'accepte les conditions générales d'inscription"),
        error_messages={"required": _("Cochez la case pour accepter les conditions générales.")},
    )


class ConventionKnownForm(forms.Form):
    known = forms.TypedChoiceField(
        label=_("Connaissez-vous le numéro de convention que votre caisse vous a transmis ?"),
        choices=[("1", _("Oui, je connais mon code convention")), ("0", _("Non"))],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "1",
        error_messages={"required": _("Répondez à la question.")},
    )


PARTNER_BLOCK = ("regime", "fund", "convention_code", "partner_type", "partner_name", "siret", "phone")
ADDRESS_BLOCK = Address.ADDRESS_FIELDS
ADMIN_BLOCK = ("admin_last_name", "admin_first_name", "admin_login", "admin_email", "admin_phone")


class PreRegistrationForm(HoneypotMixin, RegimeFundMixin, AddressFieldsMixin, forms.Form):
    required_fields_note = True

    regime = forms.ModelChoiceField(label=_("Régime"), queryset=None, empty_label=_("Choisissez un régime"))
    fund = forms.ModelChoiceField(
        label=_("Caisse"), queryset=None, widget=FundSelect, empty_label=_("Choisissez une caisse")
    )
    convention_code = forms.CharField(
        label=_("Code convention"), max_length=30, help_text=_("Le code transmis par votre caisse de retraite.")
    )
    partner_type = forms.ModelChoiceField(
        label=_("Type de partenaire"), queryset=None, empty_label=_("Choisissez un type")
    )
    partner_name = forms.CharField(
        label=_("Nom du partenaire"),
        max_length=PARTNER_NAME_MAX,
        help_text=_("Tel qu'il figure sur la convention. Il sera aussi l'identité du destinataire de l'adresse."),
        widget=forms.TextInput(attrs={"autocomplete": "organization", "data-recipient-source": "1"}),
    )
    siret = SiretField(label=_("SIRET"))
    phone = PhoneField(label=_("Téléphone"))
    admin_last_name = forms.CharField(
        label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    admin_first_name = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    admin_login = LoginField(label=_("Login"))
    admin_email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    admin_phone = PhoneField(label=_("Téléphone de l'administrateur"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in address_fields().items():
            self.fields[name] = field
        self.fields["captcha"] = captcha_field()
        self.add_honeypot()
        self.setup_regime_fund()
        self.fields["partner_type"].queryset = PartnerType.objects.active()

    def clean(self):
        """What other people typed (logins of any space, a fund's codes) is only checked once the captcha is
        right: a robot cannot probe it, and a person is told with a free variant to take."""
        cleaned = super().clean()
        if "captcha" in self.errors:
            return cleaned
        from .services import convention_code_is_taken, email_is_taken, login_is_taken, suggest_login

        login = cleaned.get("admin_login")
        if login and login_is_taken(login):
            self.add_error(
                "admin_login",
                _("Ce login est déjà utilisé : choisissez-en un autre, par exemple « %(free)s ».")
                % {"free": suggest_login(login)},
            )
        email = cleaned.get("admin_email")
        if email and email_is_taken(email):
            self.add_error("admin_email", EMAIL_UNAVAILABLE)
        fund, code = cleaned.get("fund"), cleaned.get("convention_code")
        if fund and code and "fund" not in self.errors and convention_code_is_taken(code, fund):
            self.add_error("convention_code", _("Ce code convention est déjà enregistré pour cette caisse."))
        return cleaned

    def blocks(self):
        return {
            "partner": [self[name] for name in PARTNER_BLOCK],
            "address": [self[name] for name in ADDRESS_BLOCK],
            "admin": [self[name] for name in ADMIN_BLOCK],
        }

    def service_data(self):
        return {name: self.cleaned_data[name] for name in (*PARTNER_BLOCK, *ADDRESS_BLOCK, *ADMIN_BLOCK)}


# --- fund administrators --------------------------------------------------------------------------


class InvalidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'invalidation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est envoyé par e-mail au partenaire."),
        error_messages={"required": _("Indiquez le motif de l'invalidation.")},
    )


# --- partner administrators -----------------------------------------------------------------------


class PartnerForm(forms.Form):
    required_fields_note = True

    name = forms.CharField(label=_("Nom du partenaire"), max_length=PARTNER_NAME_MAX)
    siret = SiretField(label=_("SIRET"))
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = PhoneField(label=_("Téléphone"))


class AddressForm(AddressFieldsMixin, forms.Form):
    required_fields_note = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in address_fields().items():
            self.fields[name] = field


class PartnerUserForm(forms.Form):
    """Create (with the login) or edit (login read-only, shown by the page) a partner user."""

    required_fields_note = True

    last_name = forms.CharField(label=_("Nom"), max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    login = LoginField(label=_("Login"))
    phone = PhoneField(label=_("Téléphone"))
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    is_admin = forms.BooleanField(
        label=_("Administrateur"),
        required=False,
        help_text=_("Modifier les informations du partenaire, son adresse, ses conventions et ses utilisateurs."),
    )

    def __init__(self, *args, editing=False, own=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["login"]
        if own:
            self.fields["is_admin"].disabled = True
            self.fields["is_admin"].help_text = _("Vous ne pouvez pas modifier vos propres droits d'administration.")

    def clean_login(self):
        from .services import login_is_taken

        login = self.cleaned_data["login"]
        if login_is_taken(login):
            raise forms.ValidationError(_("Ce login est déjà utilisé : choisissez-en un autre."))
        return login


class ConventionForm(RegimeFundMixin, forms.Form):
    required_fields_note = True

    regime = forms.ModelChoiceField(label=_("Régime"), queryset=None, empty_label=_("Choisissez un régime"))
    fund = forms.ModelChoiceField(
        label=_("Caisse"), queryset=None, widget=FundSelect, empty_label=_("Choisissez une caisse")
    )
    convention_type = forms.ModelChoiceField(
        label=_("Type de convention"), queryset=None, empty_label=_("Choisissez un type")
    )
    code = forms.CharField(label=_("Code convention"), max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_regime_fund()
        self.fields["convention_type"].queryset = ConventionType.objects.active()


# --- public contact -------------------------------------------------------------------------------


class ContactForm(HoneypotMixin, forms.Form):
    required_fields_note = True

    convention_number = forms.CharField(label=_("Numéro de convention"), max_length=30)
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    department = forms.RegexField(
        label=_("Département"),
        regex=r"^(0[1-9]|[1-8]\d|9[0-5]|2[AaBb]|97[1-6])$",
        max_length=3,
        required=False,
        help_text=_("Par exemple 62, 2A ou 974."),
        error_messages={"invalid": _("Saisissez un numéro de département, par exemple 62, 2A ou 974.")},
    )
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = PhoneField(label=_("Téléphone"))
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=ContactReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le motif de votre message.")},
    )
    text = forms.CharField(label=_("Texte"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = captcha_field()
        self.add_honeypot()

    def clean_department(self):
        return self.cleaned_data["department"].upper()

    def service_data(self):
        names = ("convention_number", "institution", "department", "last_name", "first_name", "email", "phone")
        return {name: self.cleaned_data[name] for name in (*names, "reason", "text")}
