"""Run a test module's engine tests on both forms of the vectorised engine (numpy and the
compiled kernel): ``from tests.kernels import both_kernels  # noqa: F401``."""
import pytest


@pytest.fixture(autouse=True, params=["numpy", "compiled"])
def both_kernels(request, monkeypatch):
    monkeypatch.setenv("CHUNGTAY_VECTOR_KERNEL", request.param)
    return request.param
