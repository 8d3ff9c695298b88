from django import template

from core import history

register = template.Library()


@register.filter
def state_label(entry, which="to"):
    """{{ entry|state_label:"from" }} -> the label of a transition's state ("En attente")."""
    return history.state_label(entry, entry.from_state if which == "from" else entry.to_state)


@register.filter
def action_label(entry):
    """{{ entry|action_label }} -> what happened, for an entry that is not a change of state."""
    return history.action_label(entry)
