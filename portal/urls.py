from captcha import views as captcha_views
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path

from accounts.views.profile import set_language

from . import views

# The captcha of the public forms (partners): image, audio alternative, refresh; public too.
for _captcha_view in (captcha_views.captcha_image, captcha_views.captcha_refresh):
    login_not_required(_captcha_view)

# django-simple-captcha's routes (captcha.urls), with its audio view closing its temporary file.
captcha_patterns = [
    re_path(r"image/(?P<key>\w+)/$", captcha_views.captcha_image, name="captcha-image", kwargs={"scale": 1}),
    re_path(r"image/(?P<key>\w+)@2/$", captcha_views.captcha_image, name="captcha-image-2x", kwargs={"scale": 2}),
    re_path(r"audio/(?P<key>\w+)\.wav$", views.captcha_audio, name="captcha-audio"),
    re_path(r"refresh/$", captcha_views.captcha_refresh, name="captcha-refresh"),
]

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("tableau-de-bord/", views.dashboard, name="dashboard"),
        path("mentions-legales/", views.info_page("portal/legal.html"), name="legal"),
        path("confidentialite/", views.info_page("portal/privacy.html"), name="privacy"),
        path("accessibilite/", views.info_page("portal/accessibility.html"), name="accessibility"),
        path("contact/", views.info_page("portal/contact.html"), name="contact"),
        path("composants/", views.components, name="components"),
        path("dev/boite-d-envoi/", views.dev_outbox, name="dev_outbox"),
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
    path("organismes/", include("habilitations.urls")),
    path("o/", include("habilitations.sso_urls")),
    path("captcha/", include(captcha_patterns)),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
