"""The tenant isolation harness: every named route of the project says how it is protected.

Each app declares its own routes in its own tests folder, in `tests/<app>/routes.py`; nothing is
listed here. tests/test_isolation.py collects every `tests/*/routes.py` (collect_routes below), walks
every URL pattern of the project and fails when a route is declared nowhere, declared twice, or
declared but gone. An app adds its routes file in the same commit as its routes.

Format of `tests/<app>/routes.py` (example for a space `interim` whose URL namespace is `interim`):

    \"\"\"Routes of the interim space for the isolation harness (tests/isolation.py).\"\"\"

    from tests.isolation import PERSONAL, PUBLIC, TECHNICAL, Owned, Restricted

    from .factories import TimesheetFactory, agency_of


    def timesheet(membership):
        \"\"\"A timesheet of the membership's organisation: the URL kwargs of its pages.\"\"\"
        return {"pk": TimesheetFactory(agency=agency_of(membership)).pk}


    ROUTES = {
        "interim:home": PUBLIC,
        "interim:my_timesheets": Restricted(frozenset({"temp_worker"})),
        "interim:timesheet_detail": Owned("agency_staff", make=timesheet),
    }

Rules:
- ROUTES maps a route name ("namespace:name") to its kind (below). A routes file declares only the
  routes of its own namespace, the folder's name (tests/interim/ -> "interim:..."); the project's
  routes without a namespace (captcha, ...) are declared by tests/portal/routes.py.
- `make` functions live in the routes file (or come from tests/<app>/factories.py); they import
  nothing from test modules (test_*.py). Helpers shared by several apps are in tests/utils/.
- The file is imported when the tests are collected: keep it cheap (no database access at import).

Kinds:
- PUBLIC: reachable without signing in (GET answers 200, 302 elsewhere than the login page, or 405).
- PERSONAL: any signed-in user, about their own data only (no object id in the URL); anonymous
  users are sent to the login page.
- TECHNICAL: not a page for a browser (logout POST, probes, token links, public files): checked by
  the app's own tests.
- Restricted(roles, admin_only=False): only members with one of `roles` (or `perm` checks); any
  other signed-in user gets 403; anonymous users are sent to the login page.
- Owned(role, make, methods=("get", "post"), extra={}): the URL names an object. `make(membership)`
  creates one belonging to the membership's organisation and returns the URL kwargs; a user with the
  same role in another organisation of the same kind must get 404, for each of `methods` (with
  `extra` as data).
"""

import importlib
from dataclasses import dataclass, field
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class _Kind:
    name: str


PUBLIC = _Kind("public")
PERSONAL = _Kind("personal")
# Routes that do not answer a browser page to a signed-in user: logout (POST only), probes.
TECHNICAL = _Kind("technical")


@dataclass(frozen=True)
class Restricted:
    roles: frozenset
    admin_only: bool = False
    method: str = "get"  # "post" for an action that answers 405 to a GET (require_POST)


@dataclass(frozen=True)
class Owned:
    role: str
    make: object  # callable(membership) -> dict of URL kwargs
    methods: tuple = ("get", "post")
    extra: dict = field(default_factory=dict)


# URL namespaces that are not the project's own pages (protected by their own tests).
IGNORED_NAMESPACES = {"admin", "captcha"}

# The folder whose routes file also declares the project's routes without a namespace.
PROJECT_FOLDER = "portal"


class RegistryError(Exception):
    pass


def routes_files():
    """tests/<app>/routes.py of every app, sorted by app."""
    return sorted(TESTS_DIR.glob("*/routes.py"))


def collect_routes():
    """{route name: kind} merged from every tests/<app>/routes.py (see merge_routes)."""
    declared = {}
    for path in routes_files():
        app = path.parent.name
        declared[app] = getattr(importlib.import_module(f"tests.{app}.routes"), "ROUTES", None)
    return merge_routes(declared)


def merge_routes(declared):
    """{app: ROUTES of tests/<app>/routes.py} -> one {route name: kind}; RegistryError on a file
    without a ROUTES dict, a name declared twice or outside its file's namespace."""
    routes, origin, errors = {}, {}, []
    for app, app_routes in declared.items():
        if not isinstance(app_routes, dict):
            errors.append(f"tests/{app}/routes.py has no ROUTES dict")
            continue
        for name, kind in app_routes.items():
            namespace = name.split(":", 1)[0] if ":" in name else None
            if namespace != app and not (namespace is None and app == PROJECT_FOLDER):
                home = namespace or PROJECT_FOLDER
                errors.append(f"{name} is declared in tests/{app}/routes.py: declare it in tests/{home}/routes.py")
            if name in routes:
                errors.append(f"{name} is declared twice: tests/{origin[name]}/routes.py and tests/{app}/routes.py")
            routes[name], origin[name] = kind, app
    if errors:
        raise RegistryError("\n".join(errors))
    return routes
