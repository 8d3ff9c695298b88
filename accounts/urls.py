"""Account URLs, one list per concern (see accounts/views/)."""

from .views import auth, consent, data, otp, passkeys, passwords, profile, security

app_name = "accounts"

urlpatterns = [
    *auth.urlpatterns,
    *passwords.urlpatterns,
    *otp.urlpatterns,
    *passkeys.urlpatterns,
    *consent.urlpatterns,
    *profile.urlpatterns,
    *security.urlpatterns,
    *data.urlpatterns,
]
