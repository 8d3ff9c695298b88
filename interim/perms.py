"""Permission rules of the Espace intérimaire (answered by accounts' MembershipPermissionBackend).

Without an object (`Acting`), a rule says what the role may do in the organisation acted for. With an
object, it says whether this user may act on it: a worker on their own records of an agency they are
registered with, agency staff on the records of their agency. Which agency's records a page shows is
decided by the scoped selectors (the organisation switcher), never by these rules alone.
"""

from accounts.enums import Role
from accounts.perms import Acting, acting_as, has_role, memo, remembered, rule


def _is_owner(user, obj):
    worker = getattr(obj, "worker", obj)
    return worker.user_id == user.pk and has_role(user, Role.TEMP_WORKER, organisation=worker.agency_id)


def _is_staff_of(user, obj):
    worker = getattr(obj, "worker", None)
    agency_id = worker.agency_id if worker is not None else getattr(obj, "agency_id", None)
    return agency_id is not None and has_role(user, Role.AGENCY_STAFF, organisation=agency_id)


def _worker_rule(perm):
    @rule(perm)
    def check(user, obj=None):
        if obj is None:  # the menus ask without an object: the role, in any organisation
            return has_role(user, Role.TEMP_WORKER)
        if isinstance(obj, Acting):
            return acting_as(obj, Role.TEMP_WORKER)
        return _is_owner(user, obj)

    return check


def _staff_rule(perm):
    @rule(perm)
    def check(user, obj=None):
        if obj is None:
            return has_role(user, Role.AGENCY_STAFF)
        if isinstance(obj, Acting):
            return acting_as(obj, Role.AGENCY_STAFF)
        return _is_staff_of(user, obj)

    return check


# The worker's own space: file, diplomas, contracts, advances, planning, availabilities, documents.
for _perm in (
    "interim.use_worker_space",
    "interim.edit_own_file",
    "interim.sign_contract",
    "interim.change_own_advance",
    "interim.manage_own_availability",
    "interim.request_document",
):
    _worker_rule(_perm)

# Agency staff: validations, contracts, advances, documents, the bureau virtuel's content.
for _perm in (
    "interim.validate_worker",
    "interim.manage_contracts",
    "interim.process_advance",
    "interim.process_document_requests",
    "interim.manage_content",
    "interim.view_evidence",
    "interim.publish_documents",
):
    _staff_rule(_perm)


# Client companies: their timesheets ("Saisie des heures"); the agency validates them.
@rule("interim.enter_timesheet")
def enter_timesheet(user, obj=None):
    if obj is None:
        return has_role(user, Role.CLIENT_USER)
    if isinstance(obj, Acting):
        return acting_as(obj, Role.CLIENT_USER)
    return has_role(user, Role.CLIENT_USER, organisation=obj.contract.mission.client_id)


@rule("interim.validate_timesheet")
def validate_timesheet(user, obj=None):
    if obj is None:
        return has_role(user, Role.AGENCY_STAFF)
    if isinstance(obj, Acting):
        return acting_as(obj, Role.AGENCY_STAFF)
    return has_role(user, Role.AGENCY_STAFF, organisation=obj.contract.agency_id)


# Kept in the identity snapshot across requests: the id of the worker file of a temp-worker membership
# (None before the agency makes it), until a worker file of this user is created, deleted or moved.
WORKER_FILE = remembered(
    "interim.worker_file",
    watch=["interim.Worker"],
    fields=("membership", "user"),
    users=lambda worker: [worker.user_id],
)


def worker_file_id(user, membership):
    """The id of the worker file of `membership` (a temp worker's), or None: no query once remembered."""
    from .models import Worker

    return memo(
        user,
        (WORKER_FILE, membership.pk),
        lambda: Worker.objects.filter(membership=membership).values_list("pk", flat=True).first(),
    )
