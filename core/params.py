"""Strict parsing of ids and numbers taken from the query string or a form.

`str.isdigit()` is true for "²" or "٣", which `int()` or the ORM then refuse with a ValueError (a
500). Every id read from `request.GET`/`request.POST` goes through `parse_id`: ASCII digits only,
within a database integer, else None (the view answers 404 or ignores the parameter).

    cooperative = cooperatives.filter(pk=pk).first() if (pk := parse_id(request.GET.get("cooperative"))) else None
    ids = parse_ids(request.POST.getlist("ids"))

Path parameters use Django's `<int:pk>` converter, which matches [0-9]+ only.
"""

MAX_ID = 2**63 - 1  # a PostgreSQL bigint


def parse_id(value):
    """The positive integer written in ASCII digits in `value` (surrounding spaces allowed), else None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values):
    """The valid ids among `values` (a list from `getlist`), in order, without duplicates."""
    seen = []
    for value in values:
        number = parse_id(value)
        if number is not None and number not in seen:
            seen.append(number)
    return seen


def parse_int(value, default=None, *, minimum=None, maximum=None):
    """An integer written in ASCII digits (optional leading minus) within bounds, else `default` (a year, a page)."""
    if value is None:
        return default
    text = str(value).strip()
    body = text.removeprefix("-")
    if not body or len(body) > 18 or not (body.isascii() and body.isdigit()):
        return default
    number = int(text)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return default
    return number
