"""Public pages: home with the latest news, news, documentation by theme, contact form, forgotten login."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from core.files import private_file_response

from .. import selectors, services
from ..enums import DocumentTheme
from ..forms import ContactForm
from .common import public_form_allowed, public_form_sent, rate_limited


@login_not_required
def home(request):
    news = list(selectors.published_news()[:3])
    return render(request, "partners/home.html", {"news": news})


@login_not_required
def news_list(request):
    page = Paginator(selectors.published_news(), 10).get_page(request.GET.get("page"))
    return render(request, "partners/news_list.html", {"page": page})


@login_not_required
def news_detail(request, slug):
    article = get_object_or_404(selectors.published_news(), slug=slug)
    return render(request, "partners/news_detail.html", {"article": article})


@login_not_required
def documentation(request):
    documents = list(selectors.published_documents())
    themes = []
    for value, label in DocumentTheme.choices:
        rows = [d for d in documents if d.theme == value]
        if rows:
            themes.append({"value": value, "label": label, "documents": rows})
    return render(request, "partners/documentation.html", {"themes": themes})


@login_not_required
def document_download(request, pk):
    document = get_object_or_404(selectors.published_documents(), pk=pk)
    return private_file_response(request, document.file, label=document.title)


@login_not_required
@csrf_protect
@never_cache
def contact(request):
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not public_form_allowed(request, "contact"):
            rate_limited(form)
            response = render(request, "partners/contact.html", {"form": form}, status=429)
            return response
        if form.is_spam():
            public_form_sent(request, "contact")
            return redirect("partners:contact_done")
        if form.is_valid():
            services.contact_message_submit(data=form.service_data())
            public_form_sent(request, "contact")
            return redirect("partners:contact_done")
    return render(request, "partners/contact.html", {"form": form})


@login_not_required
def contact_done(request):
    return render(request, "partners/contact_done.html")


@login_not_required
def forgotten_login(request):
    return render(request, "partners/forgotten_login.html")
