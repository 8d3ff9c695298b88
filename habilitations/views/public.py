"""Public pages of the Espace Organismes: the two-step login, the Aide aux aidants account, the FAQ and
the webmaster contact form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from accounts.views.auth import LoginView
from core import spaces
from core.access import form_errors

from .. import services
from ..forms import CaregiverForm, LoginEmailForm, WebmasterForm
from .accounts import public_form_allowed, rate_limited

SESSION_LOGIN_EMAIL = "habilitations_login_email"


@login_not_required
def login(request):
    """Step 1: the e-mail address, then "Suivant"."""
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    form = LoginEmailForm(request.POST or None, initial={"email": request.session.get(SESSION_LOGIN_EMAIL, "")})
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_LOGIN_EMAIL] = form.cleaned_data["email"]
        target = "habilitations:login_password"
        next_url = request.POST.get("next") or request.GET.get("next")
        response = redirect(target)
        if next_url:
            from django.utils.http import url_has_allowed_host_and_scheme

            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                from urllib.parse import urlencode

                response["Location"] += "?" + urlencode({"next": next_url})
        return response
    return render(request, "habilitations/login.html", {"form": form, "next": request.GET.get("next", "")})


@method_decorator(login_not_required, name="dispatch")
class LoginPasswordView(LoginView):
    """Step 2: the password, with the reminder of the identifier; accounts' login does the rest (lockout,
    second factor, consent, language, security log)."""

    template_name = "habilitations/login_password.html"

    def dispatch(self, request, *args, **kwargs):
        self.email = request.session.get(SESSION_LOGIN_EMAIL, "")
        if not self.email and not request.user.is_authenticated:
            return redirect("habilitations:login")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "data" in kwargs:
            data = kwargs["data"].copy()
            data["username"] = self.email
            kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(email=self.email, **kwargs)

    def form_valid(self, form):
        self.request.session.pop(SESSION_LOGIN_EMAIL, None)
        return super().form_valid(form)


@login_not_required
def caregiver_register(request):
    """Aide aux aidants (004): one account per organisme code, with the mandatory health-data consent."""
    form = CaregiverForm(request.POST or None)
    template = "habilitations/caregiver_register.html"
    if request.method == "POST" and form.is_valid():
        if not public_form_allowed(request, "caregiver"):
            return rate_limited(request, form, template)
        if form.is_spam():
            return redirect("habilitations:caregiver_done")
        data = form.cleaned_data
        try:
            services.caregiver_account_create(
                code=data["code"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                birth_date=data["birth_date"],
                address=data["address"],
                postcode=data["postcode"],
                town=data["town"],
                phone=data["phone"],
                password=data["password1"],
                request=request,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            request.session["habilitations_caregiver_code"] = data["code"]
            return redirect("habilitations:caregiver_done")
    return render(request, template, {"form": form, "policy": spaces.get("habilitations")})


@login_not_required
def caregiver_done(request):
    return render(
        request, "habilitations/caregiver_done.html", {"code": request.session.get("habilitations_caregiver_code", "")}
    )


@login_not_required
def faq(request):
    return render(request, "habilitations/faq.html")


@login_not_required
def contact(request):
    """Write to the webmaster (a captcha for anonymous visitors)."""
    signed_in = request.user.is_authenticated
    initial = {"name": request.user.get_full_name(), "email": request.user.email} if signed_in else {}
    form = WebmasterForm(request.POST or None, initial=initial, with_captcha=not signed_in)
    template = "habilitations/contact.html"
    if request.method == "POST" and form.is_valid():
        if not public_form_allowed(request, "contact"):
            return rate_limited(request, form, template)
        if not form.is_spam():
            services.webmaster_message_send(
                user=request.user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                subject=form.cleaned_data["subject"],
                text=form.cleaned_data["text"],
            )
        messages.success(request, _("Votre message est envoyé au webmestre. Merci."))
        return redirect("habilitations:contact")
    return render(request, template, {"form": form})
