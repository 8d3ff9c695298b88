"""GDPR consent form: one box for the texts shown, and the health-data box for Aide aux aidants accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentForm(forms.Form):
    accept = forms.BooleanField(
        label=_("J'ai lu et j'accepte"),
        error_messages={"required": _("Cochez cette case pour continuer.")},
    )

    def __init__(self, *args, health_data_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if health_data_required:
            self.fields["health_data"] = forms.BooleanField(
                label=_(
                    "Je donne mon accord explicite au recueil et au traitement de données de santé "
                    "me concernant pour le service Aide aux aidants"
                ),
                error_messages={"required": _("Ce consentement est obligatoire pour utiliser le service.")},
            )
