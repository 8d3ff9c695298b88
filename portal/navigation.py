"""Navigation and dashboards per space, filled by each space as it arrives.

A space registers, for its roles, the menu entries and the dashboard panels it offers, usually in
its AppConfig.ready():

    register_menu(Role.COOP_MANAGER, [MenuItem(_("Demandes"), "benefits:request_list", perm="benefits.view_request")])
    register_panel(Role.COOP_MANAGER, "benefits/panels/requests.html", context=panels.requests_summary,
                   watch="benefits.BenefitRequest")

The shell builds the navigation of the current membership (`menu_for(membership, user)`: items whose
`perm` the user lacks are left out) and the dashboard (`panels_for(membership)`; each panel template
is included with the dashboard's context: `request`, `current_membership`, `current_organisation`,
and `data`, what the panel's `context(request)` function returned).
"""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import perms, reversing
from accounts.enums import ROLE_SPACE
from accounts.perms import Acting


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    perm: str | None = None
    # Other view names under this entry (a detail page keeps its list's entry current).
    also_current: tuple = ()

    def url(self):
        return reversing.url(self.url_name) or reverse(self.url_name)  # (reverse: NoReverseMatch, said)

    def is_current(self, view_name):
        return view_name == self.url_name or view_name in self.also_current


@dataclass
class _Registry:
    menus: dict = field(default_factory=dict)
    panels: dict = field(default_factory=dict)
    # The user menu (every signed-in user): (url name, label). A name that does not resolve (the page
    # does not exist yet) is left out, so the accounts app can add its pages at its own pace.
    account_links: list = field(
        default_factory=lambda: [
            ("accounts:profile", _("Mon profil")),
            ("accounts:password_change", _("Changer de mot de passe")),
            ("accounts:otp_manage", _("Double authentification")),
            ("accounts:security", _("Journal de sécurité")),
            ("accounts:my_data", _("Mes données")),
        ]
    )


registry = _Registry()


def register_menu(role, items):
    registry.menus.setdefault(role, []).extend(items)


@dataclass(frozen=True)
class Panel:
    """A dashboard panel: its template and, optionally, `context(request) -> dict` computing what it shows.

    The context function runs a constant number of queries (counts, a few rows) from the space's selectors.
    `watch` names the models it reads ("app.Model app.Model"): the panel is then kept, rendered, until
    one of them is written (core/fragments.py); a panel without it is rendered at each request.
    """

    template: str
    context: Any = None
    watch: str = ""

    def render_context(self, request):
        return self.context(request) if self.context else {}


def register_panel(role, template_name, context=None, watch=""):
    panels = registry.panels.setdefault(role, [])
    if all(panel.template != template_name for panel in panels):
        panels.append(Panel(template_name, context, watch))


def register_account_link(url_name, label):
    """Adds (or relabels) an entry of the user menu."""
    registry.account_links = [link for link in registry.account_links if link[0] != url_name]
    registry.account_links.append((url_name, label))


def account_links():
    """The user menu's entries whose page exists: dicts with name, url, label."""
    links = []
    for name, label in registry.account_links:
        url = reversing.url(name)  # once per process
        if url is not None:
            links.append({"name": name, "url": url, "label": label})
    return links


def space_for(membership):
    """The space (accounts.enums.Space) the membership works in, or None."""
    if membership is None:
        return None
    return ROLE_SPACE.get(membership.role)


def menu_for(membership, user=None):
    """The space navigation for the membership: its role's items the user may use.

    Asked of the rules directly (`perms.allowed`, what `user.has_perm` answers without walking the
    six authentication backends for each entry); the rules read the memberships and the remembered
    facts of the identity snapshot: no query when it is warm, one at most when it is not."""
    if membership is None:
        return []
    items = registry.menus.get(membership.role, [])
    if user is None:
        return list(items)
    acting = Acting.of(membership)  # a permission without an object: in the organisation acted for
    user = perms.unwrapped(user)
    return [item for item in items if item.perm is None or perms.allowed(user, item.perm, acting)]


def panels_for(membership):
    if membership is None:
        return []
    return list(registry.panels.get(membership.role, []))
