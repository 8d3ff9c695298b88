"""Forms of the exchanges: the fund's order, the structure's assignment, the evaluation itself (the
AGGIR grid as A/B/C radio groups, the plan as lines of aid + hours), comments, slips, fees."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFileField
from core.forms import AmountField, DateField, NameField, PhoneField, PostcodeField, SearchableChoiceField

from . import aggir
from .enums import HOURLY_AIDS, Aid, EvaluationType, HousingKind, LivingArrangement

PLAN_LINES = 6


class FastSelect(forms.Select):
    """A select rendered in one pass (no template per option): the conventions a slip may pay."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.forms.utils import flatatt
        from django.utils.html import format_html, format_html_join

        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), " selected" if str(v) in selected else "", label) for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


def convention_label(convention):
    return f"{convention.partner.organisation.name} — {convention.code}"


class ConventionChoiceField(SearchableChoiceField):
    """The structure to order from, among the fund's up to 2,000 evaluation conventions: a text box
    suggesting "structure — convention code" as one types."""

    def label_from_instance(self, obj):
        return convention_label(obj)

    def find(self, text):
        name, _sep, code = text.rpartition(" — ")
        return self.queryset.filter(code=code.strip(), partner__organisation__name=name.strip())[:2]


MAX_HOURS_PER_MONTH = Decimal("120")


class OrderForm(forms.Form):
    convention = ConventionChoiceField(
        label=_("Structure d'évaluation"),
        queryset=None,
        help_text=_("Tapez une partie du nom de la structure ou du code de la convention, puis choisissez."),
        error_messages={
            "required": _("Choisissez la structure d'évaluation."),
            "invalid_choice": _("Choisissez une structure de la liste proposée."),
        },
    )
    evaluation_type = forms.ChoiceField(label=_("Type d'évaluation"), choices=EvaluationType.choices)
    last_name = NameField(label=_("Nom du retraité"), error_messages={"required": _("Indiquez le nom du retraité.")})
    first_name = NameField(label=_("Prénom"), error_messages={"required": _("Indiquez le prénom du retraité.")})
    birth_date = DateField(
        label=_("Date de naissance"),
        not_future=True,
        earliest=datetime.date(1900, 1, 1),
        error_messages={"required": _("Indiquez la date de naissance.")},
    )
    address = forms.CharField(label=_("Adresse"), max_length=200, error_messages={"required": _("Indiquez l'adresse.")})
    postcode = PostcodeField(label=_("Code postal"), error_messages={"required": _("Indiquez le code postal.")})
    town = forms.CharField(label=_("Commune"), max_length=60, error_messages={"required": _("Indiquez la commune.")})
    phone = PhoneField(label=_("Téléphone"), required=False)
    pension_number = forms.CharField(
        label=_("N° de retraite (facultatif)"),
        max_length=20,
        required=False,
        help_text=_("Le numéro de dossier retraite, s'il est connu."),
    )
    reason = forms.CharField(
        label=_("Motif de la demande"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif de la demande.")},
    )
    deadline = DateField(
        label=_("À réaliser avant le"),
        earliest=timezone.localdate,
        error_messages={"required": _("Indiquez la date limite.")},
    )

    def __init__(self, *args, conventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convention"].queryset = conventions

    def order_data(self):
        data = dict(self.cleaned_data)
        data.pop("convention")
        return data


class AssignForm(forms.Form):
    evaluator = forms.ModelChoiceField(
        label=_("Évaluateur"),
        queryset=None,
        empty_label=_("Choisissez un évaluateur"),
        error_messages={"required": _("Choisissez l'évaluateur.")},
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["evaluator"].queryset = User.objects.filter(pk__in=memberships.values("user_id")).order_by(
            "last_name", "first_name", "identifier"
        )
        self.fields["evaluator"].label_from_instance = lambda u: u.get_full_name() or u.identifier


class CommentForm(forms.Form):
    reason = forms.CharField(
        label=_("Commentaire pour la structure"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez ce qui est à corriger.")},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif de l'annulation.")},
    )


def _grade_field(label, help_text):
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=[(m, m) for m in aggir.MODALITIES],
        widget=forms.RadioSelect(attrs={"class": "aggir-choice"}),
        required=False,
        error_messages={"invalid_choice": _("Choisissez A, B ou C.")},
    )


def parse_hours(value):
    """Hours per month: "12", "12,5" -> Decimal; a French message otherwise."""
    text = str(value or "").strip().replace(",", ".").replace(" ", "")
    try:
        hours = Decimal(text)
    except InvalidOperation as exc:
        raise forms.ValidationError(_("Indiquez un nombre d'heures par mois, par exemple 12 ou 12,5.")) from exc
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS_PER_MONTH:
        raise forms.ValidationError(
            _("Le nombre d'heures par mois doit être compris entre 0,5 et %(max)s.") % {"max": MAX_HOURS_PER_MONTH}
        )
    if (hours * 2) % 1:
        raise forms.ValidationError(_("Indiquez les heures par demi-heure (par exemple 12 ou 12,5)."))
    return hours


class EvaluationForm(forms.Form):
    """The structure's part. Every field is optional here (a draft may be saved any time); what a
    transmission needs is checked by services.missing_for_transmission."""

    visit_date = DateField(label=_("Date de la visite"), required=False, not_future=True)
    housing_kind = forms.ChoiceField(
        label=_("Logement"), choices=[("", _("Non renseigné")), *HousingKind.choices], required=False
    )
    living_arrangement = forms.ChoiceField(
        label=_("Vit"), choices=[("", _("Non renseigné")), *LivingArrangement.choices], required=False
    )
    living_conditions = forms.CharField(
        label=_("Conditions de vie et logement"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Accès, étages, salle de bain, chauffage, isolement..."),
    )
    help_in_place = forms.CharField(
        label=_("Aides déjà en place"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    family_support = forms.CharField(
        label=_("Soutien de l'entourage"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    needs = forms.CharField(
        label=_("Besoins constatés"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan_comment = forms.CharField(
        label=_("Commentaire du plan d'actions"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    report = PrivateFileField(label=_("Compte rendu de visite"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, help_text in aggir.DISCRIMINANT:
            self.fields[f"aggir_{key}"] = _grade_field(label, help_text)
        for key, label, help_text in aggir.ILLUSTRATIVE:
            self.fields[f"illustrative_{key}"] = _grade_field(label, help_text)
        for index in range(1, PLAN_LINES + 1):
            self.fields[f"aid_{index}"] = forms.ChoiceField(
                label=_("Aide n° %(n)s") % {"n": index}, choices=[("", "—"), *Aid.choices], required=False
            )
            self.fields[f"hours_{index}"] = forms.CharField(
                label=_("Heures par mois (aide n° %(n)s)") % {"n": index},
                max_length=6,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
            )

    @classmethod
    def initial_for(cls, evaluation):
        initial = {
            name: getattr(evaluation, name)
            for name in (
                "visit_date",
                "housing_kind",
                "living_arrangement",
                "living_conditions",
                "help_in_place",
                "family_support",
                "needs",
                "plan_comment",
            )
        }
        initial.update({f"aggir_{k}": v for k, v in (evaluation.aggir or {}).items()})
        initial.update({f"illustrative_{k}": v for k, v in (evaluation.aggir_illustrative or {}).items()})
        for index, line in enumerate(evaluation.plan or [], start=1):
            initial[f"aid_{index}"] = line.get("aid", "")
            initial[f"hours_{index}"] = str(line.get("hours", "") or "").replace(".", ",")
        return initial

    def clean(self):
        cleaned = super().clean()
        for index in range(1, PLAN_LINES + 1):
            aid, hours = cleaned.get(f"aid_{index}"), (cleaned.get(f"hours_{index}") or "").strip()
            if hours and not aid:
                self.add_error(f"aid_{index}", _("Choisissez l'aide correspondant à ces heures."))
            elif aid in HOURLY_AIDS and not hours:
                self.add_error(f"hours_{index}", _("Indiquez le nombre d'heures par mois de cette aide."))
            elif hours:
                try:
                    cleaned[f"hours_{index}"] = parse_hours(hours)
                except forms.ValidationError as error:
                    self.add_error(f"hours_{index}", error)
        return cleaned

    def content(self):
        """The cleaned values as the model's content fields (services.CONTENT_FIELDS)."""
        data = self.cleaned_data
        plan = []
        for index in range(1, PLAN_LINES + 1):
            if data.get(f"aid_{index}"):
                hours = data.get(f"hours_{index}")
                plan.append({"aid": data[f"aid_{index}"], "hours": str(hours) if hours else ""})
        return {
            "visit_date": data.get("visit_date"),
            "housing_kind": data.get("housing_kind", ""),
            "living_arrangement": data.get("living_arrangement", ""),
            "living_conditions": data.get("living_conditions", ""),
            "help_in_place": data.get("help_in_place", ""),
            "family_support": data.get("family_support", ""),
            "aggir": {k: data[f"aggir_{k}"] for k in aggir.DISCRIMINANT_KEYS if data.get(f"aggir_{k}")},
            "aggir_illustrative": {
                k: data[f"illustrative_{k}"] for k in aggir.ILLUSTRATIVE_KEYS if data.get(f"illustrative_{k}")
            },
            "needs": data.get("needs", ""),
            "plan": plan,
            "plan_comment": data.get("plan_comment", ""),
        }

    # Groups for the template.
    def aggir_fields(self):
        return [self[f"aggir_{k}"] for k in aggir.DISCRIMINANT_KEYS]

    def illustrative_fields(self):
        return [self[f"illustrative_{k}"] for k in aggir.ILLUSTRATIVE_KEYS]

    def plan_rows(self):
        return [(index, self[f"aid_{index}"], self[f"hours_{index}"]) for index in range(1, PLAN_LINES + 1)]


class SlipForm(forms.Form):
    convention = forms.ModelChoiceField(
        label=_("Structure et convention"),
        queryset=None,
        widget=FastSelect,
        empty_label=_("Choisissez une convention"),
        error_messages={"required": _("Choisissez la convention à payer.")},
    )

    def __init__(self, *args, conventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convention"].queryset = conventions
        self.fields["convention"].label_from_instance = convention_label


class FeeForm(forms.Form):
    def __init__(self, *args, fees, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in EvaluationType.choices:
            self.fields[value] = AmountField(
                label=label, required=False, maximum=Decimal("5000"), help_text=_("En euros, par exemple 180,00.")
            )
            if value in fees:
                self.initial[value] = str(fees[value]).replace(".", ",")
