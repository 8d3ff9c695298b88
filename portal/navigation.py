"""Navigation and dashboards per space, filled by each space as it arrives.

A space registers, for its roles, the menu entries (`menu(role)`) and the dashboard panels
(`panel(role)`) it offers. The shell builds the navigation of the current membership from them.
"""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    perm: str | None = None

    def url(self):
        return reverse(self.url_name)


@dataclass
class _Registry:
    menus: dict = field(default_factory=dict)
    panels: dict = field(default_factory=dict)


registry = _Registry()


def register_menu(role, items):
    registry.menus.setdefault(role, []).extend(items)


def register_panel(role, template_name):
    registry.panels.setdefault(role, []).append(template_name)


def menu_for(membership):
    if membership is None:
        return []
    return registry.menus.get(membership.role, [])


def panels_for(membership):
    if membership is None:
        return []
    return registry.panels.get(membership.role, [])
