"""Template side of declared workflows.

{% load core_workflows %}
{% state_badge obj %}                       the state's label with its colour (never colour alone)
{% steps_allowed obj as steps %}            the steps the signed-in user can run on obj now
{% for step in steps %}...{{ step.name }} {{ step.button_label }} {{ step.confirm }}{% endfor %}
"""

from django import template

from core.templatetags.guichet import badge
from core.workflows import workflow_for

register = template.Library()


@register.inclusion_tag("components/badge.html")
def state_badge(obj):
    workflow = workflow_for(obj)
    if workflow is None:
        raise ValueError(f"no workflow declared for {type(obj).__name__}")
    label, colour = workflow.badge(obj)
    return badge(label, colour)


@register.simple_tag(takes_context=True)
def steps_allowed(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None)
    workflow = workflow_for(obj)
    if workflow is None or user is None:
        return []
    return workflow.allowed(obj, user)
