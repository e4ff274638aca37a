"""Routes of the tasks resource."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import allow, current_actor
from api.context import engine_context
from api.schemas import PageSchema
from api.tasks.schemas import AssignTaskSchema, CompleteTaskSchema, TaskQuerySchema, TaskSchema
from api.views import case_json, page_json, task_json
from engine.adapters.repository import Page
from engine.services import assignment, tasks
from engine.services.access import ADMIN, AUDITOR, LEADER, OFFICER

blp = Blueprint("tasks", __name__, url_prefix="/tasks", description="Human tasks")


@blp.route("", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.arguments(TaskQuerySchema, location="query")
@blp.response(200, PageSchema)
def list_tasks(args: dict[str, Any]) -> dict[str, Any]:
    """Tasks for me, for my units, or of one case; with filters and pagination."""
    page = Page(args.pop("page"), args.pop("per_page"))
    scope = args.pop("scope")
    if "case" in args:
        args["case_code"] = args.pop("case")
    items, total = tasks.list_tasks(engine_context(), current_actor(), scope, args, page)
    return page_json([task_json(t) for t in items], total, page.page, page.per_page)


@blp.route("/<string:task_id>", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.response(200, TaskSchema)
def show_task(task_id: str) -> dict[str, Any]:
    """A task with its JSON Schema, ui schema and prefilled data."""
    view = tasks.get_task(engine_context(), current_actor(), task_id)
    body = task_json(view.task)
    body.update(
        schema=view.schema,
        ui_schema=view.ui_schema,
        prefill=view.prefill,
        can_act=view.can_act,
        case=case_json(view.case),
    )
    return body


@blp.route("/<string:task_id>/claim", methods=["POST"])
@allow(OFFICER)
@blp.response(200, TaskSchema)
def claim(task_id: str) -> dict[str, Any]:
    """Claim a task."""
    return task_json(tasks.claim_task(engine_context(), current_actor(), task_id))


@blp.route("/<string:task_id>/unclaim", methods=["POST"])
@allow(OFFICER)
@blp.response(200, TaskSchema)
def unclaim(task_id: str) -> dict[str, Any]:
    """Give a claimed task back."""
    return task_json(tasks.unclaim_task(engine_context(), current_actor(), task_id))


@blp.route("/<string:task_id>/complete", methods=["POST"])
@allow(OFFICER)
@blp.arguments(CompleteTaskSchema)
@blp.response(200, TaskSchema)
def complete(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Complete a task with its form data (validated against the task's schema)."""
    view = tasks.complete_task(engine_context(), current_actor(), task_id, body["data"])
    result = task_json(view.task)
    # The case with its open tasks now: the next step, without another request.
    result["case"] = case_json(view.case, list(view.open_tasks))
    return result


@blp.route("/<string:task_id>/assign", methods=["POST"])
@allow(LEADER, ADMIN)
@blp.arguments(AssignTaskSchema)
@blp.response(200, TaskSchema)
def assign(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Give a task of my unit to an officer, or back to the group (leader)."""
    task = assignment.assign_task(engine_context(), current_actor(), task_id, body["assignee"])
    return task_json(task)
