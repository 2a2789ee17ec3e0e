"""The worker's tasks for prepared files and the demo load (django-tasks; docs/jobs.md), with what
each says when its worker died (:mod:`chungtay.jobs.recovery`) and its housekeeping."""
from __future__ import annotations

from django_tasks import task

from . import recovery


@task(takes_context=True)
def build_prepared_file(context, file_id: int) -> str:
    from . import files
    f = files.run_file(file_id, attempt=context.attempt)
    return f.status if f else "missing"


@recovery.on_interrupted(build_prepared_file)
def file_interrupted(file_id: int, *, attempts: int, gave_up: bool) -> str:
    from . import files
    return files.interrupted(file_id, attempts=attempts, gave_up=gave_up)


@task(takes_context=True)
def load_demo(context, load_id: int) -> str:
    from . import demo
    job = demo.run_load(load_id, attempt=context.attempt)
    return job.status if job else "missing"


@recovery.on_interrupted(load_demo)
def demo_interrupted(load_id: int, *, attempts: int, gave_up: bool) -> str:
    from . import demo
    return demo.interrupted(load_id, attempts=attempts, gave_up=gave_up)


def cleanup() -> dict:
    from chungtay.api.base import forget_old_writes

    from . import files
    return {**files.cleanup(), "idempotent_writes": forget_old_writes()}
