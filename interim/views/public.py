"""The public verification page: is this PDF the sealed original, signed by whom and when?"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from .. import selectors, signature
from ..forms import VerifyForm

MAX_BYTES = 20 * 1024 * 1024


@login_not_required
def verify(request):
    data = request.POST if request.method == "POST" else (request.GET if "code" in request.GET else None)
    form = VerifyForm(data, request.FILES or None)
    result = None
    if data is not None and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is not None:
            content = upload.read(MAX_BYTES + 1)
            digest = signature.sha256(content)
            contract = selectors.contract_by_signed_hash(digest) if len(content) <= MAX_BYTES else None
            result = {"kind": "file", "contract": contract, "sha256": digest}
        else:
            contract = selectors.contract_by_code(form.cleaned_data["code"])
            result = {"kind": "code", "contract": contract}
    return render(request, "interim/verify.html", {"form": form, "result": result})
