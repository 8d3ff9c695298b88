"""Form fields every space uses, built on core.validators (French messages, right keyboard on phones).

phone = PhoneField()                  # "nn nn nn nn nn", overseas departments included
siret = SiretField()                  nir = NirField()             iban = IbanField()
postcode = PostcodeField()            last_name = NameField(label=_("Nom"))
birth_date = DateField(not_future=True)
amount = AmountField(maximum=Decimal("500"))
scans = MultiplePrivateFileField()    # several PDF/JPEG/PNG checked by content (core.files)
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import validators
from .files import PrivateFileField


class _CleanedCharField(forms.CharField):
    cleaner: Callable[[Any], Any]  # each field's validators.clean_* (a staticmethod)
    default_max_length: int | None = None
    default_help_text: Any = None  # a lazy translation
    default_attrs: dict = {}

    def __init__(self, **kwargs):
        if self.default_max_length:
            kwargs.setdefault("max_length", self.default_max_length)
        if self.default_help_text:
            kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("widget", forms.TextInput(attrs=dict(self.default_attrs)))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return type(self).cleaner(value) if value else value


class PhoneField(_CleanedCharField):
    cleaner = staticmethod(validators.clean_phone)
    default_max_length = 14
    default_help_text = _("Sous la forme « nn nn nn nn nn ».")
    default_attrs = {"inputmode": "tel", "autocomplete": "tel"}


class SiretField(_CleanedCharField):
    cleaner = staticmethod(validators.clean_siret)
    default_max_length = 17
    default_help_text = _("14 chiffres.")
    default_attrs = {"inputmode": "numeric"}


class NirField(_CleanedCharField):
    cleaner = staticmethod(validators.clean_nir)
    default_max_length = 21
    default_help_text = _("15 caractères, clé comprise (par exemple 1 84 12 76 451 089 46).")
    default_attrs = {"autocomplete": "off", "spellcheck": "false"}


class IbanField(_CleanedCharField):
    cleaner = staticmethod(validators.clean_iban)
    default_max_length = 42
    default_help_text = _("Commence par le code du pays, par exemple FR76 3000 6000 0112 3456 7890 189.")
    default_attrs = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}


class PostcodeField(_CleanedCharField):
    cleaner = staticmethod(validators.clean_postcode)
    default_max_length = 5
    default_attrs = {"inputmode": "numeric", "autocomplete": "postal-code"}


class NameField(forms.CharField):
    """A name (person, organisation): trimmed, no leading spreadsheet-formula character."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.validators.append(validators.validate_name)


class DateField(forms.DateField):
    """A date typed dd/mm/yyyy (or picked), optionally not in the future or within bounds."""

    def __init__(self, *, not_future=False, earliest=None, latest=None, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(**kwargs)
        self.not_future, self.earliest, self.latest = not_future, earliest, latest

    def validate(self, value):
        super().validate(value)
        if self.not_future:
            validators.validate_not_future(value)
        earliest = self.earliest() if callable(self.earliest) else self.earliest
        latest = self.latest() if callable(self.latest) else self.latest
        validators.validate_date_between(value, earliest=earliest, latest=latest)


class AmountField(forms.CharField):
    """An amount in euros ("120,50" or "120.50"), positive, at most two decimals, optionally capped."""

    def __init__(self, *, minimum=Decimal("0.01"), maximum=None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault("max_length", 14)
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value):
        value = super().clean(value)
        if value in (None, "") and not self.required:
            return None
        return validators.clean_amount(value, minimum=self.minimum, maximum=self.maximum)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePrivateFileField(PrivateFileField):
    """Several scans in one input (PDF, JPEG, PNG, checked by content); cleans to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        cleaned: list = []
        errors: list[ValidationError] = []
        for item in files:
            try:
                cleaned.append(super().clean(item, initial))
            except ValidationError as error:
                name = getattr(item, "name", "") or _("fichier")
                errors.extend(ValidationError(f"{name} : {message}") for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class SearchInput(forms.TextInput):
    """A text box suggesting the choices' labels as one types (a <datalist>: the browser filters the
    suggestions on what is typed, on a phone too), for a choice among hundreds or thousands."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels: Callable[[], Any] = tuple

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html, format_html_join

        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-liste"
        attrs.update({"list": list_id, "autocomplete": "off"})
        options = format_html_join("", '<option value="{}"></option>', ((label,) for label in self.labels()))
        return super().render(name, value, attrs, renderer) + format_html(
            '<datalist id="{}">{}</datalist>', list_id, options
        )


class SearchableChoiceField(forms.ModelChoiceField):
    """A choice among many rows typed in a SearchInput: the value is the label picked among the
    suggestions (or typed in full), read back by `find(text)`, which subclasses write to hit an index
    (a code, a name) rather than compare every label. `only`: the columns the labels need."""

    widget = SearchInput
    only: tuple[str, ...] = ()
    default_error_messages = {"invalid_choice": _("Choisissez une proposition de la liste.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.labels = self.labels

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.labels = result.labels  # each form's copy suggests its own queryset's labels
        return result

    @property
    def rows(self) -> Any:
        """The queryset (set by the form when it depends on who asks)."""
        if self.queryset is None:
            raise ValueError("SearchableChoiceField: set the queryset before rendering or cleaning")
        return self.queryset

    def labels(self):
        queryset = self.rows.only(*self.only) if self.only else self.rows
        return [self.label_from_instance(obj) for obj in queryset]

    def find(self, text):
        """The rows whose label is `text` (a subclass narrows by an indexed column first)."""
        return [obj for obj in self.rows if self.label_from_instance(obj) == text]

    def prepare_value(self, value):
        if isinstance(value, self.rows.model):
            return self.label_from_instance(value)
        if isinstance(value, int) and not isinstance(value, bool):  # an initial primary key, not typed text
            found = self.rows.filter(pk=value).first()
            return self.label_from_instance(found) if found is not None else value
        return value

    def to_python(self, value):
        text = " ".join(str(value or "").split())
        if not text:
            return None
        found = list(self.find(text))
        if len(found) != 1:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found[0]
