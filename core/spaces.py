"""Space declarations: what each space says once about its accounts and the personal data it holds.

`accounts` reads this table instead of branching on the space (no `if space == ...`): the password
rule, how a forgotten password is served, which identifier signs in, the consent extras, the erasure
scope, and how to export and anonymise what the space holds about a person.

A space declares itself in its own `<app>/space.py`, imported automatically the first time the
registry is read (every installed app's `space` module is looked for):

    # interim/space.py
    from django.utils.translation import gettext_lazy as _
    from core.spaces import ErasureScope, ForgotPassword, SpaceDeclaration, register

    def export(user):                     # -> dict (JSON-serialisable: str, numbers, dates, lists, dicts)
        return {"timesheets": [...], "payslips": [...]}

    def anonymise(user):                  # erases/anonymises; -> plain sentences of what is kept and why
        ...
        return [_("Les bulletins de paie sont conservés 5 ans (article L3243-4 du code du travail).")]

    register(SpaceDeclaration(
        key="interim",                                # the accounts.enums.Space value
        slug="interimaires",                          # public URL part (forgotten password page)
        identifier_label=_("Votre adresse e-mail"),   # shown on the login page
        password_validators=general_password_rule,    # () -> [Django password validators]
        forgot_password=ForgotPassword.LINK,          # TEMPORARY (e-mailed temporary password) or LINK
        forgot_by=ForgotBy.EMAIL,                     # what the form asks: LOGIN, LOGIN_AND_EMAIL, EMAIL
        erasure_scope=ErasureScope.SPACE,             # SPACE: the space's data only; ACCOUNT: the whole account
        export=export, anonymise=anonymise,
        kept=_("Les bulletins de paie ..."),          # shown on "Mes données" before anyone asks
    ))

Fields (all but `key`, `slug` and `identifier_label` have defaults):
- `password_validators`: a callable returning validator instances (Django's password validator
  protocol). The portal adds its own common-password check to every rule.
- `consent_publishers`: the roles (accounts.enums.Role values) whose organisation admins may publish
  a new version of the space's consent text (accounts:consent_publish).
- `consent_extras`: `ConsentExtra`s, boxes added to the consent page for the users `applies_to`
  selects; `field` names the boolean of `accounts.ConsentAcceptance` that records it.
- `erasure_organisations(user) -> iterable of organisation ids`: organisations whose admins, besides
  the admins of the person's own organisations in the space, may process the person's erasure
  request (benefits: the Union that holds the cooperator's file).
- `export(user) -> dict` and `anonymise(user) -> list[str]` (what is kept, said plainly) run inside
  the caller's transaction. Both must cope with a user who holds nothing in the space.

Depends on Django only: it imports neither `accounts` nor any space.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
    UserAttributeSimilarityValidator,
)
from django.utils.module_loading import autodiscover_modules


class ForgotPassword(StrEnum):
    TEMPORARY = "temporary"  # a new temporary password is e-mailed; it forces a change at sign-in
    LINK = "link"  # a one-time link to choose a new password


class ForgotBy(StrEnum):
    LOGIN = "login"  # identifier, or the account's e-mail
    LOGIN_AND_EMAIL = "login_and_email"  # identifier and registered e-mail together, with a captcha
    EMAIL = "email"  # the account's e-mail


class ErasureScope(StrEnum):
    SPACE = "space"  # the space's data and memberships; the account stays if other spaces remain
    ACCOUNT = "account"  # an erasure for this space anonymises the whole account


@dataclass(frozen=True)
class ConsentExtra:
    field: str  # boolean field of accounts.ConsentAcceptance recording it
    label: str
    required_message: str
    applies_to: Callable[[object], bool]  # user -> does this account see (and must tick) the box


def general_password_rule(min_length=12):
    """The portal's general rule: a minimum length, not a common password, not like the user's details."""
    return [
        MinimumLengthValidator(min_length=min_length),
        CommonPasswordValidator(),
        UserAttributeSimilarityValidator(user_attributes=("identifier", "first_name", "last_name", "email")),
    ]


def model_row(obj, *, exclude=()):
    """A model instance as a dict for an export: its own fields (no links to other rows, no file
    contents), with the label of each field that has choices as `<name>_label`."""
    from django.db import models

    row = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in exclude or model_field.is_relation or isinstance(model_field, models.FileField):
            continue
        value = getattr(obj, model_field.attname)
        row[model_field.name] = value
        if model_field.choices and value not in (None, ""):
            row[f"{model_field.name}_label"] = str(getattr(obj, f"get_{model_field.name}_display")())
    return row


def _nothing(user):
    return {}


def _keep_nothing(user):
    return []


def _no_organisations(user):
    return []


@dataclass(frozen=True)
class SpaceDeclaration:
    key: str
    slug: str
    identifier_label: str
    password_validators: Callable[[], list] = general_password_rule
    forgot_password: ForgotPassword = ForgotPassword.LINK
    forgot_by: ForgotBy = ForgotBy.EMAIL
    consent_extras: tuple[ConsentExtra, ...] = ()
    erasure_scope: ErasureScope = ErasureScope.SPACE
    consent_publishers: tuple[str, ...] = ()  # roles whose admins publish the space's consent text
    erasure_organisations: Callable[[object], Iterable[int]] = _no_organisations
    export: Callable[[object], dict] = _nothing
    anonymise: Callable[[object], list] = _keep_nothing
    kept: str = ""
    order: int = field(default=100)


_REGISTRY: dict[str, SpaceDeclaration] = {}
_discovered = False


def register(declaration: SpaceDeclaration) -> SpaceDeclaration:
    """Declares a space (called once, from `<app>/space.py`); a second call replaces the first."""
    _REGISTRY[declaration.key] = declaration
    return declaration


def _discover():
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("space")


def get(key) -> SpaceDeclaration:
    """The declaration of space `key` (KeyError if no app declared it)."""
    _discover()
    return _REGISTRY[str(key)]


def find(key) -> SpaceDeclaration | None:
    _discover()
    return _REGISTRY.get(str(key))


def all_spaces() -> list[SpaceDeclaration]:
    """Every declared space, in their `order`."""
    _discover()
    return sorted(_REGISTRY.values(), key=lambda d: (d.order, d.key))


def by_slug(slug) -> SpaceDeclaration:
    _discover()
    for declaration in _REGISTRY.values():
        if declaration.slug == slug:
            return declaration
    raise KeyError(slug)
