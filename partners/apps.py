from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires Action Sociale")

    def ready(self):
        from . import navigation, notifications, perms, workflows  # noqa: F401  (rules register on import)
        from .evaluations import notifications as evaluation_notifications
        from .evaluations import perms as evaluation_perms  # noqa: F401
        from .evaluations import workflows as evaluation_workflows  # noqa: F401

        notifications.register()
        evaluation_notifications.register()
        navigation.register()
