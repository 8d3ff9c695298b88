"""The shared checks of core.validators and core.forms, with their French messages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import forms as core_forms
from core import validators as v


@pytest.mark.parametrize(
    ("typed", "shown", "e164"),
    [
        ("0302010509", "03 02 01 05 09", "+33302010509"),
        ("06.12.34.56.78", "06 12 34 56 78", "+33612345678"),
        ("0262 20 12 34", "02 62 20 12 34", "+262262201234"),  # La Réunion, landline
        ("0692 12 34 56", "06 92 12 34 56", "+262692123456"),  # La Réunion, mobile
        ("0269 61 12 34", "02 69 61 12 34", "+262269611234"),  # Mayotte
        ("0639 40 12 34", "06 39 40 12 34", "+262639401234"),  # Mayotte, mobile
        ("0590 27 12 34", "05 90 27 12 34", "+590590271234"),  # Guadeloupe
        ("0594 30 12 34", "05 94 30 12 34", "+594594301234"),  # Guyane
        ("0596 60 12 34", "05 96 60 12 34", "+596596601234"),  # Martinique
    ],
)
def test_french_phone_numbers_overseas_included(typed, shown, e164):
    assert v.clean_phone(typed) == shown
    assert v.phone_e164(typed) == e164


@pytest.mark.parametrize("bad", ["030201050", "+33302010509", "03 02 01 05 09 1", "abcdefghij", "00 00 00 00 00"])
def test_phone_refusals(bad):
    with pytest.raises(ValidationError):
        v.clean_phone(bad)


def test_siret_nir_iban_postcode():
    assert v.clean_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValidationError) as error:
        v.clean_siret("73282932000075")
    assert error.value.code == "siret_key"
    assert v.clean_nir("1 84 12 76 451 089 46") == "184127645108946"
    assert v.clean_nir("2 85 05 2A 123 456 80").startswith("285052A")
    for bad, code in [("18412764510894", "nir_length"), ("184127645108947", "nir_key")]:
        with pytest.raises(ValidationError) as error:
            v.clean_nir(bad)
        assert error.value.code == code
    assert v.clean_iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    with pytest.raises(ValidationError) as error:
        v.clean_iban("FR12")
    assert error.value.code == "iban_length" and "trop court" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        v.clean_iban("FR7630006000011234567890188")
    assert error.value.code == "iban_checksum"
    assert v.clean_postcode("97400") == "97400"
    assert v.clean_postcode("97600") == "97600"  # Mayotte
    for bad in ["6200", "00100", "96000", "97900", "A2000"]:
        with pytest.raises(ValidationError):
            v.clean_postcode(bad)


def test_names_refuse_a_leading_formula():
    v.validate_name("Martin-Dupont")
    v.validate_name("-")  # a dash alone is a name's placeholder, neutralised at export
    for bad in ['=HYPERLINK("x")', "+33", "@SUM(A1)", "\tx"]:
        with pytest.raises(ValidationError):
            v.validate_name(bad)


def test_amounts():
    assert v.clean_amount("120,50") == Decimal("120.50")
    for bad, code in [
        ("0", "amount_positive"),
        ("-5", "amount_positive"),
        ("1,234", "amount_decimals"),
        ("x", "amount_format"),
        ("NaN", "amount_format"),  # a Decimal, but not a number: was a TypeError (found by mypy)
        ("Infinity", "amount_format"),
    ]:
        with pytest.raises(ValidationError) as error:
            v.clean_amount(bad)
        assert error.value.code == code
    with pytest.raises(ValidationError) as error:
        v.clean_amount("600", maximum=Decimal("500"))
    assert error.value.code == "amount_too_large"


def test_form_fields_keep_the_typed_value_and_say_why():
    from django import forms

    class Sample(forms.Form):
        phone = core_forms.PhoneField()
        nir = core_forms.NirField(required=False)
        iban = core_forms.IbanField(required=False)
        birth = core_forms.DateField(not_future=True, required=False)
        amount = core_forms.AmountField(required=False, maximum=Decimal("100"))
        name = core_forms.NameField(required=False)

    form = Sample(
        data={"phone": "0692123456", "nir": "1", "iban": "FR12", "birth": "01/01/2999", "amount": "150", "name": "=1+1"}
    )
    assert not form.is_valid()
    assert set(form.errors) == {"nir", "iban", "birth", "amount", "name"}
    assert form.cleaned_data["phone"] == "06 92 12 34 56"
    assert form["nir"].value() == "1"  # what was typed is shown again
    assert "futur" in form.errors["birth"][0]


def test_sms_numbers_of_overseas_departments_reach_their_network():
    from core.sms.phone import InvalidPhoneNumber, normalize_phone

    assert normalize_phone("0692 12 34 56") == "+262692123456"
    assert normalize_phone("+33612345678") == "+33612345678"
    with pytest.raises(InvalidPhoneNumber):
        normalize_phone("0000")
