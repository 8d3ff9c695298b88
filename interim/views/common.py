"""What every worker page starts with: the permission, then the worker file of the agency acted for."""

from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from accounts.enums import Role
from core.access import require

from .. import perms, selectors


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


def worker_list_page(view):
    """worker_page for a page kept as a fragment: whether the worker file exists is remembered in the
    identity snapshot (perms.worker_file_id), and the file itself is read only if the view or the
    template uses it (a kept fragment needs none)."""

    def wrapper(request, *args, **kwargs):
        require(request, "interim.use_worker_space")
        membership = request.membership
        is_worker = getattr(membership, "role", None) == Role.TEMP_WORKER
        if not is_worker or perms.worker_file_id(request.user, membership) is None:
            return render(request, "interim/no_worker.html", status=200)
        return view(request, SimpleLazyObject(lambda: _worker(request)), *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _worker(request):
    worker = selectors.worker_for(request.membership)
    if worker is None:  # removed since it was remembered, by a write the snapshot did not see
        raise Http404
    return worker
