from django.conf import settings

from .navigation import menu_for


def shell(request):
    membership = getattr(request, "membership", None)
    return {
        "current_membership": membership,
        "current_organisation": getattr(request, "organisation", None),
        "user_memberships": getattr(request, "memberships", []),
        "space_menu": menu_for(membership),
        "debug_banner": settings.DEBUG,
    }
