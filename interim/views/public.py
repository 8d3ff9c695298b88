"""The public verification page: is this PDF the sealed original, signed by whom and when?

Rate limited per client address (INTERIM_VERIFY_PER_HOUR lookups an hour, 30 by default): the
verification code is a secret of 12 characters, and a lookup reads a whole upload; past the limit
the page answers 429 with the time to wait, the form stays as typed."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import ratelimit

from .. import selectors, signature
from ..forms import VerifyForm

MAX_BYTES = 20 * 1024 * 1024
WINDOW = 3600


@login_not_required
def verify(request):
    data = request.POST if request.method == "POST" else (request.GET if "code" in request.GET else None)
    form = VerifyForm(data, request.FILES or None)
    result = None
    status = 200
    if data is not None and form.is_valid():
        if not ratelimit.hit(
            "interim-verify",
            ratelimit.client_address(request),
            limit=getattr(settings, "INTERIM_VERIFY_PER_HOUR", 30),
            window=WINDOW,
        ):
            minutes = max(1, ratelimit.seconds_left(WINDOW) // 60)
            form.add_error(
                None,
                _("Trop de vérifications depuis votre adresse : réessayez dans %(minutes)s minutes.")
                % {"minutes": minutes},
            )
            status = 429
        else:
            result = _lookup(form)
    return render(request, "interim/verify.html", {"form": form, "result": result}, status=status)


def _lookup(form):
    upload = form.cleaned_data.get("file")
    if upload is not None:
        content = upload.read(MAX_BYTES + 1)
        digest = signature.sha256(content)
        contract = selectors.contract_by_signed_hash(digest) if len(content) <= MAX_BYTES else None
        return {"kind": "file", "contract": contract, "sha256": digest}
    return {"kind": "code", "contract": selectors.contract_by_code(form.cleaned_data["code"])}
