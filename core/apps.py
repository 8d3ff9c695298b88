from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every space is built from: workflows, history, files, notifications, tables, jobs, SMS.

    Depends on Django only: it imports neither `accounts` nor `portal` nor any space.
    """

    name = "core"
    verbose_name = _("Socle")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import fragments  # noqa: F401 - every database connection carries its write watcher
