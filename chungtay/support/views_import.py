"""Import of supports from Excel/CSV (all or nothing) and the template download."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from chungtay.accounts.roles import require
from chungtay.i18n import tr
from chungtay.web.uploads import upload_name, upload_on_disk

from . import importer

SHOWN = 500      # problems listed on the page (the count says how many there are)


class UploadForm(forms.Form):
    file = forms.FileField(label=tr("Tệp Excel (.xlsx) hoặc CSV theo mẫu", "Excel (.xlsx) or CSV file in the template's layout"))


@login_required
def upload(request):
    require(request.user, "support_import")
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    name = ""
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        name = upload_name(f)
        with upload_on_disk(form, f, "ct-support-") as path:
            if path is not None:
                result = importer.check_and_import(request.user, path, name)
        if result is not None:
            if not result.problems:
                messages.success(request, tr(f"Đã nhập {result.written} hỗ trợ từ tệp {name}",
                                             f"{result.written} supports imported from {name}"))
                return redirect("support:ledger")
    return render(request, "support/import.html", {
        "form": form, "result": result, "name": name, "shown": result.problems[:SHOWN] if result else [],
        "columns": importer.COLUMNS})


@login_required
def template_xlsx(request):
    require(request.user, "support_import")
    resp = HttpResponse(importer.template(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="chungtay-mau-nhap-ho-tro.xlsx"'
    return resp
