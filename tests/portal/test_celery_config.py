"""The Celery configuration every timed job relies on (checked without a broker)."""

import importlib
import importlib.util

import pytest
from django.apps import apps

from portal.celery import BEAT_SCHEDULE, app


def _project_tasks():
    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.tasks") is not None:
            importlib.import_module(f"{config.name}.tasks")
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_beat_entry_names_a_registered_task():
    tasks = _project_tasks()
    for key, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in tasks, f"beat entry {key} names an unknown task {entry['task']}"


@pytest.mark.parametrize("name", sorted(_project_tasks()))
def test_time_limits_are_consistent(name):
    """Celery refuses to enqueue a task whose soft limit is above its hard limit (beat would fail silently)."""
    task = app.tasks[name]
    hard = task.time_limit or app.conf.task_time_limit
    soft = task.soft_time_limit or app.conf.task_soft_time_limit
    assert hard, f"{name} has no time limit"
    if soft:
        assert soft <= hard, f"{name}: soft limit {soft}s above hard limit {hard}s"


def test_serialisation_is_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert app.conf.accept_content == ["json"]


@pytest.mark.parametrize("key", sorted(BEAT_SCHEDULE))
def test_beat_entries_can_be_enqueued(key, monkeypatch):
    """What beat does at each tick: apply_async with the entry's options (the send itself is stubbed)."""
    task = app.tasks[BEAT_SCHEDULE[key]["task"]]
    sent = []
    monkeypatch.setattr(type(task), "apply_async", _checking_apply_async(sent), raising=True)
    task.apply_async((), {}, **BEAT_SCHEDULE[key].get("options", {}))
    assert sent


def _checking_apply_async(sent):
    def apply_async(self, args=None, kwargs=None, **options):
        hard = options.get("time_limit", self.time_limit or app.conf.task_time_limit)
        soft = options.get("soft_time_limit", self.soft_time_limit or app.conf.task_soft_time_limit)
        if soft and hard and soft > hard:
            raise ValueError("soft_time_limit must be less than or equal to time_limit")
        sent.append((self.name, args, kwargs))

    return apply_async
