"""`chungtay measures support-effect` recovers the generator's known effect of support.

The generator (``chungtay.synth``) gives support after a pledge on observable grounds only (the
district, the last review's deprivation count) and chance, adds ``SUPPORT_BOOST`` to the supported
households' welfare and, because it is a simulation, classifies each supported household a second
time without that year's support: ``Population.support_truth`` is the true effect on escaping
poverty in rate units (the share of supported households that escaped because of the support).
The command, run on a Parquet file of the poor households of each year, matched on year, commune
and deprivation count, must land within its sampling error of that truth, while the naive
comparison (all supported against all not supported) does not.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from chungtay import synth

HOUSEHOLDS = 60_000


@pytest.fixture(scope="module")
def population():
    return synth.generate(households=HOUSEHOLDS, years=range(2016, 2026), seed=7)


def poor_rows(pop) -> pa.Table:
    """One row per household poor in a review and reviewed again the next year."""
    a = pop.assessments
    vil = dict(zip(pop.villages.column("village_code").to_pylist(), pop.villages.column("commune_code").to_pylist()))
    hh_vil = dict(zip(pop.households.column("household_code").to_pylist(),
                      pop.households.column("village_code").to_pylist()))
    code = a.column("household_code").to_numpy(zero_copy_only=False)
    year = a.column("year").to_numpy()
    cat = a.column("category").to_numpy(zero_copy_only=False)
    count = a.column("deprivation_count").to_numpy()
    supported = a.column("supported").to_numpy(zero_copy_only=False)
    last = {(c, y): i for i, (c, y) in enumerate(zip(code, year))}
    rows = {"year": [], "commune": [], "deprivations": [], "supported": [], "escaped": []}
    for i in range(len(code)):
        j = last.get((code[i], year[i] - 1))
        if j is None or cat[j] != "poor":
            continue
        rows["year"].append(int(year[i]))
        rows["commune"].append(vil[hh_vil[code[i]]])
        rows["deprivations"].append(int(count[j]))
        rows["supported"].append(int(supported[i]))
        rows["escaped"].append(int(cat[i] != "poor"))
    return pa.table(rows)


def test_the_generator_states_its_truth(population):
    truth = population.support_truth
    assert sorted(truth) == list(range(2017, 2026))
    assert all(t["treated"] > 100 and 0 <= t["att"] < 1 for t in truth.values())
    # supported households are pledged ones, and one pledge in about six gets nothing
    a = population.assessments
    pledged, supported = pc.sum(a.column("pledged_escape")).as_py(), pc.sum(a.column("supported")).as_py()
    assert pc.sum(pc.and_(a.column("supported"), pc.invert(a.column("pledged_escape")))).as_py() == 0
    assert 0.78 < supported / pledged < 0.88


def test_the_command_recovers_the_known_effect(population, tmp_path):
    table = poor_rows(population)
    path = tmp_path / "poor.parquet"
    pq.write_table(table, path)
    out = subprocess.run([sys.executable, "-m", "chungtay", "measures", "support-effect", str(path),
                          "--treated", "supported", "--outcome", "escaped", "--strata", "year,commune,deprivations",
                          "--format", "json"], capture_output=True, text=True, check=True)
    res = json.loads(out.stdout)
    truth = population.support_truth
    assert res["n_treated"] == sum(t["treated"] for t in truth.values())   # the same supported households
    true_att = sum(t["treated"] * t["att"] for t in truth.values()) / res["n_treated"]
    # sampling error of the matched estimate: treated-weighted strata variances
    var, n = 0.0, 0
    for s in res["strata"]:
        if s["n_treated"] and s["n_control"]:
            pt, pc_ = s["treated_rate"], s["control_rate"]
            var += s["n_treated"] ** 2 * (pt * (1 - pt) / s["n_treated"] + pc_ * (1 - pc_) / s["n_control"])
            n += s["n_treated"]
    se = math.sqrt(var) / n
    assert res["n_matched_treated"] > 0.9 * res["n_treated"]
    assert abs(res["att"] - true_att) < 3 * se, (res["att"], true_att, se)
    # the naive comparison is confounded (district, deprivations, year) and misses by more
    sup = np.array(table.column("supported").to_pylist())
    esc = np.array(table.column("escaped").to_pylist())
    naive = esc[sup == 1].mean() - esc[sup == 0].mean()
    assert abs(naive - true_att) > 3 * se, (naive, true_att, se)
