"""Account requests: the anonymous request (e-mail first, then the form), and the validators' queue
(correspondents of the organisme, or central admins when it has none): accept or refuse with a reason."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import ratelimit
from core.access import error_messages, require
from core.history import timeline_for
from core.tables import Column, DataTable

from .. import selectors, services
from ..forms import AccountEmailForm, AccountRequestForm, ReasonForm

SESSION_EMAIL = "habilitations_account_request_email"
# (requests, seconds) per client address for the anonymous forms.
DEFAULT_PUBLIC_LIMIT = (10, 15 * 60)


def public_form_allowed(request, scope):
    limit, window = getattr(settings, "RATELIMIT_HABILITATIONS_PUBLIC", DEFAULT_PUBLIC_LIMIT)
    return ratelimit.hit(f"habilitations-{scope}", ratelimit.client_address(request), limit=limit, window=window)


def rate_limited(request, form, template, context=None):
    _limit, window = getattr(settings, "RATELIMIT_HABILITATIONS_PUBLIC", DEFAULT_PUBLIC_LIMIT)
    form.add_error(
        None,
        _("Trop de demandes ont été faites depuis votre connexion. Réessayez dans %(minutes)d minutes.")
        % {"minutes": max(1, window // 60)},
    )
    return render(request, template, {"form": form, **(context or {})}, status=429)


@login_not_required
def account_request_email(request):
    """Step 1: the professional e-mail, which becomes the identifier."""
    form = AccountEmailForm(request.POST or None, initial={"email": request.session.get(SESSION_EMAIL, "")})
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_EMAIL] = form.cleaned_data["email"]
        return redirect("habilitations:account_request_form")
    return render(request, "habilitations/account_request_email.html", {"form": form})


@login_not_required
def account_request_form(request):
    """Step 2: the form. A known address gets the same answer as a new one (its owner is told by e-mail)."""
    email = request.session.get(SESSION_EMAIL)
    if not email:
        return redirect("habilitations:account_request")
    form = AccountRequestForm(request.POST or None)
    template = "habilitations/account_request_form.html"
    if request.method == "POST" and form.is_valid():
        if not public_form_allowed(request, "account-request"):
            return rate_limited(request, form, template, {"email": email})
        if not form.is_spam():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("captcha", form.HONEYPOT)}
            try:
                services.account_request_submit(email=email, **data)
            except ValidationError as error:
                from core.access import form_errors

                form_errors(form, error)
                return render(request, template, {"form": form, "email": email})
        request.session.pop(SESSION_EMAIL, None)
        return redirect("habilitations:account_request_done")
    return render(request, template, {"form": form, "email": email})


@login_not_required
def account_request_done(request):
    return render(request, "habilitations/account_request_done.html")


def account_requests(request):
    require(request, "habilitations.decide_account_request")
    table = DataTable(
        request,
        selectors.pending_account_requests_for(request.membership),
        columns=[
            Column(
                "name",
                gettext_lazy("Demandeur"),
                accessor="get_full_name",
                order_by=("last_name", "first_name"),
                link=lambda r: r.get_absolute_url(),
            ),
            Column("email", gettext_lazy("E-mail"), order_by="email"),
            Column("organisme", gettext_lazy("Organisme"), accessor="organisme.name", order_by="organisme__name"),
            Column(
                "second_organisme",
                gettext_lazy("Second organisme"),
                accessor=lambda r: r.second_organisme.name if r.second_organisme_id else "—",
            ),
            Column(
                "created_at",
                gettext_lazy("Reçue le"),
                order_by="created_at",
                accessor="created_at",
                date_only=True,
            ),
        ],
        default_sort="created_at",
        caption=gettext_lazy("Demandes de compte en attente"),
        empty_message=gettext_lazy("Aucune demande de compte en attente."),
    )
    return render(request, "habilitations/account_requests.html", {"table": table})


def account_request_detail(request, pk):
    scope = selectors.account_requests_for(request.membership)
    account_request = get_object_or_404(scope, pk=pk)
    # The second organisme's validators see the request for information; the first organisme's decide.
    can_decide = request.user.has_perm("habilitations.decide_account_request", account_request)
    form = ReasonForm()
    if request.method == "POST":
        require(request, "habilitations.decide_account_request", account_request)
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.account_request_accept(account_request_id=pk, actor=request.user, scope=scope)
                messages.success(
                    request,
                    _("Le compte de %(name)s est créé : un lien pour choisir son mot de passe lui est envoyé.")
                    % {"name": account_request.get_full_name()},
                )
                return redirect("habilitations:account_requests")
            if action == "refuse":
                form = ReasonForm(request.POST)
                if form.is_valid():
                    services.account_request_refuse(
                        account_request_id=pk, actor=request.user, scope=scope, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("La demande est refusée ; le demandeur en est informé par e-mail."))
                    return redirect("habilitations:account_requests")
        except ValidationError as error:
            error_messages(request, error)
            account_request.refresh_from_db()
    return render(
        request,
        "habilitations/account_request_detail.html",
        {
            "account_request": account_request,
            "form": form,
            "timeline": timeline_for(account_request),
            "can_decide": can_decide,
        },
    )
