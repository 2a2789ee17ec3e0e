"""Import of supports from Excel/CSV (all or nothing) and the template download."""
from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from chungtay.accounts.roles import require
from chungtay.core import limits
from chungtay.i18n import tr

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
        name = Path(f.name or "tep").name[:120]
        if f.size > limits.MAX_FILE_BYTES:
            form.add_error("file", tr(f"Tệp lớn hơn {limits.MAX_FILE_BYTES // 2**20} MB",
                                      f"The file is over {limits.MAX_FILE_BYTES // 2**20} MB"))
        else:
            with tempfile.TemporaryDirectory(prefix="ct-support-") as d:
                path = Path(d) / ("upload" + Path(name).suffix.lower())
                with open(path, "wb") as out:
                    for chunk in f.chunks():
                        out.write(chunk)
                result = importer.check_and_import(request.user, path, name)
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
