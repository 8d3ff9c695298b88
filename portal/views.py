"""The shell: home, dashboard, static information pages, health probes, error pages."""

import functools
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist, loader
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.enums import OrganisationKind, Space
from accounts.models import Organisation
from core.models import JobRun, OutboundMessage, Transition
from core.tables import Column, DataTable, FilterForm

from .navigation import panels_for


@dataclass(frozen=True)
class SpaceEntry:
    """A public way into a space from the home page: a route name (with an optional query string)."""

    label: str
    url_name: str
    query: str = ""

    def url(self):
        try:
            return reverse(self.url_name) + (f"?{self.query}" if self.query else "")
        except NoReverseMatch:  # the space's public pages do not exist (yet)
            return None


@dataclass(frozen=True)
class SpaceCard:
    space: str
    title: str
    purpose: str
    audience: str
    # Public entries, first one the card's main link; a space without public pages leads to sign-in.
    entries: tuple = ()

    def links(self):
        links = [(entry.label, url) for entry in self.entries if (url := entry.url())]
        return links or [(_("Se connecter"), reverse("accounts:login"))]


SPACES = [
    SpaceCard(
        Space.BENEFITS,
        _("Prestations"),
        _(
            "Les coopératives déclarent les situations de leurs coopérateurs et demandent leurs prestations "
            "sociales à l’Union, qui les instruit et les paie."
        ),
        _("Pour les responsables RH de coopérative, les coopérateurs et les gestionnaires de l’Union."),
        (SpaceEntry(_("Se connecter à l’espace Prestations"), "accounts:login"),),
    ),
    SpaceCard(
        Space.INTERIM,
        _("Espace intérimaire"),
        _(
            "Les intérimaires tiennent leur dossier à jour, signent leurs contrats de mission, consultent leurs "
            "relevés d’heures et demandent des acomptes."
        ),
        _("Pour les intérimaires, le personnel des agences et les entreprises clientes."),
        (SpaceEntry(_("Accéder à l’espace intérimaire"), "interim:home"),),
    ),
    SpaceCard(
        Space.PARTNERS,
        _("Partenaires Action Sociale"),
        _(
            "Les prestataires de l’action sociale s’inscrivent auprès d’une caisse de retraite, signent leurs "
            "conventions et transmettent leurs justificatifs."
        ),
        _("Pour les partenaires, les caisses et l’administration nationale."),
        (
            SpaceEntry(_("Site public des partenaires"), "partners:home"),
            SpaceEntry(_("Préinscription d’un partenaire"), "partners:register"),
        ),
    ),
    SpaceCard(
        Space.HABILITATIONS,
        _("Espace Organismes"),
        _(
            "Le personnel des organismes de sécurité sociale demande l’accès aux applications métier ; les "
            "correspondants locaux et les gestionnaires d’application valident les habilitations."
        ),
        _("Pour le personnel des organismes, les correspondants locaux et l’Ucanss."),
        (SpaceEntry(_("Accéder à l’Espace Organismes"), "habilitations:home"),),
    ),
]


@login_not_required
def home(request):
    return render(request, "portal/home.html", {"spaces": SPACES})


RECENT_JOBS = 8
PROBLEM_DAYS = 7


def jobs_overview():
    """For the superuser's dashboard: the last runs other than the heartbeat, the failed or interrupted
    runs of the last days (apart, so that 1,440 heartbeats a day never push them away), the last beat."""
    runs = JobRun.objects.exclude(name="heartbeat")
    since = timezone.now() - timedelta(days=PROBLEM_DAYS)
    overdue = Q(status=JobRun.Status.RUNNING, deadline__lt=timezone.now())
    problems = JobRun.objects.filter(started_at__gte=since).filter(
        Q(status__in=[JobRun.Status.FAILED, JobRun.Status.INTERRUPTED]) | overdue
    )
    return {
        "recent_jobs": list(runs[:RECENT_JOBS]),
        "problem_jobs": list(problems[:RECENT_JOBS]),
        "last_heartbeat": JobRun.objects.filter(name="heartbeat").first(),
        "problem_days": PROBLEM_DAYS,
    }


def dashboard(request):
    membership = request.membership
    jobs = jobs_overview() if request.user.is_superuser else {"recent_jobs": []}
    return render(
        request,
        "portal/dashboard.html",
        {
            # Computed when rendered: a panel kept in a fragment reads nothing.
            "panels": [
                {
                    "template": panel.template,
                    "watch": panel.watch,
                    "data": SimpleLazyObject(functools.partial(panel.render_context, request)),
                }
                for panel in panels_for(membership)
            ],
            **jobs,
        },
    )


@login_not_required
def baseline(request):
    """A bare template view: the benchmark's baseline."""
    return render(request, "portal/baseline.html")


class InfoPageView(TemplateView):
    pass


def info_page(template_name):
    return login_not_required(InfoPageView.as_view(template_name=template_name))


@login_not_required
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache():
    if hasattr(cache, "ping"):  # Redis (core.cache): asked directly, whatever its circuit breaker says
        cache.ping()
        return
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache read-back failed")


def _check_broker():
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


READINESS_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
READINESS_TIMEOUT = 1.5  # seconds for all the checks together: /readyz answers within 2 s whatever is down
logger = logging.getLogger("portal.health")


def _run_check(name, check, results):
    try:
        check()
        results[name] = "ok"
    except Exception:  # any failure means not ready; the details go to the log, not to the public
        results[name] = "unavailable"
        logger.exception("readiness: %s unavailable", name)
    finally:
        connection.close()  # this thread's own connection, if the check opened one


@login_not_required
@never_cache
def readyz(request):
    """Each component checked in its own thread, all of them bounded together by READINESS_TIMEOUT: a
    component that does not answer (a database swallowing packets) is unavailable, not a hung probe."""
    results = {}
    threads = [
        threading.Thread(target=_run_check, args=(name, check, results), daemon=True, name=f"readyz-{name}")
        for name, check in READINESS_CHECKS.items()
    ]
    deadline = time.monotonic() + READINESS_TIMEOUT
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    checks = {}
    for name in READINESS_CHECKS:
        checks[name] = results.get(name, "unavailable")
        if name not in results:
            logger.error("readiness: %s did not answer within %ss", name, READINESS_TIMEOUT)
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_400(request, exception=None):
    """A refused request in French; a form sent with too many files or too much data says what to do."""
    if isinstance(exception, TooManyFilesSent):
        reason = _(
            "Votre envoi comptait plus de %(count)s fichiers. Regroupez-les dans un fichier ZIP, ou envoyez-les "
            "en plusieurs fois."
        ) % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    elif isinstance(exception, (RequestDataTooBig, TooManyFieldsSent)):
        reason = _("Votre envoi était trop volumineux. Envoyez les fichiers en plusieurs fois ou dans un fichier ZIP.")
    else:
        reason = _("La demande envoyée par votre navigateur n’a pas pu être comprise.")
    return render(request, "400.html", {"reason": reason}, status=400)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    """Rendered without the request: no context processor, no database, nothing that may have failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())


# -- Component demo page (/composants/): every reusable piece, for developers and the axe check.


class DemoFilters(FilterForm):
    lookups = {"q": "name__icontains", "kind": "kind", "active": "is_active"}

    q = forms.CharField(label=_("Nom contient"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *OrganisationKind.choices]
    )
    active = forms.TypedChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Tous")), ("1", _("Active")), ("0", _("Désactivée"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )


class DemoForm(forms.Form):
    required_fields_note = True

    name = forms.CharField(label=_("Nom"), help_text=_("Tel qu’il figure sur la pièce d’identité."))
    email = forms.EmailField(label=_("Adresse e-mail"))
    channel = forms.ChoiceField(
        label=_("Canal préféré"),
        choices=[("email", _("E-mail")), ("sms", _("SMS"))],
        widget=forms.RadioSelect,
        help_text=_("Nous vous écrirons par ce canal."),
    )
    accept = forms.BooleanField(label=_("J’accepte les conditions d’utilisation"))


DEMO_BADGES = [
    (_("Brouillon"), "grey"),
    (_("En attente"), "yellow"),
    (_("Payée"), "blue"),
    (_("Refusée"), "red"),
    (_("Validée"), "green"),
    (_("À compléter"), "orange"),
    (_("Retirée"), "purple"),
]


def demo_columns():
    return [
        Column("name", _("Nom"), order_by="name"),
        Column("kind", _("Type"), order_by="kind"),
        Column("code", _("Code"), order_by="code"),
        Column("parent", _("Rattachée à"), accessor="parent.name", order_by="parent__name"),
        Column("active", _("État"), accessor="is_active", cell_template="portal/cells/active.html"),
    ]


@login_not_required
def captcha_audio(request, key):
    """The digits spoken in French (espeak-ng), else django-simple-captcha's audio (flite, in English),
    whose temporary file is closed with the response."""
    from captcha import views as captcha_views
    from captcha.models import CaptchaStore

    from .captcha import audio_in_french, speak_digits_in_french

    if audio_in_french():
        store = CaptchaStore.objects.filter(hashkey=key).first()
        if store is None:
            return HttpResponse(status=410)  # expired: gone, as the library answers
        response = HttpResponse(speak_digits_in_french(store.challenge), content_type="audio/wav")
        response["Cache-Control"] = "no-store"
        return response

    response = captcha_views.captcha_audio(request, key)
    ranged = getattr(response, "ranged_file", None)
    if ranged is not None and hasattr(ranged, "f"):
        response._resource_closers.append(ranged.f.close)
    return response


def dev_outbox(request):
    """Development only: the e-mails and SMS the portal wrote under var/, newest first (404 without DEBUG)."""
    if not request.user.has_perm("portal.view_dev_outbox"):
        raise Http404
    from .outbox import mail_dir, read_outbox, sms_dir

    return render(
        request,
        "portal/dev_outbox.html",
        {"entries": read_outbox(), "mail_dir": mail_dir(), "sms_dir": sms_dir()},
    )


def components(request):
    """The reusable template pieces with sample data: DEBUG, or staff only."""
    if not request.user.has_perm("portal.view_components"):
        raise PermissionDenied
    if request.method == "POST":
        messages.success(request, _("Action confirmée (démonstration : rien n’a été modifié)."))
        return redirect("portal:components")
    table = DataTable(
        request,
        Organisation.objects.select_related("parent"),
        columns=demo_columns(),
        filter_form_class=DemoFilters,
        default_sort="name",
        caption=_("Organisations"),
    )
    form = DemoForm(data={"name": "Camille Martin", "email": "pas-une-adresse", "channel": ""})
    form.is_valid()
    # Sample history: transitions of an (unsaved) outgoing message, labels from its status choices.
    message_type = ContentType.objects.get_for_model(OutboundMessage)
    now = timezone.now()
    timeline = [
        Transition(content_type=message_type, actor=None, from_state="", to_state="pending", created_at=now),
        Transition(
            content_type=message_type,
            actor=None,
            from_state="pending",
            to_state="failed",
            reason=_("Passerelle SMS indisponible."),
            created_at=now,
        ),
        Transition(content_type=message_type, actor=request.user, from_state="failed", to_state="sent", created_at=now),
    ]
    return render(
        request,
        "portal/components.html",
        {
            "table": table,
            "form": form,
            "badges": DEMO_BADGES,
            "timeline_entries": timeline,
            "timeline_available": _template_exists("components/timeline.html"),
        },
    )


def _template_exists(name):
    try:
        loader.get_template(name)
    except TemplateDoesNotExist:
        return False
    return True
