"""Each reusable template piece, rendered on its own."""

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from core.templatetags.guichet import BADGE_COLOURS, badge_colour

INVALID = "INVALID_TEMPLATE_VARIABLE"


def render(template, context=None, query=""):
    request = RequestFactory().get("/x/" + (f"?{query}" if query else ""))
    return render_to_string(template, context or {}, request=request)


@pytest.mark.parametrize("colour", BADGE_COLOURS)
def test_badge_has_colour_class_and_text(colour):
    html = Template('{% load guichet %}{% badge "Payée" colour %}').render(Context({"colour": colour}))
    assert f'<span class="badge badge-{colour}">Payée</span>' in html


def test_badge_unknown_colour_falls_back_to_grey():
    assert badge_colour("pink") == "grey"
    assert badge_colour(None) == "grey"
    assert badge_colour("BLUE") == "blue"
    html = render("components/badge.html", {"label": "Brouillon", "colour": ""})
    assert 'class="badge badge-grey">Brouillon' in html


def test_badge_colours_have_css():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/guichet.css").read_text()
    for colour in BADGE_COLOURS:
        assert f".badge-{colour} " in css


class SampleForm(forms.Form):
    name = forms.CharField(label="Nom", help_text="Comme sur la pièce d’identité.")
    email = forms.EmailField(label="Adresse e-mail")
    channel = forms.ChoiceField(
        label="Canal", choices=[("email", "E-mail"), ("sms", "SMS")], widget=forms.RadioSelect, help_text="Aide"
    )
    accept = forms.BooleanField(label="J’accepte")

    def clean(self):
        raise forms.ValidationError("Erreur globale.")


def test_form_error_summary_links_to_fields_and_aria():
    form = SampleForm(data={"name": "Camille", "email": "pas-une-adresse"})
    assert not form.is_valid()
    html = render("components/form.html", {"form": form})
    assert 'class="error-summary" role="alert" tabindex="-1"' in html
    assert "Erreur globale." in html
    assert '<a href="#id_email">Adresse e-mail : ' in html
    assert '<a href="#id_channel_0">Canal : ' in html
    assert '<a href="#id_accept">J’accepte : ' in html
    # The input is tied to its help text and its error, and says it is invalid.
    assert 'aria-describedby="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_email_error"' in html
    assert 'value="pas-une-adresse"' in html  # what the user typed is kept
    assert 'aria-describedby="id_name_helptext"' in html
    # A group of radio buttons is a fieldset described by its help text and error.
    assert '<fieldset class="field field-error" aria-describedby="id_channel_helptext id_channel_error">' in html
    assert "<legend>Canal" in html
    assert INVALID not in html


def test_form_without_errors_has_no_summary():
    html = render("components/form.html", {"form": SampleForm()})
    assert "error-summary" not in html
    assert "aria-invalid" not in html
    assert '<label for="id_name">Nom' in html


def test_empty_state():
    html = render(
        "components/empty_state.html",
        {"title": "Aucune demande", "message": "Rien ici.", "action_url": "/nouvelle/", "action_label": "Déposer"},
    )
    assert "Aucune demande" in html
    assert "Rien ici." in html
    assert '<a class="button" href="/nouvelle/">Déposer</a>' in html
    html = render("components/empty_state.html", {"message": "Rien ici."})
    assert "button" not in html
    assert INVALID not in html


def test_confirm_dialog():
    html = render(
        "components/confirm_dialog.html",
        {"id": "d1", "title": "Supprimer ?", "message": "Définitif.", "confirm_label": "Oui", "danger": True},
    )
    assert '<dialog class="confirm-dialog" id="d1" aria-labelledby="d1-title" aria-describedby="d1-message">' in html
    assert "data-confirm-yes" in html
    assert "data-confirm-no" in html
    assert "button-danger" in html
    assert ">Annuler<" in html  # default cancel label
    assert INVALID not in html


def test_pagination_keeps_querystring_and_is_labelled():
    page = Paginator(list(range(95)), 10).get_page(5)
    html = render("components/pagination.html", {"page": page}, query="tri=-name&page=5")
    assert '<nav class="pagination" aria-label="Pagination">' in html
    assert 'href="?tri=-name&amp;page=4" rel="prev"' in html
    assert 'href="?tri=-name&amp;page=6" rel="next"' in html
    assert 'aria-current="page"' in html
    assert "Page 5 sur 10" in html
    assert "…" in html


def test_pagination_hidden_with_one_page():
    page = Paginator([1, 2], 10).get_page(1)
    assert render("components/pagination.html", {"page": page}).strip() == ""


@pytest.mark.django_db
def test_timeline_renders_entries_when_available():
    from portal.views import _template_exists

    if not _template_exists("components/timeline.html"):
        pytest.skip("timeline component not there yet")
    from django.contrib.contenttypes.models import ContentType

    from core.models import OutboundMessage, Transition

    entry = Transition(
        content_type=ContentType.objects.get_for_model(OutboundMessage), from_state="pending", to_state="sent"
    )
    html = render("components/timeline.html", {"entries": [entry]})
    assert "Envoyé" in html


def test_every_badge_colour_has_its_style_and_withdrawn_differs_from_refused():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "guichet.css").read_text(encoding="utf-8")
    for colour in BADGE_COLOURS:
        assert f".badge-{colour} {{" in css, colour
    assert "purple" in BADGE_COLOURS  # "Retirée" (benefits' withdrawn state) is purple and dashed, "Refusée" red
    assert "border-style: dashed" in css.split(".badge-purple {", 1)[1].split("}", 1)[0]
