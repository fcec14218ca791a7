"""The mediation services' side of the viewflow process: mark a step of the case's flow done.

The flow itself (``workflows.flows.mediation.MediationFlow``) says who acts next and draws
the chart; ``Case.status`` and the mediation records are the business state. A service
changes the business state first and then calls ``flow_finish(case, "<node>")``: the open
task of that node is completed by the acting user and the flow's gateways read the new
business state to decide what comes next. The flow class is reached through the process
row (``Process.flow_class``), so this app never imports ``workflows``.

A case without a process (created before the flow existed, or by code that bypassed the
chain router) is simply not mirrored: every function here is then a no-op.
"""
import logging

from django.db import transaction
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from mediation.models import MediationProcess

logger = logging.getLogger(__name__)

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# Human steps whose gateway routes a closed case (terminated, withdrawn) to the end.
CLOSABLE_STEPS = ("consent", "assign", "accept", "mediate", "confirm")


def process_of(case) -> MediationProcess | None:
    """The case's running mediation process, if any."""
    return (
        MediationProcess.objects.filter(case_id=case.pk, finished__isnull=True)
        .exclude(status=PROCESS.CANCELED).order_by("-pk").first()
    )


def open_tasks(case):
    """The open human tasks of the case's running process (``Task`` rows)."""
    process = process_of(case)
    if process is None:
        return Task.objects.none()
    return Task.objects.filter(process_id=process.pk, status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def flow_finish(case, node_name, actor=None) -> bool:
    """Complete the open task of ``node_name`` in the case's process; False when there is none."""
    process = process_of(case)
    if process is None:
        return False
    flow_class = process.flow_class
    node = flow_class.instance.node(node_name, no_obsolete=True)
    if node is None:
        raise LookupError(f"{flow_class.__name__} has no node {node_name!r}")
    task = (Task.objects.filter(process_id=process.pk, flow_task=node, status__in=OPEN_TASK_STATUSES)
            .order_by("pk").first())
    if task is None:
        return False
    with flow_class.lock(process.pk):
        task.refresh_from_db()
        if task.status not in OPEN_TASK_STATUSES:
            return False
        activation = node.activation_class(task)
        user = _user(actor)
        if task.status == STATUS.NEW:
            activation.assign(user)
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        if user is not None:
            task.owner = user  # who actually did it
        activation.execute()
    return True


@transaction.atomic
def flow_reassign(case, node_name, user) -> bool:
    """Give the open task of ``node_name`` to ``user`` (a new mediator on the same step)."""
    task = open_tasks(case).filter(flow_task=_node(case, node_name)).first() if process_of(case) else None
    if task is None:
        return False
    task.owner = user
    if task.status == STATUS.NEW:
        task.status = STATUS.ASSIGNED
    task.save(update_fields=["owner", "status"])
    return True


def _node(case, node_name):
    process = process_of(case)
    return process.flow_class.instance.node(node_name, no_obsolete=True)


@transaction.atomic
def flow_close(case, actor=None) -> None:
    """The case left mediation (terminated, withdrawn …): end its process.

    A step whose gateway knows the way to the end is completed (the chart then shows the
    path taken); anything still open after that is cancelled.
    """
    for name in CLOSABLE_STEPS:
        flow_finish(case, name, actor)
    process = process_of(case)
    if process is None:
        return
    try:
        process.flow_class.instance.cancel(process)
    except FlowRuntimeError:
        logger.warning("mediation process %s of case %s could not be cancelled", process.pk, case.pk)
