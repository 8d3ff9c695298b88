from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires Action Sociale")

    def ready(self):
        from . import navigation, notifications, perms, workflows  # noqa: F401  (rules register on import)

        notifications.register()
        navigation.register()
