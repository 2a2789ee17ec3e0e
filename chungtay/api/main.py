"""The API object: /api/v1/ with its OpenAPI schema (/api/v1/openapi.json) and docs (/api/v1/docs).

Each resource lives in its own module with a ``router`` (units.py, households.py, …), added
here; docs/api.md says how to add one."""
from __future__ import annotations

from . import (assessments, emulation, errors, figures, fund, fund_writes, groups, households, imports, plans, radar,
               revolving, rounds, standards, support_people, supports, units)
from .base import Api, Session, TokenAuth, TokenRate
from .docs import LocalSwagger

DESCRIPTION = """Chung Tay REST API v1 — hộ nghèo, hộ cận nghèo theo chuẩn nghèo đa chiều.

**Authentication.** `Authorization: Bearer ct_…` with a key created on the page *Khóa API* (or
`chungtay tokens create`), read or read-write, with an expiry; or the signed-in browser's session
(writes then need the `X-CSRFToken` header). Every answer is limited to your area and role, as
on the web pages: an object outside your area answers 404.

**Conventions** (docs/api.md): lists are `{"items": [...], "next_cursor": …, "limit": n}` ordered
by id — pass `cursor=<next_cursor>` for the next page; errors have one shape
`{"error", "code", "status", "message": {"vi", "en"}, "field", "fields"}`; answers carry an
`ETag` (send `If-None-Match` to get 304); writes accept an `Idempotency-Key`; each key may send
600 requests a minute, 60 of them writes (429 with `Retry-After`).
"""

api = Api(title="Chung Tay API", version="1.0.0", description=DESCRIPTION, urls_namespace="api",
          auth=[TokenAuth(), Session(csrf=True)], throttle=[TokenRate()], docs=LocalSwagger())
errors.install(api)

for module in (units, households, assessments, figures, standards, rounds, plans, imports, supports, support_people,
               revolving, groups, radar, fund, emulation):
    api.add_router("/", module.router)
assert fund_writes.router is fund.router      # the fund's writes are routes of the fund router
