from django import template

from core import history

register = template.Library()


@register.filter
def state_label(entry, which="to"):
    """{{ entry|state_label:"from" }} -> the label of a transition's state ("En attente")."""
    return history.state_label(entry, entry.from_state if which == "from" else entry.to_state)
