"""GDPR consent form: one box for the texts shown, and the extra boxes their spaces declare
(core.spaces ConsentExtra, e.g. the health-data box of Aide aux aidants accounts)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentForm(forms.Form):
    accept = forms.BooleanField(
        label=_("J'ai lu et j'accepte"),
        error_messages={"required": _("Cochez cette case pour continuer.")},
    )

    def __init__(self, *args, extras=(), **kwargs):
        super().__init__(*args, **kwargs)
        for extra in extras:
            self.fields[extra.field] = forms.BooleanField(
                label=extra.label, error_messages={"required": extra.required_message}
            )
        self.extras = list(extras)

    def ticked_extras(self):
        return {extra.field for extra in self.extras if self.cleaned_data.get(extra.field)}
