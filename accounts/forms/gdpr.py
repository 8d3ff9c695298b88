"""Mes données: erasure request, and its processing by an admin of the space."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureRequestForm(forms.Form):
    space = forms.ChoiceField(label=_("Espace concerné"), widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_("Je comprends que mes données personnelles de cet espace seront effacées, comme indiqué ci-dessus"),
        error_messages={"required": _("Cochez cette case pour confirmer votre demande.")},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = choices


class ErasureDecisionForm(forms.Form):
    DONE = "done"
    REFUSED = "refused"
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[(DONE, _("Effacer le compte")), (REFUSED, _("Refuser la demande"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        help_text=_("Obligatoire en cas de refus ; la personne le voit sur sa page « Mes données »."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REFUSED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Indiquez le motif du refus."))
        return cleaned
