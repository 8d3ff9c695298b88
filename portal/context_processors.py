import functools

from django.conf import settings

from .navigation import account_links, menu_for, space_for


def shell(request):
    """What the base layout needs on every page: membership, space, navigation, user menu links.

    The navigation and the user menu are functions (templates call them): built only when a page
    renders them, not when its header is a kept fragment (core/fragments.py) or it has no header."""
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""

    @functools.cache
    def space_menu():
        menu = menu_for(membership, user) if signed_in else []
        return [{"item": item, "current": item.is_current(view_name)} for item in menu]

    return {
        "current_membership": membership,
        "current_organisation": getattr(request, "organisation", None),
        "current_space": space_for(membership),
        "user_memberships": getattr(request, "memberships", []),
        "space_menu": space_menu,
        "current_view_name": view_name,
        "account_links": account_links if signed_in else (),
        "debug_banner": settings.DEBUG,
    }
