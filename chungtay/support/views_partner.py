"""A partner's page: who it is and its donations to the Fund for the Poor (issue 11 §5).

A partner (``support.Partner``) gives through a fund's donor linked to it (``fund.Donor.partner``,
set when the donor is registered). The page shows the donations of those donors in the funds the
user reads (``Donation.objects.for_user``), reversed ones marked; a partner outside the user's
area is 404."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import render

from .models import Partner


@login_required
def partner_detail(request, pk):
    from chungtay.fund.models import Donation
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    partner = Partner.objects.for_user(request.user).select_related("unit").filter(pk=pk).first() if 0 < pk < 2 ** 63 else None
    if partner is None:
        raise Http404("Không tìm thấy tổ chức")
    qs = (Donation.objects.for_user(request.user).filter(donor__partner=partner)
          .select_related("fund", "campaign", "donor", "txn__reversal").order_by("-date", "-id"))
    alive = qs.filter(txn__reversal__isnull=True)
    total = alive.aggregate(t=Sum("value_vnd"))["t"] or 0
    return render(request, "support/partner.html", {"partner": partner, "donations": list(qs[:500]),
                                                    "count": alive.count(), "total": total})
