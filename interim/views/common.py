"""What every worker page starts with: the permission, then the worker file of the agency acted for."""

from django.http import Http404
from django.shortcuts import render

from core.access import require

from .. import selectors


class NoWorkerFile(Exception):
    pass


def worker_or_none(request):
    require(request, "interim.use_worker_space")
    return selectors.worker_for(request.membership)


def worker_page(view):
    """Decorator: 403 unless acting as a temp worker; passes the worker file of the agency acted for."""

    def wrapper(request, *args, **kwargs):
        worker = worker_or_none(request)
        if worker is None:
            if args or kwargs:  # a page naming a record: there is none without a file
                raise Http404
            return render(request, "interim/no_worker.html", status=200)
        return view(request, worker, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper
