"""Password change, reset and forgotten-password forms. The rule of the user's space is stated above the
new password field, before typing; its errors are shown on that field."""

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from ..validators import help_texts_for


class _NewPasswordMixin:
    """French labels, the space's rule as help text, and policy errors on the new password field."""

    def _setup_new_password_fields(self):
        rule = " ".join(str(text) for text in help_texts_for(self.user))
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password1"].help_text = rule
        self.fields["new_password2"].label = _("Confirmation du nouveau mot de passe")
        self.fields["new_password2"].help_text = _("Saisissez le même mot de passe, pour vérification.")
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("Les deux mots de passe ne sont pas identiques."),
        }

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class NewPasswordForm(_NewPasswordMixin, auth_forms.SetPasswordForm):
    """A new password without the old one: forced change after a temporary password, reset link."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self._setup_new_password_fields()


class ChangePasswordForm(_NewPasswordMixin, auth_forms.PasswordChangeForm):
    """A chosen change: the current password first."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self._setup_new_password_fields()
        self.fields["old_password"].label = _("Mot de passe actuel")
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": _("Le mot de passe actuel est incorrect."),
        }


class ForgotByLoginForm(forms.Form):
    """Benefits: identifier or e-mail."""

    login = forms.CharField(
        label=_("Identifiant ou adresse e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )

    def request_kwargs(self):
        return {"login": self.cleaned_data["login"]}

    def rate_key(self):
        return self.cleaned_data["login"]


class CaptchaInput(CaptchaTextInput):
    """django-simple-captcha's widget with a French text alternative for its image."""

    template_name = "django/forms/widgets/multiwidget.html"  # the two inputs; the image is added below

    def __init__(self, attrs=None, **kwargs):
        super().__init__(attrs, **kwargs)
        # The answer input sits in a fieldset whose legend is the field's label: name it too.
        self.widgets[1].attrs["aria-label"] = _("Caractères de l’image")

    def render(self, name, value, attrs=None, renderer=None):
        inputs = super().render(name, value, attrs=attrs, renderer=renderer)
        context = {
            "image_url": self.image_url(),
            "audio_url": self.audio_url(),
            "audio_french": bool(getattr(settings, "CAPTCHA_ESPEAK_PATH", None)),  # portal/captcha.py
            "refresh_url": self.refresh_url(),
            "inputs": inputs,
        }
        return render_to_string("components/captcha.html", context)


class ForgotPartnersForm(forms.Form):
    """Partners: login and registered e-mail, and a captcha."""

    login = forms.CharField(
        label=_("Identifiant (login)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail enregistrée"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    captcha = CaptchaField(
        label=_("Recopiez les caractères de l’image"),
        widget=CaptchaInput(),
        error_messages={"invalid": _("Les caractères saisis ne correspondent pas à l’image. Réessayez.")},
    )

    def request_kwargs(self):
        return {"login": self.cleaned_data["login"], "email": self.cleaned_data["email"]}

    def rate_key(self):
        return self.cleaned_data["login"]


class ForgotByEmailForm(forms.Form):
    """Interim and habilitations: the account's e-mail address."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def request_kwargs(self):
        return {"email": self.cleaned_data["email"]}

    def rate_key(self):
        return self.cleaned_data["email"]
