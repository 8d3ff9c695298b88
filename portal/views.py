"""The shell: home, dashboard, static information pages, health probes, error pages."""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.enums import Space

from .models import JobRun
from .navigation import panels_for

SPACES = [
    (Space.BENEFITS, "Les coopératives et leurs coopérateurs demandent leurs prestations sociales à l'Union."),
    (Space.INTERIM, "Les intérimaires tiennent leur dossier, signent leurs contrats et demandent des acomptes."),
    (Space.PARTNERS, "Les prestataires s'inscrivent auprès d'une caisse de retraite et gèrent leurs conventions."),
    (Space.HABILITATIONS, "Le personnel des organismes demande l'accès aux applications métier."),
]


@login_not_required
def home(request):
    return render(request, "portal/home.html", {"spaces": SPACES})


def dashboard(request):
    membership = request.membership
    recent_jobs = JobRun.objects.all()[:5] if request.user.is_superuser else []
    return render(
        request,
        "portal/dashboard.html",
        {"panels": panels_for(membership), "recent_jobs": recent_jobs},
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
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache read-back failed")


def _check_broker():
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


READINESS_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@login_not_required
@never_cache
def readyz(request):
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            results[name] = f"error: {exc.__class__.__name__}"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
