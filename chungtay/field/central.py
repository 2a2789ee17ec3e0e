"""Read a round's submissions straight from an ODK Central server, through its OData feed.

Configured by the environment (docs/field.md): ``CHUNGTAY_ODK_CENTRAL_URL`` (the server, e.g.
``https://central.example.org``), ``CHUNGTAY_ODK_CENTRAL_PROJECT`` (the project's numeric ID),
``CHUNGTAY_ODK_CENTRAL_EMAIL`` and ``CHUNGTAY_ODK_CENTRAL_PASSWORD`` (a Web User allowed to read
the form: Project Viewer), optionally ``CHUNGTAY_ODK_CENTRAL_FORM`` (the xmlFormId; by default
the round's own form ID, e.g. ``chungtay_23293_2026``).

The protocol is the one Central documents (docs.getodk.org/central-api): ``POST /v1/sessions``
with the e-mail and password gives a bearer token; ``GET /v1/projects/{id}/forms/{xmlFormId}.svc/
Submissions?$top=N`` gives a page of submissions (``value``: ``__id``, ``__system``, then the
form's groups as nested objects) and, while more remain, ``@odata.nextLink`` with a
``$skiptoken``, followed as given; ``DELETE /v1/sessions/{token}`` ends the session. The
password and the token are never logged nor shown; a next link that points to another server is
refused, so the token is only ever sent to the configured one.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from chungtay.accounts.roles import require

from .models import FieldSubmission
from .submissions import Result, Table, import_table
from .xlsform import form_id

log = logging.getLogger(__name__)
PAGE_SIZE = 250
MAX_PAGES = 400                 # 100,000 submissions: far above one commune's round
TIMEOUT = 30.0
SOURCE = "ODK Central"


class CentralError(Exception):
    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(en)


@dataclass(frozen=True)
class Config:
    url: str
    project: str
    email: str
    password: str
    form: str = ""

    def __repr__(self) -> str:          # never the password
        return f"Config(url={self.url!r}, project={self.project!r}, form={self.form!r})"

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


def config() -> Config | None:
    """The configured server, or None when the four required settings are not all set."""
    env = {k: os.environ.get(f"CHUNGTAY_ODK_CENTRAL_{k}", "").strip()
           for k in ("URL", "PROJECT", "EMAIL", "PASSWORD", "FORM")}
    if not all(env[k] for k in ("URL", "PROJECT", "EMAIL", "PASSWORD")):
        return None
    return Config(env["URL"].rstrip("/"), env["PROJECT"], env["EMAIL"], env["PASSWORD"], env["FORM"])


def _check_config(cfg: Config) -> None:
    parts = urlsplit(cfg.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CentralError(f"Địa chỉ máy chủ ODK Central không hợp lệ: {cfg.url!r} (cần dạng https://…)",
                           f"Invalid ODK Central address {cfg.url!r} (expected https://…)")
    if not cfg.project.isdigit():
        raise CentralError(f"Mã dự án ODK Central phải là số (CHUNGTAY_ODK_CENTRAL_PROJECT={cfg.project!r})",
                           f"The ODK Central project ID must be a number ({cfg.project!r})")


def _same_server(cfg: Config, link: str) -> bool:
    a, b = urlsplit(cfg.url), urlsplit(link)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _answer(r, what_vi: str, what_en: str):
    if r.status_code == 200:
        try:
            return r.json()
        except ValueError:
            raise CentralError(f"ODK Central trả lời không phải JSON khi {what_vi}",
                               f"ODK Central answered something else than JSON when {what_en}") from None
    code = r.status_code
    if code == 401:
        raise CentralError("ODK Central từ chối đăng nhập: kiểm tra email và mật khẩu "
                           "(CHUNGTAY_ODK_CENTRAL_EMAIL, CHUNGTAY_ODK_CENTRAL_PASSWORD)",
                           "ODK Central refused the login: check the e-mail and password")
    if code == 403:
        raise CentralError("Tài khoản ODK Central không có quyền đọc biểu mẫu này (cần vai trò Project Viewer trở lên)",
                           "The ODK Central account may not read this form (Project Viewer or more is needed)")
    if code == 404:
        raise CentralError(f"Không tìm thấy trên ODK Central khi {what_vi}: kiểm tra mã dự án, mã biểu mẫu "
                           "(form_id) và biểu mẫu đã được công bố (publish)",
                           f"Not found on ODK Central when {what_en}: check the project, the form ID and that the "
                           "form is published")
    raise CentralError(f"ODK Central trả lời lỗi {code} khi {what_vi}", f"ODK Central answered {code} when {what_en}")


def fetch(cfg: Config, xml_form_id: str, *, page_size: int | None = None, transport=None) -> list[dict]:
    """Every submission of the form (newest first, as Central sends them)."""
    import httpx
    _check_config(cfg)
    _quiet_tokens()
    page_size = page_size or PAGE_SIZE
    base = cfg.url
    out: list[dict] = []
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False, transport=transport) as c:
            session = _answer(c.post(f"{base}/v1/sessions", json={"email": cfg.email, "password": cfg.password}),
                              "đăng nhập", "logging in")
            token = session.get("token") if isinstance(session, dict) else None
            if not token:
                raise CentralError("ODK Central không trả về phiên đăng nhập", "ODK Central returned no session token")
            auth = {"Authorization": f"Bearer {token}"}
            try:
                url = f"{base}/v1/projects/{cfg.project}/forms/{quote(xml_form_id, safe='')}.svc/Submissions"
                params: dict | None = {"$top": str(page_size)}
                for _ in range(MAX_PAGES):
                    data = _answer(c.get(url, params=params, headers=auth), "đọc các phiếu", "reading submissions")
                    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
                        raise CentralError("Câu trả lời của ODK Central thiếu danh sách phiếu (value)",
                                           "ODK Central's answer has no list of submissions (value)")
                    out += [v for v in data["value"] if isinstance(v, dict)]
                    nxt = data.get("@odata.nextLink")
                    if not nxt:
                        break
                    if not isinstance(nxt, str) or not _same_server(cfg, nxt):
                        raise CentralError("ODK Central trả về trang tiếp theo ở một máy chủ khác: dừng lại",
                                           "ODK Central's next page points to another server: stopped")
                    url, params = nxt, None
                else:
                    raise CentralError(f"Quá {MAX_PAGES} trang phiếu: dừng lại", f"More than {MAX_PAGES} pages: stopped")
            finally:
                try:
                    c.delete(f"{base}/v1/sessions/{quote(token, safe='')}", headers=auth)
                except httpx.HTTPError:
                    pass
    except httpx.TimeoutException:
        raise CentralError(f"ODK Central ({cfg.host}) không trả lời trong {TIMEOUT:g} giây",
                           f"ODK Central ({cfg.host}) did not answer within {TIMEOUT:g} s") from None
    except httpx.HTTPError as e:
        raise CentralError(f"Không kết nối được máy chủ ODK Central ({cfg.host}): {type(e).__name__}",
                           f"Cannot reach ODK Central ({cfg.host}): {type(e).__name__}") from None
    log.info("ODK Central %s project %s form %s: %d submissions read", cfg.host, cfg.project, xml_form_id, len(out))
    return out


class _HideSessionTokens(logging.Filter):
    """httpx logs every request's URL (INFO "HTTP Request: DELETE …/v1/sessions/<token>"): the
    session token in the log-out URL is replaced by dots before any handler sees it."""
    PATTERN = re.compile(r"(/v1/sessions/)[^\s/?\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(self.PATTERN.sub(r"\1•••", a) if isinstance(a, str) else
                                self.PATTERN.sub(r"\1•••", str(a)) if "/v1/sessions/" in str(a) else a
                                for a in record.args)
        if isinstance(record.msg, str) and "/v1/sessions/" in record.msg:
            record.msg = self.PATTERN.sub(r"\1•••", record.msg)
        return True


def _quiet_tokens() -> None:
    for name in ("httpx", "httpcore"):
        lg = logging.getLogger(name)
        if not any(isinstance(f, _HideSessionTokens) for f in lg.filters):
            lg.addFilter(_HideSessionTokens())


def _flat(obj: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in obj.items():
        if "@odata" in k:
            continue
        key = f"{prefix}/{k}" if prefix else k
        if isinstance(v, dict):
            out.update(_flat(v, key))
        elif not isinstance(v, list):
            out[key] = v
    return out


def to_table(values: list[dict]) -> Table:
    """The OData entries as one table: a column per path (``ho/ma_ho``, ``__system/reviewState``),
    a row per submission, numbered by its position in the feed."""
    flat = [_flat(v) for v in values]
    headers: dict[str, None] = {}
    for f in flat:
        headers.update(dict.fromkeys(f))
    cols = list(headers)
    return Table(SOURCE, cols, [(i, [f.get(c) for c in cols]) for i, f in enumerate(flat, 1)])


def sync(actor, rnd, *, form: str | None = None, cfg: Config | None = None, transport=None) -> Result:
    """Read the round's form from the configured server and import it (all or nothing)."""
    require(actor, "round_survey", rnd.commune)
    cfg = cfg or config()
    if cfg is None:
        raise CentralError("Chưa cấu hình máy chủ ODK Central (CHUNGTAY_ODK_CENTRAL_URL, _PROJECT, _EMAIL, _PASSWORD)",
                           "No ODK Central server is configured (CHUNGTAY_ODK_CENTRAL_URL, _PROJECT, _EMAIL, _PASSWORD)")
    values = fetch(cfg, form or cfg.form or form_id(rnd), transport=transport)
    return import_table(actor, rnd, to_table(values), source=FieldSubmission.CENTRAL)
