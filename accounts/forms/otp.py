"""Second factor forms: confirm an enrolment, verify a sign-in, re-authenticate before a sensitive change."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Code à 6 chiffres affiché par l'application"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class OtpVerifyForm(forms.Form):
    token = forms.CharField(
        label=_("Code de vérification"),
        help_text=_("Le code à 6 chiffres de votre application, ou l'un de vos codes de secours."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}),
    )


class ReauthForm(forms.Form):
    """Password, and the second factor when the user has one."""

    password = forms.CharField(
        label=_("Mot de passe"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, with_otp=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_otp:
            self.fields["token"] = forms.CharField(
                label=_("Code de vérification"),
                help_text=_("Le code à 6 chiffres de votre application, ou l'un de vos codes de secours."),
                max_length=20,
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
            )
