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


class ConsentPublishForm(forms.Form):
    """A new version of a space's consent text (space admins)."""

    space = forms.ChoiceField(label=_("Espace"))
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Chaque utilisateur de l'espace devra accepter cette nouvelle version à sa prochaine visite."),
    )
    confirm = forms.BooleanField(
        label=_("Je publie cette version : elle remplace la précédente pour tous les utilisateurs de l'espace"),
        error_messages={"required": _("Cochez cette case pour confirmer la publication.")},
    )

    def __init__(self, *args, spaces, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.enums import Space

        self.fields["space"].choices = [(space, Space(space).label) for space in spaces]
