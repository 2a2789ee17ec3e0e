"""Bulk steps (an import, a workbook read, the demo load) run with Python's cycle collector paused,
and always give it back as they found it — after a failure too."""
import gc

import pytest

from chungtay.bulk import collector_paused
from chungtay.imports.reader import ReadError, read_xlsx
from tests.test_import_support import HH_HEAD, write_xlsx


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_it_pauses_and_gives_the_collector_back():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_gives_it_back_after_a_failure():
    with pytest.raises(ZeroDivisionError):
        with collector_paused():
            1 / 0
    assert gc.isenabled()


def test_nested_uses_keep_the_outer_state():
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()           # it was off before: it stays off


def _watch(monkeypatch, module, name: str) -> list[bool]:
    """Whether the collector was on at each call of ``module.name``."""
    seen, real = [], getattr(module, name)

    def spy(*a, **k):
        seen.append(gc.isenabled())
        return real(*a, **k)
    monkeypatch.setattr(module, name, spy)
    return seen


def test_a_workbook_read_runs_paused_and_gives_it_back(tmp_path, monkeypatch):
    from chungtay.imports import reader
    seen = _watch(monkeypatch, reader, "_table")
    read_xlsx(write_xlsx(tmp_path / "ok.xlsx", {"Ho": [HH_HEAD, ["000001", "Thôn 1", "Số 1", "Nông thôn"]]}))
    assert seen == [False] and gc.isenabled()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(ReadError):
        read_xlsx(bad)
    assert gc.isenabled()


def test_an_import_runs_paused_and_gives_it_back(commune_officer, my_commune, tmp_path, monkeypatch):
    from chungtay.imports import actions
    from tests.test_import_support import run
    seen = _watch(monkeypatch, actions, "_run")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    out = run(commune_officer, my_commune, bad)
    assert not out.ok and seen == [False] and gc.isenabled()
