from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HabilitationsConfig(AppConfig):
    name = "habilitations"
    verbose_name = _("Espace Organismes")

    def ready(self):
        from . import navigation, notifications, perms, workflows  # noqa: F401  (rules register on import)

        notifications.register()
        navigation.register()
