"""The interactive docs page: Swagger UI served from our own static files (no CDN) and started by
a script file, so the Content-Security-Policy (script-src 'self', no inline script) holds."""
from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase


class LocalSwagger(DocsBase):
    def render_page(self, request, api, **kwargs):
        return render(request, "api/docs.html", {
            "api": api, "openapi_url": self.get_openapi_url(api, kwargs), "keys_url": reverse("api_keys")})
