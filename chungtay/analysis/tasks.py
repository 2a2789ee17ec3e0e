"""The national analysis' tasks for the job worker (django-tasks; docs/jobs.md): build a snapshot,
compute one national figure."""
from __future__ import annotations

import datetime as dt

from django_tasks import task

from chungtay.jobs import recovery


@task()
def build_snapshot(snapshot_id: int) -> str:
    from . import national, snapshot
    try:
        snap = snapshot.build(snapshot_id)
    except Exception as e:
        snapshot.failed(snapshot_id, f"{type(e).__name__}: {e}")
        raise
    if snap is None:
        return "missing"
    national.prepare_defaults(snap, dt.date.today().year)
    return "ready"


@recovery.on_interrupted(build_snapshot)
def build_interrupted(snapshot_id: int, *, attempts: int, gave_up: bool) -> str:
    from . import snapshot
    if gave_up:
        snapshot.failed(snapshot_id, f"the worker died {attempts} times while building it")
        return recovery.FAILED
    return recovery.RETRY


@task()
def compute_national_figure(figure_id: int) -> bool:
    from . import national
    return national.compute(figure_id)
