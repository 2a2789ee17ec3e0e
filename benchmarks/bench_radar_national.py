"""The radar and the outcome figures at national scale on the analytics engine (issue 10 §8).

    python benchmarks/bench_radar_national.py [--rows 27000000] [--threads 2] [--repeat 3] [--regenerate]

Goal: the radar and the outcomes for a province under 1 s, for the nation under 10 s
(27 M households, about 3 supports each), with DuckDB over the Parquet export.

Data (made once, reused while the parameters match) under ``benchmarks/out/radar_national/`` in the
layout and with the column names of ``chungtay export``: ``year=YYYY/province=PP/assessments.parquet``
for 2023, 2024 and 2025 (``--rows`` households × 3 years) and
``supports/year=YYYY/province=PP/supports.parquet`` (one support per household and year on average:
``--rows`` × 3 rows, half of them drawn among the poor and near-poor of the year before). Generated
with numpy province by province (real 3,321 communes, skewed sizes: ``bench_aggregate``'s helpers),
never with ``chungtay.synth``. Each household has a persistent welfare index (AR(1), ρ = 0.85) from
which income and the 12 deprivations of 2021–2025 follow (``_common.households``'s model); categories
by ``classify_arrays``. Differences from a real export: ``household_code`` is an integer (the export
has a text code), only the columns the engine reads are written, no funding list.

Then, with DuckDB limited to ``--threads``: ``chungtay.core.radar_sql.radar`` (the five rules'
household lists; rule 4 needs pledges, which the export does not hold, so it is not timed) and
``outcomes`` (2024–2025) for the largest province (its partitions only) and for the nation — cold
(our files dropped from the page cache, fresh connection) and warm (best of ``--repeat``).
"""
from __future__ import annotations

import argparse
import json
import os
import time

import _common

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from bench_aggregate import EM_SHARE, commune_sizes, communes  # noqa: E402
from chungtay.core import radar_sql as rs  # noqa: E402
from chungtay.core.standards import CATEGORIES, get_standard  # noqa: E402
from chungtay.core.vector import classify_arrays  # noqa: E402

PROVINCE_GOAL_S, NATION_GOAL_S = 1.0, 10.0
LAYOUT = 1
YEARS = (2023, 2024, 2025)
REFERENCE_YEAR = 2025
OUTCOME_PERIOD = (2024, 2025)
ROW_GROUP = 1 << 20
KINDS = ["cash", "livestock", "seed", "fertiliser", "tools", "barn", "house", "health_card", "scholarship",
         "training", "job", "loan"]
STATUSES = ["delivered", "planned", "cancelled"]
PARTS = ["GNBV2125.DA1.TDA1", "GNBV2125.DA3.TDA1", "GNBV2125.DA5", "NTM2125.ND2", "DTTS2130.DA1"]
BASE = np.array([0.20, 0.10, 0.06, 0.08, 0.12, 0.04, 0.07, 0.06, 0.09, 0.15, 0.05, 0.10], np.float32)


def params(args) -> dict:
    return {"rows": args.rows, "seed": args.seed, "layout": LAYOUT, "years": list(YEARS), "row_group": ROW_GROUP}


def dictionary(idx, values) -> pa.DictionaryArray:
    dtype = np.int8 if len(values) <= 127 else np.int16
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(idx, dtype)), pa.array(values, pa.string()))


def constant(value: str, n: int) -> pa.DictionaryArray:
    return dictionary(np.zeros(n, np.int8), [value])


def year_rows(r, z, urban, em, std):
    """Income, deprivation bits and category for one year from the welfare index ``z``."""
    n = len(z)
    median = np.where(urban, 4_200_000.0, 3_200_000.0) * np.where(em, 0.6, 1.0)
    income = np.clip(np.round(median * np.exp(0.6 * z), -3), 300_000, 5_000_000).astype(np.int64)
    latent = (-z + 0.5 * r.standard_normal(n, dtype=np.float32)).astype(np.float32)
    logit0 = np.log(BASE / (1 - BASE))
    p = 1 / (1 + np.exp(-(logit0[None, :] + 0.6 * latent[:, None])))
    bits = r.random((n, 12), dtype=np.float32) < p
    dep = bits.sum(axis=1, dtype=np.int16)
    cat = classify_arrays(std, urban, income.astype(np.float64), None, dep)
    return income, bits, dep, cat


def write(table: pa.Table, path, delta=("household_code",)) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp, row_group_size=ROW_GROUP, compression="zstd",
                   use_dictionary=[c for c in table.column_names if c not in delta],
                   column_encoding={c: "DELTA_BINARY_PACKED" for c in delta})
    os.replace(tmp, path)
    return path.stat().st_size


def generate(args, root) -> dict:
    std = get_standard(_common.STANDARD)
    code, prov, urban_c = communes()
    rng = np.random.default_rng([args.seed, 0])
    sizes = commune_sizes(rng, args.rows, prov, urban_c)
    em_c = np.clip(rng.beta(2, 2, len(prov)) * 2 * np.array([EM_SHARE.get(p, 0.02) for p in prov]), 0, 1)
    for old in sorted(root.rglob("*.parquet")):
        old.unlink()
    counts = {y: np.zeros(len(CATEGORIES), np.int64) for y in YEARS}
    poorish = [CATEGORIES.index("poor"), CATEGORIES.index("near_poor")]
    provinces, nbytes, supports, t0, first_id = {}, 0, 0, time.perf_counter(), 1
    rho = 0.85
    for i, p in enumerate(sorted(set(prov.tolist()))):
        sel = np.flatnonzero(prov == p)
        r = np.random.default_rng([args.seed, 1, i])
        n = int(sizes[sel].sum())
        provinces[p] = n
        ids = np.arange(first_id, first_id + n, dtype=np.int64)
        first_id += n
        cidx = np.repeat(np.arange(len(sel)), sizes[sel])                 # commune index within the province
        cnames = [f"{c:05d}" for c in code[sel]]
        urban = np.repeat(urban_c[sel], sizes[sel])
        em = r.random(n) < np.repeat(em_c[sel], sizes[sel])
        area = dictionary(urban.astype(np.int8), ["rural", "urban"])
        z = r.standard_normal(n).astype(np.float32)
        prev_poorish = None
        for y in YEARS:
            if y != YEARS[0]:
                z = (rho * z + np.sqrt(1 - rho * rho) * r.standard_normal(n, dtype=np.float32)).astype(np.float32)
            income, bits, dep, cat = year_rows(r, z, urban, em, std)
            counts[y] += np.bincount(cat, minlength=len(CATEGORIES))
            cols = {"household_code": pa.array(ids), "year": pa.array(np.full(n, y, np.int16)),
                    "standard": constant(_common.STANDARD, n), "area": area, "basis": constant("income", n),
                    "income": pa.array(income), "category": dictionary(cat, list(CATEGORIES)),
                    "deprivation_count": pa.array(dep), "commune_code": dictionary(cidx, cnames),
                    "province_code": constant(p, n)}
            for k in range(12):
                cols[f"dep_{k + 1}"] = pa.array(np.ascontiguousarray(bits[:, k]))
            nbytes += write(pa.table(cols), root / f"year={y}" / f"province={p}" / "assessments.parquet")
            del cols, bits, income
            # supports of the year: n rows, half uniform, half among last year's poor and near-poor
            m = n
            pool = np.flatnonzero(prev_poorish) if prev_poorish is not None and prev_poorish.any() \
                else np.flatnonzero(np.isin(cat, poorish))
            if len(pool) == 0:
                pool = np.arange(n)
            who = np.concatenate([r.integers(0, n, m - m // 2), pool[r.integers(0, len(pool), m // 2)]])
            who.sort()
            status = np.searchsorted([0.9, 0.95], r.random(m))
            s = {"household_code": pa.array(ids[who]), "year": pa.array(np.full(m, y, np.int16)),
                 "kind": dictionary(r.integers(0, len(KINDS), m), KINDS),
                 "value_vnd": pa.array(r.integers(1, 60, m).astype(np.int64) * 500_000),
                 "status": dictionary(status, STATUSES),
                 "part_code": dictionary(r.integers(0, len(PARTS), m), PARTS),
                 "commune_code": dictionary(cidx[who], cnames),
                 "province_code": constant(p, m)}
            nbytes += write(pa.table(s), root / "supports" / f"year={y}" / f"province={p}" / "supports.parquet")
            supports += m
            prev_poorish = np.isin(cat, poorish)
            del s, who, cat
        print(f"  province {p}: {n:,} households ({time.perf_counter() - t0:.0f}s)", flush=True)
    meta = {**params(args), "generate_s": round(time.perf_counter() - t0, 1), "supports": supports,
            "category_counts": {str(y): dict(zip(CATEGORIES, c.tolist())) for y, c in counts.items()},
            "provinces": provinces, "bytes": nbytes}
    (root / "_params.json").write_text(json.dumps(meta, indent=1))
    return meta


def drop_page_cache(root) -> None:
    for f in root.rglob("*.parquet"):
        fd = os.open(f, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=27_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-limit", default="4GB")
    ap.add_argument("--seed", type=int, default=_common.SEED)
    ap.add_argument("--regenerate", action="store_true")
    _common.add_common_args(ap)
    args = ap.parse_args(argv)
    if args.wait_quiet:
        _common.wait_quiet(args.wait_quiet)
    contention = _common.Contention()
    root = _common.out_dir("radar_national")
    res = {"rows": args.rows, "years": list(YEARS), "threads": args.threads, "memory_limit": args.memory_limit}
    meta_path = root / "_params.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    fresh = args.regenerate or {k: meta.get(k) for k in params(args)} != params(args)
    if fresh:
        meta_path.unlink(missing_ok=True)
        meta = generate(args, root)
        res["generate_peak_rss_mib"] = round(_common.maxrss_mib())
        print(f"generated {args.rows:,} households × {len(YEARS)} years and {meta['supports']:,} supports in "
              f"{meta['generate_s']}s ({meta['bytes'] / 2**20:.0f} MiB Parquet, peak RSS {_common.maxrss_mib():.0f} MiB)")
    else:
        print(f"reusing {root} (generated in {meta['generate_s']}s)")
    province = max(meta["provinces"], key=meta["provinces"].get)
    res.update(generated_now=fresh, generate_s=meta["generate_s"], parquet_mib=round(meta["bytes"] / 2**20),
               assessment_rows=args.rows * len(YEARS), support_rows=meta["supports"],
               province=province, province_households=meta["provinces"][province],
               category_counts_latest=meta["category_counts"][str(YEARS[-1])])

    def connect():
        con = duckdb.connect()
        con.execute(f"SET threads = {args.threads}")
        con.execute(f"SET memory_limit = '{args.memory_limit}'")
        return con

    scopes = {"province": (rs.export_tables(root, province=province), ("province", province)),
              "nation": (rs.export_tables(root), None)}
    first, last = OUTCOME_PERIOD
    jobs = {"radar": lambda con, t, u: rs.radar(con, t, unit=u, year=REFERENCE_YEAR),
            "outcomes": lambda con, t, u: rs.outcomes(con, t, first, last, unit=u)}
    r3 = lambda x: round(x, 3)  # noqa: E731
    goals = {"province": PROVINCE_GOAL_S, "nation": NATION_GOAL_S}
    figures = {}
    for scope, (t, unit) in scopes.items():
        for job, fn in jobs.items():
            drop_page_cache(root)
            con = connect()
            c0, t0 = time.process_time(), time.perf_counter()
            out = fn(con, t, unit)
            cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
            warm = _common.runs(lambda: fn(con, t, unit), args.repeat)
            con.close()
            if job == "radar":
                fig = out.counts()
                assert fig == warm["result"].counts()
            else:
                fig = {k: getattr(out, k) for k in ("supported", "eligible", "decided", "pending", "escaped",
                                                     "stayed_1_n", "stayed_1", "stayed_2_n", "stayed_2",
                                                     "repoverty_n", "repoverty", "value_vnd", "cost_per_escape")}
                fig["escape_rate"] = round(out.escape_rate or 0, 4)
            figures[f"{scope}_{job}"] = fig
            met = cold < goals[scope] and warm["best"] < goals[scope]
            res.update({f"{scope}_{job}_cold_s": r3(cold), f"{scope}_{job}_cold_cpu_s": r3(cold_cpu),
                        f"{scope}_{job}_warm_s": r3(warm["best"]), f"{scope}_{job}_warm_runs_s": warm["runs"],
                        f"{scope}_{job}_warm_cpu_s": r3(warm["cpu"]), f"{scope}_{job}_goal_met": met})
            print(f"{scope:8} {job:8}: cold {cold:.3f}s ({cold_cpu:.2f} CPU s), warm best {warm['best']:.3f}s "
                  f"{warm['runs']} ({warm['cpu']:.2f} CPU s) — goal < {goals[scope]:.0f}s "
                  f"{'met' if met else 'MISSED'}; {fig}", flush=True)
    res.update(figures=figures, province_goal_s=PROVINCE_GOAL_S, nation_goal_s=NATION_GOAL_S,
               goals_met=all(v for k, v in res.items() if k.endswith("_goal_met")),
               maxrss_mib=round(_common.maxrss_mib()))
    _common.summary("radar_national", contention, **res)
    return res


if __name__ == "__main__":
    main()
