from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterimConfig(AppConfig):
    name = "interim"
    verbose_name = _("Espace intérimaire")

    def ready(self):
        from . import navigation, notifications, perms, workflows  # noqa: F401 - rules, events, menus

        notifications.register()
        navigation.register()
