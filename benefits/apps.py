from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = _("Prestations")

    def ready(self):
        from . import navigation, notifications, perms, workflows  # noqa: F401 - registers rules, events, menus

        navigation.register()
