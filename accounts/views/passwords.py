"""Password change (forced or chosen), forgotten password per space, reset by one-time link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from core import spaces as space_registry
from core.spaces import ForgotBy, ForgotPassword

from .. import ratelimit
from ..enums import Space
from ..forms.passwords import (
    ChangePasswordForm,
    ForgotByEmailForm,
    ForgotByLoginForm,
    ForgotPartnersForm,
    NewPasswordForm,
)
from ..services import credentials
from ..signals import SESSION_TEMPORARY_LOGIN


class PasswordChangeView(auth_views.PasswordChangeView):
    """The forced change after a temporary password (no old password asked), or a chosen change."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("portal:dashboard")

    def without_old_password(self):
        user = self.request.user
        return (
            self.request.session.get(SESSION_TEMPORARY_LOGIN, False) and user.must_change_password
        ) or not user.has_usable_password()

    def get_form_class(self):
        return NewPasswordForm if self.without_old_password() else ChangePasswordForm

    def form_valid(self, form):
        user = credentials.password_set(
            user=form.user, password=form.cleaned_data["new_password1"], request=self.request, via="change"
        )
        # This session goes on with the new password hash (under a new key); every other session has ended.
        old_key = self.request.session.session_key
        update_session_auth_hash(self.request, user)
        self.request.session.pop(SESSION_TEMPORARY_LOGIN, None)
        credentials.session_forget(session_key=old_key)
        credentials.session_record(user=user, session_key=self.request.session.session_key, request=self.request)
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return redirect(self.get_success_url())


# What the forgotten-password form asks, by what the space declares (core.spaces).
FORGOT_FORMS = {
    ForgotBy.LOGIN: ForgotByLoginForm,
    ForgotBy.LOGIN_AND_EMAIL: ForgotPartnersForm,
    ForgotBy.EMAIL: ForgotByEmailForm,
}
FORGOT_ASKS = {
    ForgotBy.LOGIN: gettext_lazy("Identifiant ou adresse e-mail"),
    ForgotBy.LOGIN_AND_EMAIL: gettext_lazy("Identifiant et e-mail enregistré"),
    ForgotBy.EMAIL: gettext_lazy("Adresse e-mail"),
}
FORGOT_SENDS = {
    ForgotPassword.TEMPORARY: gettext_lazy("un mot de passe temporaire vous est envoyé."),
    ForgotPassword.LINK: gettext_lazy("un lien pour choisir un nouveau mot de passe vous est envoyé."),
}
# One page per declared space, by its slug: {slug: (space key, form class)}.
FORGOT_SPACES = {
    declaration.slug: (Space(declaration.key), FORGOT_FORMS[declaration.forgot_by])
    for declaration in space_registry.all_spaces()
}


def sends_link(space):
    return space_registry.get(space).forgot_password == ForgotPassword.LINK


@method_decorator(login_not_required, name="dispatch")
class ForgotPasswordIndexView(TemplateView):
    template_name = "accounts/password_forgot.html"

    def get_context_data(self, **kwargs):
        spaces = []
        for slug, (space, _form) in FORGOT_SPACES.items():
            declaration = space_registry.get(space)
            how = f"{FORGOT_ASKS[declaration.forgot_by]} : {FORGOT_SENDS[declaration.forgot_password]}"
            spaces.append({"url": reverse(f"accounts:password_forgot_{slug}"), "label": space.label, "how": how})
        return super().get_context_data(spaces=spaces, **kwargs)


@method_decorator([login_not_required, csrf_protect, never_cache], name="dispatch")
class ForgotPasswordView(FormView):
    """One page per space; the answer is the same whether or not an account matched."""

    template_name = "accounts/password_forgot_form.html"
    slug = None

    def dispatch(self, request, *args, **kwargs):
        self.space, self.form_class = FORGOT_SPACES[self.slug]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            space=self.space,
            sends_link=sends_link(self.space),
            lifetime_days=settings.TEMPORARY_PASSWORD_LIFETIME.days,
            valid_hours=settings.PASSWORD_RESET_TIMEOUT // 3600,
            **kwargs,
        )

    def form_valid(self, form):
        if not ratelimit.forgot_password_allowed(self.request, form.rate_key()):
            form.add_error(
                None,
                _("Trop de demandes ont été faites. Pour votre sécurité, réessayez dans %(minutes)d minutes.")
                % {"minutes": ratelimit.forgot_password_window_minutes()},
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        credentials.forgot_password_request_later(space=self.space, request=self.request, **form.request_kwargs())
        return redirect(f"accounts:password_forgot_{self.slug}_done")


@method_decorator(login_not_required, name="dispatch")
class ForgotPasswordDoneView(TemplateView):
    template_name = "accounts/password_forgot_done.html"
    slug = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        space, _form = FORGOT_SPACES[self.slug]
        context["sends_link"] = sends_link(space)
        context["space_label"] = space.label
        return context


@method_decorator([login_not_required, sensitive_post_parameters(), never_cache], name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link: valid settings.PASSWORD_RESET_TIMEOUT; it stops working once used (the token
    depends on the password hash)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    title = gettext_lazy("Choisir un nouveau mot de passe")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        credentials.password_set(
            user=self.user, password=form.cleaned_data["new_password1"], request=self.request, via="reset_link"
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(TemplateView):
    template_name = "accounts/password_reset_complete.html"


urlpatterns = [
    path("mot-de-passe/", PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe-oublie/", ForgotPasswordIndexView.as_view(), name="password_forgot"),
    *[
        path(f"mot-de-passe-oublie/{slug}/", ForgotPasswordView.as_view(slug=slug), name=f"password_forgot_{slug}")
        for slug in FORGOT_SPACES
    ],
    *[
        path(
            f"mot-de-passe-oublie/{slug}/envoye/",
            ForgotPasswordDoneView.as_view(slug=slug),
            name=f"password_forgot_{slug}_done",
        )
        for slug in FORGOT_SPACES
    ],
    path(
        "mot-de-passe-oublie/lien/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe-oublie/lien-utilise/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
