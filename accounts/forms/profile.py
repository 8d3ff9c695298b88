"""Profile forms: names and language, contact details (e-mail, phone), notification preferences."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from ..models import EMAIL_UNAVAILABLE
from ..services.otp import normalise_phone
from ..services.profile import email_taken


class ProfileForm(forms.ModelForm):
    # Each language in its own name ("English", not "Anglais"), as in the header's switch.
    language = forms.ChoiceField(
        label=_("Langue de l'interface"),
        choices=[(code, get_language_info(code)["name_local"].capitalize()) for code, _name in settings.LANGUAGES],
    )

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "language"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }


class ContactForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=30,
        help_text=_("Par exemple 06 12 34 56 78."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"].strip())
        if email.lower() != (self.user.email or "").lower() and email_taken(email, exclude_user=self.user):
            raise forms.ValidationError(EMAIL_UNAVAILABLE)
        return email

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""


class NotificationPreferencesForm(forms.Form):
    """One box per optional event type of the user's spaces (core.notifications registry)."""

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.preferences = preferences
        for event, enabled in preferences:
            self.fields[self.field_name(event)] = forms.BooleanField(label=event.label, required=False, initial=enabled)

    @staticmethod
    def field_name(event):
        return "event__" + event.key.replace(".", "__")

    def enabled_keys(self):
        return {event.key for event, _enabled in self.preferences if self.cleaned_data.get(self.field_name(event))}

    def groups(self):
        """[(space label, [bound fields])] in the registry's order, the events of no space first."""
        from ..enums import Space

        groups = {}
        for event, _enabled in self.preferences:
            label = Space(event.space).label if event.space else _("Général")
            groups.setdefault(label, []).append(self[self.field_name(event)])
        return list(groups.items())
