"""The "Khóa API" page: a user creates and revokes their own API keys (the secret is shown once)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from chungtay.i18n import tr

from . import tokens
from .models import ApiToken


class KeyForm(forms.Form):
    name = forms.CharField(max_length=80, label=tr("Tên khóa (dùng cho việc gì)", "Key name (what it is for)"))
    scope = forms.ChoiceField(choices=[(ApiToken.READ, tr("Chỉ đọc", "Read only")),
                                       (ApiToken.WRITE, tr("Đọc và ghi", "Read and write"))],
                              initial=ApiToken.READ, label=tr("Quyền", "Scope"))
    days = forms.IntegerField(min_value=1, max_value=tokens.MAX_DAYS, initial=tokens.DEFAULT_DAYS,
                              label=tr("Hiệu lực (ngày)", "Valid for (days)"))


@login_required
def keys_page(request):
    user = request.user
    form = KeyForm(request.POST if request.POST.get("action") == "create" else None)
    secret = created = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            pk = int(request.POST.get("token", ""))
        except ValueError:
            pk = 0
        t = get_object_or_404(ApiToken.objects.filter(user=user), pk=pk)
        tokens.revoke_token(user, t)
        messages.success(request, tr(f"Đã thu hồi khóa “{t.name}”", f"Key “{t.name}” revoked"))
        return redirect("api_keys")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            created, secret = tokens.create_token(user, name=d["name"], scope=d["scope"], days=d["days"])
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for field, errs in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, e.messages)
        else:
            form = KeyForm()
    rows = list(ApiToken.objects.filter(user=user))
    resp = render(request, "api/keys.html", {"form": form, "keys": rows, "secret": secret, "created": created})
    if secret:
        resp["Cache-Control"] = "no-store"        # the secret must not stay in a cache
    return resp
