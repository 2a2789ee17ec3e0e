"""Publishing the movement's review report (docs/emulation.md, "Review report").

The publication is recorded as an ``AuditEvent`` (action ``emulation.report_publish``, the
movement as its object, the unit as its unit, ``changes``: ``report_unit``, the period, the version, the date and the
fingerprint of the figures): no model and no migration of its own. The report is then printed
without the DỰ THẢO mark as long as its figures keep that fingerprint; when they change (a
review corrected, an activity added) it is a draft of the next version until published again.

Who publishes: ``scoring_publish`` on the report's unit (the commune chairman, who chairs the
commune's emulation council, for a commune; the province officer for the province), the role
that publishes the scores.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chungtay.accounts.roles import require
from chungtay.households.actions import audit
from chungtay.i18n import tr
from chungtay.units.models import Unit

from .models import Movement
from .report import PUBLISH_ACTION, Report, latest_publication, publications, review_report


def check_publish(actor, m: Movement, unit: Unit) -> None:
    require(actor, "scoring_publish", unit)


@transaction.atomic
def publish_report(actor, m: Movement, unit: Unit, first: int, last: int, *, today: dt.date | None = None) -> Report:
    """Publish the report of ``unit`` for ``first … last`` as it reads now; returns it, published.
    Refused when the same figures are published already (nothing new to publish)."""
    check_publish(actor, m, unit)
    Movement.objects.select_for_update().filter(pk=m.pk).first()     # one publisher at a time
    r = review_report(actor, m, unit, first, last)
    if not r.draft:
        raise ValidationError(tr(f"Bản số {r.published.version} với đúng các số liệu này đã được công bố",
                                 f"Version {r.published.version} with these very figures is published already"))
    version = publications(m, unit, first, last).count() + 1
    on = today or timezone.localdate()
    audit(actor, PUBLISH_ACTION, m, unit, report_unit=unit.pk, first=first, last=last, version=version,
          fingerprint=r.fingerprint, published_on=on.isoformat(), published_on_vi=on.strftime("%d/%m/%Y"),
          kind=r.kind)
    r.published = latest_publication(m, unit, first, last)      # this one: the figures are those just read
    return r


__all__ = ["check_publish", "publish_report", "PermissionDenied"]
