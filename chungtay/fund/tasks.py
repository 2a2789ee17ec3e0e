"""The worker's task for the public page's large statements (chungtay.fund.statements)."""
from __future__ import annotations

from django_tasks import task


@task()
def build_public_statement(period_id: int, ext: str) -> str:
    from .statements import build_public
    return build_public(period_id, ext)
