"""Account URLs, one list per concern (see accounts/views/)."""

from .views import auth, passwords

app_name = "accounts"

urlpatterns = [*auth.urlpatterns, *passwords.urlpatterns]
