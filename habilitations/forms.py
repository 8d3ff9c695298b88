"""Forms of the Espace Organismes (French messages on the field; nothing typed is lost on an error,
except passwords and the captcha)."""

import re

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms.passwords import CaptchaInput
from accounts.models import User
from core.forms import DateField, NameField, PhoneField, PostcodeField, SearchableChoiceField

from . import selectors
from .enums import Management, Newsletter

CAREGIVER_CODE = re.compile(r"^\d{6}RH$")


def captcha_field():
    return CaptchaField(
        label=_("Recopiez les caractères de l’image"),
        widget=CaptchaInput(),
        error_messages={"invalid": _("Vous n’avez pas saisi correctement les caractères de l’image. Réessayez.")},
    )


class HoneypotMixin:
    """A field people never see (hidden by CSS, out of the tab order); robots often fill it."""

    HONEYPOT = "site_web"

    def add_honeypot(self):
        self.fields[self.HONEYPOT] = forms.CharField(
            label=_("Ne pas remplir ce champ"),
            required=False,
            widget=forms.HiddenInput(),
        )

    def is_spam(self):
        return bool(self.data.get(self.HONEYPOT))


class EmailField(forms.EmailField):
    default_error_messages = {
        "invalid": _("Saisissez une adresse e-mail valide, par exemple prenom.nom@organisme.fr."),
        "required": _("Saisissez votre adresse e-mail."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return value.strip().lower() if value else value


class OrganismeChoiceField(SearchableChoiceField):
    """An organisme, searchable by name or code: a text box suggesting "code · name" as one types. The
    choice is read from the suggestion picked, the six-digit code alone, or a name typed in full."""

    only = ("code", "name")

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", selectors.organismes())
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choisissez un organisme de la liste.")})
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.name}" if obj.code else obj.name

    def find(self, text):
        head = text.split("·", 1)[0].strip()
        if re.fullmatch(r"\d{6}", head):
            return self.queryset.filter(code=head)[:1]
        return self.queryset.filter(name__iexact=text)[:2]


# --- login (two steps) -----------------------------------------------------------------------------


class LoginEmailForm(forms.Form):
    email = EmailField(
        label=_("Entrez votre adresse e-mail professionnelle"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}),
    )


# --- account request -------------------------------------------------------------------------------


class AccountEmailForm(HoneypotMixin, forms.Form):
    email = EmailField(
        label=_("Votre adresse e-mail professionnelle"),
        help_text=_("Elle sera votre identifiant de connexion."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_honeypot()


class AccountRequestForm(HoneypotMixin, forms.Form):
    civility = forms.ChoiceField(
        label=_("Civilité"),
        choices=User.Civility.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez votre civilité.")},
    )
    first_name = NameField(label=_("Prénom"), widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = NameField(label=_("Nom"), widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    birth_name = NameField(label=_("Nom de naissance"), required=False, help_text=_("S’il diffère de votre nom."))
    organisme = OrganismeChoiceField(
        label=_("Organisme"),
        help_text=_("Tapez une partie du nom ou le code de votre organisme, puis choisissez-le dans la liste."),
    )
    second_organisme = OrganismeChoiceField(
        label=_("Second organisme"),
        required=False,
        help_text=_("Si vous occupez des fonctions dans un second organisme, merci de le renseigner."),
    )
    phone = PhoneField(label=_("Téléphone"))
    contact_email = EmailField(
        label=_("E-mail de contact"), required=False, help_text=_("Si elle diffère de votre e-mail professionnel.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = captcha_field()
        self.add_honeypot()
        for name in ("first_name", "last_name"):
            self.fields[name].error_messages["required"] = _("Saisissez votre %(field)s.") % {
                "field": self.fields[name].label.lower()
            }
        self.fields["organisme"].error_messages["required"] = _("Choisissez votre organisme.")
        self.fields["phone"].error_messages["required"] = _("Saisissez votre numéro de téléphone.")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("organisme"), cleaned.get("second_organisme")
        if first and second and first.pk == second.pk:
            self.add_error("second_organisme", _("Le second organisme doit être différent du premier."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Indiquez le motif de cette décision.")},
        help_text=_("Il est envoyé à la personne concernée."),
    )


class RevokeForm(ReasonForm):
    reason = forms.CharField(
        label=_("Motif du retrait"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Indiquez le motif du retrait.")},
        help_text=_("Il est envoyé au titulaire de l’habilitation."),
    )


# --- access requests -------------------------------------------------------------------------------


class AccessRequestForm(forms.Form):
    organisme = forms.ModelChoiceField(
        label=_("Pour l’organisme"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez l’un de vos organismes.")},
    )
    justification = forms.CharField(
        label=_("Justification (facultative)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dites à votre valideur pourquoi vous avez besoin de cette application."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisme"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisme"].widget = forms.HiddenInput()


class QueueFilters(forms.Form):
    AGES = [("", _("Toutes")), ("3", _("Plus de 3 jours")), ("7", _("Plus de 7 jours")), ("9", _("Plus de 9 jours"))]
    application = forms.ModelChoiceField(label=_("Application"), queryset=None, required=False, empty_label=_("Toutes"))
    organisme = forms.CharField(label=_("Organisme (nom ou code)"), required=False, max_length=100)
    age = forms.ChoiceField(label=_("Ancienneté"), choices=AGES, required=False)

    def __init__(self, *args, **kwargs):
        from .models import Application

        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.active()


# --- my details ------------------------------------------------------------------------------------


class ProfileForm(forms.Form):
    civility = forms.ChoiceField(label=_("Civilité"), choices=User.Civility.choices, widget=forms.RadioSelect)
    first_name = NameField(label=_("Prénom"))
    last_name = NameField(label=_("Nom"))
    birth_name = NameField(label=_("Nom de naissance"), required=False)
    email = EmailField(label=_("E-mail"))
    contact_email = EmailField(label=_("E-mail de contact"), required=False)
    phone = PhoneField(label=_("Téléphone"), required=False)


class SubscriptionsForm(forms.Form):
    newsletters = forms.MultipleChoiceField(
        label=_("Lettres d’information"),
        choices=Newsletter.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(
        label=_("Délégué"),
        queryset=None,
        error_messages={"required": _("Choisissez la personne qui valide à votre place.")},
    )
    starts_on = DateField(label=_("Du"), error_messages={"required": _("Indiquez le premier jour d’absence.")})
    ends_on = DateField(label=_("Au"), error_messages={"required": _("Indiquez le dernier jour d’absence.")})

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = members

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("Le dernier jour doit suivre le premier."))
        return cleaned


class WebmasterForm(HoneypotMixin, forms.Form):
    name = NameField(label=_("Votre nom"))
    email = EmailField(label=_("Votre adresse e-mail"))
    subject = forms.CharField(label=_("Objet"), max_length=150)
    text = forms.CharField(label=_("Votre message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, with_captcha=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_captcha:
            self.fields["captcha"] = captcha_field()
        self.add_honeypot()


# --- Aide aux aidants (004) ------------------------------------------------------------------------


class CaregiverCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        code = value.strip().replace(" ", "").upper()
        if not CAREGIVER_CODE.match(code):
            raise forms.ValidationError(
                _(
                    "Le code organisme comprend 8 caractères : les 6 chiffres de votre organisme suivis de RH, "
                    "par exemple 123456RH."
                ),
                code="caregiver_code",
            )
        return code


class CaregiverForm(HoneypotMixin, forms.Form):
    code = CaregiverCodeField(
        label=_("Code organisme"),
        max_length=12,
        help_text=_(
            "Renseignez ici un code à 8 caractères : votre code organisme suivi des lettres « RH », par exemple "
            "123456RH. Votre correspondant le trouve dans l’Espace Organismes, « Gérer vos collaborateurs / "
            "L’Aide aux aidants ». Il est conseillé de créer un compte par code organisme."
        ),
    )
    first_name = NameField(
        label=_("Prénom"), help_text=_("Saisissez la structure dont vous dépendez, par exemple « CPAM ».")
    )
    last_name = NameField(label=_("Nom"), help_text=_("Par exemple « Paris »."))
    email = EmailField(
        label=_("E-mail"),
        help_text=_(
            "Privilégiez une adresse générique, propre à votre organisme, utilisée par toute l’équipe "
            "chargée de la gestion RH du dispositif."
        ),
    )
    birth_date = DateField(
        label=_("Date de naissance"),
        not_future=True,
        help_text=_("La date de naissance de la personne qui remplit ce formulaire."),
    )
    address = forms.CharField(label=_("Adresse"), max_length=200, help_text=_("Celle de votre organisme."))
    postcode = PostcodeField(label=_("Code postal"))
    town = NameField(label=_("Ville"), max_length=100)
    phone = PhoneField(label=_("Téléphone"))
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Utilisez au moins huit caractères. Évitez un mot de passe que vous utilisez déjà sur un autre site "
            "ou trop évident (prénom, lieu de résidence, « 0000 », « 1234 »...)."
        ),
    )
    password2 = forms.CharField(
        label=_("Confirmez le mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    health_data = forms.BooleanField(
        label=_(
            "J’accepte le service et donne mon consentement au recueil et au traitement de mes données "
            "personnelles de santé"
        ),
        help_text=_(
            "Obligatoire. Aucune donnée de santé ne sera à renseigner ni exploitée dans le cadre de ce dispositif."
        ),
        error_messages={"required": _("Ce consentement est obligatoire pour ouvrir le compte.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = captcha_field()
        self.add_honeypot()

    def clean(self):
        from django.contrib.auth import password_validation

        from core import spaces

        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif p1:
            candidate = User(
                identifier=cleaned.get("code") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
                email=cleaned.get("email") or "",
            )
            try:
                password_validation.validate_password(
                    p1, candidate, password_validators=spaces.get("habilitations").password_validators()
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# --- central admins --------------------------------------------------------------------------------


class OrganismeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Le code d’un organisme comprend 6 chiffres, par exemple 751000.")},
    )
    name = NameField(label=_("Nom"), max_length=200)
    address = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    postcode = PostcodeField(label=_("Code postal"), required=False)
    town = NameField(label=_("Ville"), max_length=100, required=False)
    phone = PhoneField(label=_("Téléphone"), required=False)


class ApplicationForm(forms.Form):
    name = NameField(label=_("Nom"), max_length=120)
    slug = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Lettres minuscules, chiffres et tirets ; il figure dans les jetons de connexion."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.URLField(label=_("Adresse de l’application"), required=False, assume_scheme="https")
    management = forms.ChoiceField(label=_("Gestion des accès"), choices=Management.choices, widget=forms.RadioSelect)
    is_active = forms.BooleanField(label=_("Proposée dans le catalogue"), required=False, initial=True)
    managers = forms.ModelMultipleChoiceField(
        label=_("Gestionnaires (applications centrales)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        from accounts.enums import Role

        super().__init__(*args, **kwargs)
        self.fields["managers"].queryset = (
            User.objects.filter(memberships__role=Role.APP_MANAGER, memberships__is_active=True, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
