"""Public pre-registration, in the order of the manual: terms, convention code known, the form, done."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from .. import services
from ..forms import ConventionKnownForm, PreRegistrationForm, TermsForm
from .common import public_form_allowed, public_form_sent, rate_limited

SESSION_TERMS = "partners_terms_accepted"
SESSION_CODE_KNOWN = "partners_code_known"


@login_not_required
@csrf_protect
@never_cache
def terms(request):
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_TERMS] = True
        return redirect("partners:register_convention")
    return render(request, "partners/register_terms.html", {"form": form})


@login_not_required
@csrf_protect
@never_cache
def convention_question(request):
    if not request.session.get(SESSION_TERMS):
        return redirect("partners:register")
    form = ConventionKnownForm(request.POST if request.method == "POST" else None)
    unknown = False
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["known"]:
            request.session[SESSION_CODE_KNOWN] = True
            return redirect("partners:register_form")
        unknown = True
    return render(request, "partners/register_convention.html", {"form": form, "unknown": unknown})


@login_not_required
@csrf_protect
@never_cache
def registration_form(request):
    if not (request.session.get(SESSION_TERMS) and request.session.get(SESSION_CODE_KNOWN)):
        return redirect("partners:register")
    form = PreRegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not public_form_allowed(request, "register"):
            rate_limited(form)
            status = 429
        elif form.is_spam():
            public_form_sent(request, "register")
            return _done(request)
        elif form.is_valid():
            try:
                services.preregistration_submit(data=form.service_data(), request=request)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                public_form_sent(request, "register")
                return _done(request)
    return render(request, "partners/register_form.html", {"form": form}, status=status)


def _done(request):
    request.session.pop(SESSION_TERMS, None)
    request.session.pop(SESSION_CODE_KNOWN, None)
    return redirect("partners:register_done")


@login_not_required
def registration_done(request):
    return render(request, "partners/register_done.html")
