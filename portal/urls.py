from captcha import views as captcha_views
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from accounts.views.profile import set_language

from . import views

# The captcha images of the public forgotten-password form (partners) are public too.
for _captcha_view in (captcha_views.captcha_image, captcha_views.captcha_audio, captcha_views.captcha_refresh):
    login_not_required(_captcha_view)

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("tableau-de-bord/", views.dashboard, name="dashboard"),
        path("mentions-legales/", views.info_page("portal/legal.html"), name="legal"),
        path("confidentialite/", views.info_page("portal/privacy.html"), name="privacy"),
        path("accessibilite/", views.info_page("portal/accessibility.html"), name="accessibility"),
        path("contact/", views.info_page("portal/contact.html"), name="contact"),
        path("composants/", views.components, name="components"),
        # Django's switch; signed in, the choice is saved to the profile too (accounts).
        path("langue/", set_language, name="set_language"),
        path("healthz", views.healthz, name="healthz"),
        path("readyz", views.readyz, name="readyz"),
        path("bench/baseline/", views.baseline, name="baseline"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("compte/", include("accounts.urls")),
    path("prestations/", include("benefits.urls")),
    path("partenaires/", include("partners.urls")),
    path("interimaires/", include("interim.urls")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
