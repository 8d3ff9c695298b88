"""Password change (forced or chosen)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("portal:dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        return response


urlpatterns = [
    path("mot-de-passe/", PasswordChangeView.as_view(), name="password_change"),
]
