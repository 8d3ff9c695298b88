"""Routes of the shell (portal) and the project's routes without a namespace, for tests/isolation.py."""

from tests.isolation import PERSONAL, PUBLIC, TECHNICAL, Restricted

ROUTES = {
    "portal:home": PUBLIC,
    "portal:legal": PUBLIC,
    "portal:privacy": PUBLIC,
    "portal:accessibility": PUBLIC,
    "portal:contact": PUBLIC,
    "portal:set_language": PUBLIC,
    "portal:healthz": TECHNICAL,
    "portal:readyz": TECHNICAL,
    "portal:baseline": TECHNICAL,
    "portal:dashboard": PERSONAL,
    # Development only (404 without DEBUG): tests/portal/test_dev_outbox.py.
    "portal:dev_outbox": TECHNICAL,
    # The component demo page: staff only (or DEBUG), whatever the role.
    "portal:components": Restricted(frozenset()),
    # django-simple-captcha's images (no namespace): public, no object of any organisation.
    "captcha-image": TECHNICAL,
    "captcha-image-2x": TECHNICAL,
    "captcha-audio": TECHNICAL,
    "captcha-refresh": TECHNICAL,
}
