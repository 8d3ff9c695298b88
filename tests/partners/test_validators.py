import pytest
from django.core.exceptions import ValidationError

from core.validators import clean_phone, clean_postcode, clean_siret
from partners.validators import clean_login


def test_siret():
    assert clean_siret("732 829 320 00074") == "73282932000074"
    for bad, code in [
        ("7328293200007", "siret_length"),
        ("7328293200007A", "siret_digits"),
        ("73282932000075", "siret_key"),
    ]:
        with pytest.raises(ValidationError) as error:
            clean_siret(bad)
        assert error.value.code == code


def test_phone():
    assert clean_phone("0302010509") == "03 02 01 05 09"
    assert clean_phone("03 02 01 05 09") == "03 02 01 05 09"
    assert clean_phone("03.02.01.05.09") == "03 02 01 05 09"
    for bad in ["030201050", "+33302010509", "03 02 01 05 09 1", "abcdefghij", "00 00 00 00 00"]:
        with pytest.raises(ValidationError):
            clean_phone(bad)


def test_postcode():
    assert clean_postcode("62000") == "62000"
    assert clean_postcode("97400") == "97400"
    for bad in ["6200", "00100", "96000", "97900", "A2000"]:
        with pytest.raises(ValidationError):
            clean_postcode(bad)


def test_login():
    assert clean_login(" Alex7 ") == "Alex7"
    for bad in ["Alex 7", "Élodie", "o'neil", "a-b", ""]:
        with pytest.raises(ValidationError):
            clean_login(bad)
