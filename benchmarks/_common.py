"""Shared helpers for the benchmark scripts (not a test suite: they print figures).

Every script is run as ``python benchmarks/NAME.py [--rows N]``; Python puts this folder
first on ``sys.path``, so ``import _common`` works from any working directory.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
SEED = 20261126
STANDARD = "2021-2025"
URBAN_SHARE = 0.38            # share of urban households (GSO 2024: ~38 % urban population)


def single_thread_env() -> None:
    """Pin BLAS/OpenMP pools to one thread; must run before numpy is imported."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
        os.environ[var] = "1"


def out_dir(*parts: str) -> Path:
    p = OUT.joinpath(*parts)
    p.mkdir(parents=True, exist_ok=True)
    return p


def maxrss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


# ``python -c CLI_WITH_PEAK ARGS`` runs ``chungtay ARGS`` and prints its peak RSS (VmHWM, KiB) on
# standard error at exit. (``ru_maxrss`` of a child is no use: Linux carries the parent's
# high-water mark across fork/exec, so it reports at least the benchmark's own memory.)
CLI_WITH_PEAK = """
import atexit, runpy, sys
def _peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            print('VmHWM', int(line.split()[1]), file=sys.stderr)
atexit.register(_peak)
sys.argv = ['chungtay'] + sys.argv[1:]
runpy.run_module('chungtay', run_name='__main__', alter_sys=True)
"""


def peak_mib(stderr: str) -> float:
    """The peak printed by CLI_WITH_PEAK (or a script doing the same) in a child's standard error."""
    return int(stderr.split("VmHWM")[-1].split()[0]) / 1024 if "VmHWM" in stderr else float("nan")


def best_of(fn, repeat: int = 3):
    """(best seconds, all seconds, last result)."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), times, result


def runs(fn, repeat: int = 3) -> dict:
    """Best-of-``repeat`` wall time plus the CPU seconds of this process (all its threads).

    CPU seconds hardly move when other processes compete for the cores, so they are the
    figure to compare when ``other_processes_cores`` in the summary is not ~0.
    """
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return {"best": min(walls), "runs": [round(w, 3) for w in walls], "cpu": min(cpus), "result": result}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return float("nan")


def machine() -> dict:
    import numpy
    info = {"nproc": os.cpu_count(), "cpu": cpu_model(), "ram_gib": ram_gib(),
            "python": platform.python_version(), "numpy": numpy.__version__}
    for mod in ("pyarrow", "duckdb"):
        try:
            info[mod] = __import__(mod).__version__
        except ImportError:
            pass
    return info


def _cpu_now() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, CPU seconds of this process and its children)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    busy = (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")   # minus idle, iowait
    t = os.times()
    return busy, t.user + t.system + t.children_user + t.children_system


class Contention:
    """How many cores *other* processes kept busy while a benchmark ran (0 = quiet machine).

    On a 2-core machine a concurrent test run can halve every figure; the summary records
    this so that a noisy run is recognisable in the table.
    """

    def __init__(self):
        self.t0, (self.busy0, self.own0) = time.perf_counter(), _cpu_now()

    def other_cores(self) -> float:
        wall = time.perf_counter() - self.t0
        busy, own = _cpu_now()
        return round(max(0.0, (busy - self.busy0) - (own - self.own0)) / wall, 2) if wall > 0 else 0.0


def wait_quiet(max_wait: float = 0, threshold: float = 0.15, window: float = 5.0) -> float:
    """Wait (up to ``max_wait`` s) until other processes use < ``threshold`` cores; return that load."""
    deadline = time.monotonic() + max_wait
    while True:
        c = Contention()
        time.sleep(window)
        load = c.other_cores()
        if load < threshold or time.monotonic() >= deadline:
            if load >= threshold:
                print(f"warning: other processes keep {load:.2f} cores busy; figures will be low",
                      file=sys.stderr)
            return load
        print(f"machine busy ({load:.2f} cores used by other processes), waiting…", file=sys.stderr)


def add_common_args(ap) -> None:
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                    help="wait up to S seconds for other processes to go idle before starting")


def summary(name: str, contention: Contention | None = None, **figures) -> None:
    """The last line of every script: one JSON object for the README table."""
    if contention is not None:
        figures["other_processes_cores"] = contention.other_cores()
    figures["date"] = time.strftime("%Y-%m-%d")
    print(json.dumps({"bench": name, **figures, "machine": machine()}, ensure_ascii=False,
                     default=lambda o: o.item() if hasattr(o, "item") else str(o)))
    sys.stdout.flush()


def households(rng, n: int, urban=None, em=None):
    """Synthetic households: (urban bool, income float64 VND/person/month, bits (n, 12) uint8).

    Incomes are log-normal, clipped to 300,000–5,000,000, lower for ethnic-minority (``em``)
    and rural households; each of the 12 deprivations is more likely the lower the income,
    so the category mix is plausible: roughly 5 % poor, 5 % near-poor, 18 % average.
    """
    import numpy as np
    if urban is None:
        urban = rng.random(n) < URBAN_SHARE
    median = np.where(urban, 4_200_000.0, 3_200_000.0)
    if em is not None:
        median = median * np.where(em, 0.6, 1.0)
    z = rng.standard_normal(n)
    income = np.clip(np.round(median * np.exp(0.6 * z), -3), 300_000, 5_000_000)
    # base rate of each deprivation (legal order of the 12 indicators of 2021–2025)
    base = np.array([0.20, 0.10, 0.06, 0.08, 0.12, 0.04, 0.07, 0.06, 0.09, 0.15, 0.05, 0.10],
                    dtype=np.float32)
    logit0 = np.log(base / (1 - base))
    latent = (-z + 0.5 * rng.standard_normal(n)).astype(np.float32)
    p = 1 / (1 + np.exp(-(logit0[None, :] + 0.6 * latent[:, None])))
    bits = (rng.random((n, 12), dtype=np.float32) < p).view(np.uint8)
    return urban, income, bits
