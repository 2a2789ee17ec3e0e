"""Deterministic synthetic population for demos, tests and load benchmarks.

``generate()`` builds four Arrow tables — villages, households, members and yearly
assessments — from a single integer seed: the same seed always gives identical tables.
Everything is fictitious; only the *shape* is calibrated on published figures for
Kon Tum (old province 62, now part of Quảng Ngãi, 51): about 129,000 households, a
poverty rate of 26.11% at the start of 2016 and 20.30% at the end of 2017, ethnic-minority
poverty 46.57% → 36.21%, a 3–4 point fall a year under the 2016–2020 standard, the jump
when the 2021–2025 standard (higher line, 12 indicators) is applied from the 2022 review,
and poor districts falling faster (6–8 points a year).

Model (all vectorised with numpy; Python loops only run over years, communes, villages
and name lists, never over households or people):

* every household has a latent welfare index: a fixed household effect, a village effect,
  group effects (ethnic-minority head, poor district, especially difficult village, urban)
  whose gaps narrow over 2016–2022 (faster for ethnic-minority households and in poor
  districts), a persistent AR(1) component ``z`` (ρ = 0.85), occasional shocks (illness,
  disaster) and the lasting effect of support received after a pledge to escape poverty;
* log income per person = ``m[year]`` + welfare index + a small income-only component;
* each deprivation indicator of the year's standard is ticked by a probit rule on the
  welfare index (poorer → more deprived), group terms, a yearly decline, a common level
  ``c[year]`` and a persistent household-and-indicator noise; once an improvement is made
  (latrine, water, housing, ...) it mostly lasts, so ticks are sticky from year to year;
* ``m[year]`` and ``c[year]`` are solved each year on a sample of households so that the
  province-wide poverty and near-poverty rates hit the profile's targets
  (``KON_TUM_TARGETS``, ``KON_TUM_NEAR_TARGETS``) whatever the population size; incomes
  never fall (``m`` rises at least 2% a year) and, within one standard, the deprivation
  level never rises by more than a little; ethnic-minority, Kinh, poor-district and urban
  rates, movements and incomes follow from the structure, not from targets;
* categories come from :func:`chungtay.core.vector.classify_arrays` on exactly the stored
  income and deprivation count, under :func:`standard_for_year`;
* about 1% of households end each year (moved away, merged, died out) and about 1.5%
  appear, 85% of them split from an existing household of the same village (same
  ethnicity and family name, welfare correlated with the parent's), the rest in-migrants.

``POOR_DISTRICTS`` (Đắk Glei, Kon Plông, Tu Mơ Rông, Ia H'Drai) is a synthetic demo tag used
by the generator and by :func:`summary`, not an official list of poor districts.

Members are a snapshot as of the household's last year in the generated range (its
``end_year`` or the last requested year); ages, schooling and work refer to that year.
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import synth_names as NM
from .core.standards import CATEGORIES, Standard, standard_for_year
from .core.vector import classify_arrays

__all__ = [
    "Population", "generate", "write", "summary", "format_summary", "SCHEMAS",
    "POOR_DISTRICTS", "KON_TUM_TARGETS", "KON_TUM_NEAR_TARGETS", "ETHNICITIES", "UNITS_DIR", "PROFILES",
]

UNITS_DIR = Path(__file__).resolve().parent / "data" / "units"

#: Poor districts (huyện nghèo) of the ``kon_tum`` profile: Đắk Glei, Kon Plông, Tu Mơ Rông
#: and Ia H'Drai. A **synthetic demo tag** chosen for the generator (they are the most remote,
#: most ethnic-minority districts); it is not an official list and must not be shown as one.
POOR_DISTRICTS = ("610", "613", "617", "618")

#: Province-wide poverty rate (%) the ``kon_tum`` profile is calibrated to, per review year.
#: 2016/2017 follow the published 26.11% (start of 2016) and 20.30% (end of 2017); later
#: years follow the 3–4 points a year target, the jump when the 2021–2025 standard starts
#: (review year 2022) and the 2026–2030 standard (2027); years after 2017 are illustrative.
KON_TUM_TARGETS = {
    2016: 25.6, 2017: 20.3, 2018: 16.9, 2019: 13.5, 2020: 10.2, 2021: 7.2,
    2022: 17.8, 2023: 14.6, 2024: 11.5, 2025: 8.6, 2026: 6.2,
    2027: 11.5, 2028: 9.0, 2029: 7.0, 2030: 5.2,
}

#: Near-poverty rate (%) targets of the ``kon_tum`` profile (illustrative, 8–12%).
KON_TUM_NEAR_TARGETS = {
    2016: 9.5, 2017: 9.8, 2018: 9.8, 2019: 9.3, 2020: 8.7, 2021: 8.0,
    2022: 10.5, 2023: 10.2, 2024: 9.8, 2025: 9.3, 2026: 8.8,
    2027: 10.5, 2028: 10.0, 2029: 9.5, 2030: 9.0,
}

ETHNICITIES = ("Kinh", "Xơ Đăng", "Ba Na", "Gia Rai", "Giẻ Triêng", "Brâu", "Rơ Măm",
               "Mường", "Thái", "Tày", "Nùng")
(E_KINH, E_XODANG, E_BANA, E_GIARAI, E_GIETRIENG, E_BRAU, E_ROMAM,
 E_MUONG, E_THAI, E_TAY, E_NUNG) = range(len(ETHNICITIES))
HIGHLAND = (E_XODANG, E_BANA, E_GIETRIENG, E_BRAU, E_ROMAM)          # "A x" / "Y x" names
NORTHERN = (E_MUONG, E_THAI, E_TAY, E_NUNG)

RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "other")
R_HEAD, R_SPOUSE, R_CHILD, R_PARENT, R_GRANDCHILD, R_OTHER = range(6)
SCHOOLING = ("none", "primary", "lower_secondary", "upper_secondary", "higher", "in_school")
WORK = ("farming", "wage", "self_employed", "unemployed", "student", "retired", "none")
END_REASONS = (None, "moved_away", "merged", "died_out")
SEXES = ("M", "F")

SCHEMAS = {
    "villages": pa.schema([
        ("village_code", pa.string()), ("name", pa.string()),
        ("legacy_commune_code", pa.string()), ("district_code", pa.string()),
        ("legacy_province_code", pa.string()), ("commune_code", pa.string()),
        ("province_code", pa.string()), ("is_urban", pa.bool_()),
        ("especially_difficult", pa.bool_()),
    ]),
    "households": pa.schema([
        ("household_code", pa.string()), ("village_code", pa.string()),
        ("address", pa.string()), ("is_urban", pa.bool_()),
        ("start_year", pa.int32()), ("end_year", pa.int32()),
        ("end_reason", pa.string()), ("split_from", pa.string()),
    ]),
    "members": pa.schema([
        ("household_code", pa.string()), ("member_no", pa.int16()),
        ("full_name", pa.string()), ("sex", pa.string()), ("birth_year", pa.int32()),
        ("ethnicity", pa.string()), ("relation", pa.string()), ("citizen_id", pa.string()),
        ("health_insurance", pa.bool_()), ("schooling", pa.string()),
        ("disability", pa.bool_()), ("work", pa.string()),
    ]),
    "assessments": pa.schema([
        ("household_code", pa.string()), ("year", pa.int32()), ("standard", pa.string()),
        ("area", pa.string()), ("income", pa.int64()), ("deprivation_mask", pa.int32()),
        ("deprivation_count", pa.int16()), ("category", pa.string()),
        ("ethnic_minority", pa.bool_()), ("pledged_escape", pa.bool_()), ("supported", pa.bool_()),
    ]),
}
TABLES = tuple(SCHEMAS)


@dataclass
class Population:
    villages: pa.Table
    households: pa.Table
    members: pa.Table
    assessments: pa.Table
    # the known truth of the support effect, by year: {year: {"treated": n, "att": rate}} (SUPPORT_BOOST)
    support_truth: dict | None = None

    def tables(self) -> dict[str, pa.Table]:
        return {name: getattr(self, name) for name in TABLES}


# ---------------------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Profile:
    name: str
    legacy_province: str
    district_weights: dict          # district -> share of households
    district_em: dict               # district -> share of ethnic-minority households
    highland_mix: dict              # district -> {ethnicity: weight} for EM villages
    northern_share: dict            # district -> share of northern-EM households in Kinh villages
    poor_districts: tuple
    targets: dict
    near_targets: dict
    special_villages: dict          # commune short name -> (village name, ethnicity)


KON_TUM = _Profile(
    name="kon_tum",
    legacy_province="62",
    # roughly the 2019 census population by district (households, EM households are larger)
    district_weights={"608": 0.33, "610": 0.082, "611": 0.097, "612": 0.078, "613": 0.047,
                      "614": 0.05, "615": 0.135, "616": 0.095, "617": 0.046, "618": 0.04},
    district_em={"608": 0.385, "610": 0.89, "611": 0.53, "612": 0.63, "613": 0.935,
                 "614": 0.75, "615": 0.49, "616": 0.58, "617": 0.975, "618": 0.28},
    highland_mix={
        "608": {E_BANA: 0.6, E_GIARAI: 0.25, E_XODANG: 0.15},
        "610": {E_GIETRIENG: 0.55, E_XODANG: 0.45},
        "611": {E_GIETRIENG: 0.8, E_XODANG: 0.2},
        "612": {E_XODANG: 0.92, E_GIETRIENG: 0.08},
        "613": {E_XODANG: 0.95, E_BANA: 0.05},
        "614": {E_BANA: 0.6, E_XODANG: 0.4},
        "615": {E_XODANG: 0.6, E_BANA: 0.4},
        "616": {E_GIARAI: 0.75, E_XODANG: 0.25},
        "617": {E_XODANG: 1.0},
        "618": {E_GIARAI: 0.6, E_XODANG: 0.4},
    },
    northern_share={"608": 0.02, "610": 0.01, "611": 0.08, "612": 0.04, "613": 0.01,
                    "614": 0.02, "615": 0.10, "616": 0.08, "617": 0.0, "618": 0.40},
    poor_districts=POOR_DISTRICTS,
    targets=KON_TUM_TARGETS,
    near_targets=KON_TUM_NEAR_TARGETS,
    # the Brâu live in Đăk Mế (Bờ Y, spelt "Pờ Y" in the unit list), the Rơ Măm in Làng Le (Mô Rai)
    special_villages={"Bờ Y": ("Làng Đăk Mế", E_BRAU), "Pờ Y": ("Làng Đăk Mế", E_BRAU),
                      "Mô Rai": ("Làng Le", E_ROMAM)},
)
PROFILES = {"kon_tum": KON_TUM}

# welfare model (log income per person per month, VND)
BASE_YEAR = 2016
RHO = 0.85                      # AR(1) persistence of the latent welfare
SIGMA_Z = 0.10                  # weight of the AR(1) part
SIGMA_A = 0.50                  # fixed household effect
SPREAD_EM = 1.15                # ethnic-minority households: wider income spread
SIGMA_VILLAGE = 0.16
GAP_EM = -0.90                  # ethnic-minority head
GAP_PD = -0.30                  # poor district
GAP_ED = -0.15                  # especially difficult village
GAP_URBAN = 0.60
CATCHUP_EM = 0.060              # per year since BASE_YEAR
CATCHUP_PD = 0.015
CATCHUP_YEARS = 6               # catch-up stops after this many years
PLEDGE_BOOST = 0.12             # lasting welfare gain (log income) of a pledge followed by support
SUPPORT_BOOST = PLEDGE_BOOST    # the generator's effect of support (see supported_draw, support_truth)
UNSUPPORTED_ONE_IN = 6          # one pledge in six gets no support (the radar's "pledge with nothing behind it")
PLEDGE_POOR_DISTRICT = 0.10     # pledges are more frequent in poor districts ...
PLEDGE_PER_DEPRIVATION = 0.03   # ... and per deprivation of the last review: observable causes only
SPLIT_CORR = 0.55               # welfare correlation of a split household with its parent
SPLIT_PENALTY = -0.15
END_RATE, END_RATE_SINGLE = 0.0085, 0.03
NEW_RATE, SPLIT_SHARE = 0.015, 0.85

INCOME_OWN = 0.12               # persistent income component not shared with the deprivations
INCOME_NOISE = 0.03             # yearly income noise
PLEDGE_BASE = 0.18
SHOCK_RATE, SHOCK_SIZE, SHOCK_DECAY = 0.02, 0.35, 0.6
MIN_GROWTH = 0.02               # the calibrated income level rises at least 2% a year
C_RISE = 0.05                   # the deprivation level may rise at most this much a year
CAL_SAMPLE = 200_000            # households used to calibrate a year

# deprivation model: deprived iff a + b*s - d*(year-BASE_YEAR) + g*EM + k*ED
#                                   + sqrt(R)*F + sqrt(1-R)*E > 0
# with s = (W_REF - welfare index) / W_SCALE and F (persistent), E (yearly) ~ N(0, 1);
# a household that was not deprived in an indicator last year becomes deprived again only
# with probability ``relapse`` (or after a shock): improvements such as a latrine or a
# water source are mostly lasting.
DEP_PERSIST = 0.96
W_REF, W_SCALE = -0.60, 0.30
DEP_PARAMS = {  # code: (a, b, d, g_em, k_ed, relapse)
    "health_access":      (-2.3, 0.45, 0.04, 0.25, 0.25, 1.00),
    "health_insurance":   (-2.3, 0.40, 0.03, -0.20, 0.00, 1.00),
    "adult_education":    (-1.5, 0.45, 0.02, 0.75, 0.20, 1.00),
    "school_attendance":  (-2.2, 0.45, 0.04, 0.40, 0.20, 1.00),
    "housing_quality":    (-1.7, 0.60, 0.01, 0.35, 0.25, 0.20),
    "housing_area":       (-1.8, 0.50, 0.02, 0.30, 0.10, 1.00),
    "water_source":       (-1.6, 0.45, 0.01, 0.45, 0.40, 0.20),
    "latrine":            (-1.1, 0.55, 0.01, 0.60, 0.35, 0.20),
    "telecom":            (-2.2, 0.55, 0.02, 0.35, 0.25, 0.20),
    "information_assets": (-1.8, 0.55, 0.02, 0.40, 0.25, 0.20),
    # 2021-2025 and 2026-2030
    "employment":         (-0.6, 0.45, 0.00, 0.30, 0.10, 0.40),
    "dependants":         (-0.7, 0.40, 0.00, 0.35, 0.05, 0.40),
    "nutrition":          (-0.7, 0.45, 0.00, 0.50, 0.20, 0.40),
    "information_means":  (-0.5, 0.50, 0.00, 0.40, 0.25, 0.40),
    "waste_treatment":    (-0.8, 0.40, 0.02, 0.50, 0.40, 0.20),
}
DEP_DEFAULT = (-1.5, 0.45, 0.03, 0.35, 0.15, 1.00)   # an indicator of a future standard


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------

def _rng(seed: int, *keys) -> np.random.Generator:
    """An independent generator for one purpose, derived from the seed and string keys."""
    words = [int(seed) & 0xFFFFFFFF, (int(seed) >> 32) & 0xFFFFFFFF]
    words += [zlib.crc32(str(k).encode("utf-8")) for k in keys]
    return np.random.default_rng(np.random.SeedSequence(words))


def _pick(rng: np.random.Generator, table: dict | Sequence, n: int) -> np.ndarray:
    """Indices into ``list(table)`` drawn with the table's weights (uniform for a list)."""
    if isinstance(table, dict):
        w = np.asarray(list(table.values()), dtype=np.float64)
        return rng.choice(len(w), size=n, p=w / w.sum())
    return rng.integers(0, len(table), size=n)


def _cum_choice(u: np.ndarray, group: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Category index for each row: ``probs[group]`` is the row's distribution, ``u`` uniform."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    out = np.zeros(len(u), dtype=np.int8)
    for k in range(probs.shape[1] - 1):
        out += (u >= cum[group, k]).astype(np.int8)
    return out


_CHUNK = 1 << 22


def _take(values: Sequence[str] | pa.Array, idx: np.ndarray) -> pa.ChunkedArray:
    """``values[idx]`` as a (chunked) string array without Python-level loops."""
    arr = values if isinstance(values, pa.Array) else pa.array(list(values), pa.string())
    idx = np.asarray(idx)
    if len(idx) == 0:
        return pa.chunked_array([], pa.string())
    return pa.chunked_array([arr.take(pa.array(idx[i:i + _CHUNK]))
                             for i in range(0, len(idx), _CHUNK)], pa.string())


def _digits(prefix: str, numbers: np.ndarray, width: int) -> pa.ChunkedArray:
    """Fixed-width strings ``prefix + zero-padded number`` built directly as Arrow buffers."""
    pre = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    numbers = np.asarray(numbers, dtype=np.int64)
    w = len(pre) + width
    chunks = []
    for i in range(0, max(len(numbers), 1), _CHUNK):
        num = numbers[i:i + _CHUNK]
        n = len(num)
        buf = np.empty((n, w), dtype=np.uint8)
        buf[:, :len(pre)] = pre
        v = num.copy()
        k = width
        while k > 0:                    # six digits at a time in 32-bit arithmetic
            part = (v % 1_000_000).astype(np.int32)
            v //= 1_000_000
            for _ in range(min(6, k)):
                k -= 1
                buf[:, len(pre) + k] = 48 + part % 10
                part //= 10
        offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
        chunks.append(pa.StringArray.from_buffers(
            n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(buf.tobytes())))
    return pa.chunked_array(chunks, pa.string())


def _norm_kind(kind: str) -> str:
    k = kind.strip().lower().replace(" ", "_")
    if k in ("phuong", "phường", "ward"):
        return "phuong"
    if k in ("thi_tran", "thị_trấn", "thitran", "township"):
        return "thi_tran"
    return "xa"


# ---------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------

def _read_csv(name: str, units_dir: Path) -> list[dict]:
    path = Path(units_dir) / name
    if not path.exists():
        raise FileNotFoundError(f"unit data missing: {path} (expected under chungtay/data/units/)")
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=8)
def _units(units_dir: str, province: str) -> list[dict]:
    """The legacy communes of one old province with district, kind and default 2025 commune."""
    d = Path(units_dir)
    communes = [r for r in _read_csv("communes-legacy.csv", d) if r["province_code"] == province]
    if not communes:
        raise ValueError(f"no legacy communes for province {province} in {d}")
    mapping: dict[str, str] = {}
    for r in _read_csv("commune-mapping.csv", d):
        if str(r.get("is_default", "")).strip().lower() in ("1", "true", "t", "yes"):
            mapping.setdefault(r["legacy_code"], r["new_code"])
    new_prov = {r["code"]: r["province_code"] for r in _read_csv("communes-2025.csv", d)}
    out = []
    for r in sorted(communes, key=lambda r: r["code"]):
        new = mapping.get(r["code"])
        if new is None:
            raise ValueError(f"commune {r['code']} has no default 2025 commune in commune-mapping.csv")
        kind = _norm_kind(r["kind"])
        full = r.get("full_name") or r["name"]
        if full != r["name"] and full.endswith(r["name"]):
            address_name = full          # "Xã Đăk Pék"
        elif full == r["name"] and " " in full:
            address_name = full          # numeric names keep the type word: "Phường 5"
        else:
            address_name = {"phuong": "Phường", "thi_tran": "Thị trấn"}.get(kind, "Xã") + " " + r["name"]
        out.append({"code": r["code"], "name": r["name"], "kind": kind,
                    "address_name": address_name[:1].lower() + address_name[1:],
                    "district_code": r["district_code"], "province_code": province,
                    "new_code": new, "new_province": new_prov.get(new, "")})
    return out


# ---------------------------------------------------------------------------------------
# Villages
# ---------------------------------------------------------------------------------------

@dataclass
class _Villages:
    table: pa.Table
    weight: np.ndarray          # share of the initial households
    p_em: np.ndarray            # probability that a household is ethnic-minority
    dominant: np.ndarray        # main EM ethnicity (E_*), E_KINH for Kinh villages
    district: np.ndarray        # index into profile districts
    urban: np.ndarray
    ed: np.ndarray
    poor_district: np.ndarray
    effect: np.ndarray          # village welfare effect
    migrant_weight: np.ndarray
    address: list


def _build_villages(seed: int, prof: _Profile, units: list[dict]) -> _Villages:
    rng = _rng(seed, "villages")
    districts = list(prof.district_weights)
    d_index = {d: i for i, d in enumerate(districts)}
    rows, weight, p_em, dominant, dist, urban, ed, effect, mig, address = ([] for _ in range(10))
    hl_bases, kinh_bases = NM.HIGHLAND_VILLAGE_BASES, NM.KINH_VILLAGE_BASES
    by_district: dict[str, list[dict]] = {}
    for c in units:
        by_district.setdefault(c["district_code"], []).append(c)
    for c in units:
        d = c["district_code"]
        if d not in d_index:
            raise ValueError(f"district {d} is not part of profile {prof.name}")
        kind = c["kind"]
        is_urban = kind in ("phuong", "thi_tran")
        is_pd = d in prof.poor_districts
        s_d = prof.district_em[d]
        if kind == "phuong":
            s_c = float(np.clip(rng.beta(2, 10), 0.03, 0.4))
            n_v = 7 + int(rng.poisson(4))
            w_c = 1.7
        elif kind == "thi_tran":
            s_c = float(np.clip(s_d * rng.uniform(0.25, 0.55), 0.05, 0.6))
            n_v = 7 + int(rng.poisson(3))
            w_c = 1.4
        else:
            a = 6.0
            s_c = float(np.clip(rng.beta(a * s_d + 0.3, a * (1 - s_d) + 0.3), 0.02, 0.99))
            n_v = 4 + int(rng.poisson(3.5))
            w_c = 1.0
        w_c *= float(rng.lognormal(0.0, 0.35))
        commune_ed = (not is_urban) and rng.random() < (0.85 if is_pd else (0.35 if s_c > 0.5 else 0.08))
        n_em = int(round(s_c * n_v))
        em_v = np.zeros(n_v, dtype=bool)
        em_v[rng.permutation(n_v)[:n_em]] = True
        special = prof.special_villages.get(c["name"])
        if special is not None:
            em_v[-1] = True
        mix = prof.highland_mix[d]
        mix_codes = np.array(list(mix), dtype=np.int8)
        mix_w = np.array(list(mix.values()), dtype=float)
        dom = np.where(em_v, mix_codes[rng.choice(len(mix_codes), n_v, p=mix_w / mix_w.sum())], E_KINH)
        vw = rng.dirichlet(np.full(n_v, 4.0))
        hl = list(rng.permutation(len(hl_bases)))
        kb = list(rng.permutation(len(kinh_bases)))
        numbered = 0
        used = set()
        for k in range(n_v):
            if special is not None and k == n_v - 1:
                name, dom[k] = special
            elif em_v[k]:
                base = hl_bases[hl.pop()]
                if base.startswith("Plei ") or rng.random() < 0.1:
                    name = base if base.startswith("Plei ") else f"Plei {base.split(' ', 1)[-1]}"
                else:
                    name = ("Làng " if rng.random() < 0.6 else "Thôn ") + base
            elif is_urban and kind == "phuong":
                numbered += 1
                name = f"Tổ dân phố {numbered}"
            elif rng.random() < 0.65 or not kb:
                numbered += 1
                name = f"Tổ dân phố {numbered}" if is_urban else f"Thôn {numbered}"
            else:
                name = "Thôn " + kinh_bases[kb.pop()]
            while name in used:           # keep names unique inside a commune
                name += " " + str(k + 1)
            used.add(name)
            if em_v[k]:
                ed_k = rng.random() < (0.95 if commune_ed else (0.35 if not is_urban else 0.0))
            else:
                ed_k = (not is_urban) and rng.random() < (0.5 if commune_ed else 0.02)
            rows.append({
                "village_code": f"{c['province_code']}-{c['code']}-{k + 1:02d}",
                "name": name, "legacy_commune_code": c["code"], "district_code": d,
                "legacy_province_code": c["province_code"], "commune_code": c["new_code"],
                "province_code": c["new_province"], "is_urban": is_urban,
                "especially_difficult": bool(ed_k),
            })
            weight.append(prof.district_weights[d] * w_c * vw[k])
            p_em.append(0.96 if em_v[k] else (0.04 + prof.northern_share[d]))
            dominant.append(int(dom[k]))
            dist.append(d_index[d])
            urban.append(is_urban)
            ed.append(bool(ed_k))
            effect.append(float(rng.normal(0.0, SIGMA_VILLAGE)))
            mig.append((2.0 if is_urban else 1.0) * (4.0 if d == "618" else 1.0) * vw[k])
            address.append(f"{name}, {c['address_name']}")
    # normalise so that each district gets its share of households
    weight = np.asarray(weight)
    dist = np.asarray(dist, dtype=np.int16)
    for i, d in enumerate(districts):
        m = dist == i
        if m.any():
            weight[m] *= prof.district_weights[d] / weight[m].sum()
    weight /= weight.sum()
    table = pa.Table.from_pylist(rows, schema=SCHEMAS["villages"])
    pd_mask = np.isin(np.asarray([r["district_code"] for r in rows]), list(prof.poor_districts))
    return _Villages(table, weight, np.asarray(p_em), np.asarray(dominant, dtype=np.int8), dist,
                     np.asarray(urban), np.asarray(ed), pd_mask, np.asarray(effect),
                     np.asarray(mig) / np.sum(mig), address)


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------

class _Names:
    """A vocabulary of name parts (family and middle names carry their trailing space)."""

    def __init__(self):
        self.vocab: list[str] = [""]
        self._ix: dict[str, int] = {"": 0}

    def ids(self, words, suffix: str = "") -> np.ndarray:
        out = []
        for w in words:
            s = w + suffix
            if s not in self._ix:
                self._ix[s] = len(self.vocab)
                self.vocab.append(s)
            out.append(self._ix[s])
        return np.asarray(out, dtype=np.int32)


@lru_cache(maxsize=1)
def _name_tables():
    nm = _Names()
    t = {}

    def dist(d: dict, suffix=" "):
        w = np.asarray(list(d.values()), dtype=float)
        return nm.ids(d, suffix), w / w.sum()

    def uniform(lst, suffix=""):
        return nm.ids(lst, suffix), np.full(len(lst), 1.0 / len(lst))

    t["family"] = {E_KINH: dist(NM.KINH_FAMILY), E_MUONG: dist(NM.MUONG_FAMILY),
                   E_THAI: dist(NM.THAI_FAMILY), E_TAY: dist(NM.TAY_FAMILY),
                   E_NUNG: dist(NM.NUNG_FAMILY), E_GIARAI: dist(NM.GIARAI_FAMILY)}
    hf = dist(NM.HIGHLAND_FAMILY)
    for e in HIGHLAND:
        t["family"][e] = hf
    t["middle"] = (dist(NM.KINH_MIDDLE_M), dist(NM.KINH_MIDDLE_F))
    t["highland_middle"] = (nm.ids(["Văn"], " ")[0], nm.ids(["Thị"], " ")[0])
    t["prefix"] = (nm.ids(["A"], " ")[0], nm.ids(["Y"], " ")[0])
    t["given"] = {"kinh": (uniform(NM.KINH_GIVEN_M), uniform(NM.KINH_GIVEN_F)),
                  "highland": (uniform(NM.HIGHLAND_GIVEN_M), uniform(NM.HIGHLAND_GIVEN_F)),
                  "giarai": (uniform(NM.GIARAI_GIVEN_M), uniform(NM.GIARAI_GIVEN_F))}
    t["vocab"] = pa.array(nm.vocab, pa.string())
    return t


def _draw(rng, pair, n) -> np.ndarray:
    ids, p = pair
    if np.all(p == p[0]):
        return ids[rng.integers(0, len(ids), n)]
    cdf = np.cumsum(p, dtype=np.float64)
    k = np.searchsorted(cdf / cdf[-1], rng.random(n, dtype=np.float32), side="right")
    return ids[np.minimum(k, len(ids) - 1)]


# name styles
S_KINH, S_AY, S_HLFAMILY, S_CLAN = range(4)


def _head_family(rng, eth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Family-name id and name style of household heads (vectorised per ethnicity)."""
    t = _name_tables()
    fam = np.zeros(len(eth), dtype=np.int32)
    style = np.zeros(len(eth), dtype=np.int8)
    for e in range(len(ETHNICITIES)):
        m = np.flatnonzero(eth == e)
        if not len(m):
            continue
        fam[m] = _draw(rng, t["family"][e], len(m))
        if e in HIGHLAND:
            style[m] = np.where(rng.random(len(m)) < 0.22, S_HLFAMILY, S_AY)
        elif e == E_GIARAI:
            style[m] = S_CLAN
        else:
            style[m] = S_KINH
    return fam, style


# ---------------------------------------------------------------------------------------
# Household roster (who exists when)
# ---------------------------------------------------------------------------------------

@dataclass
class _Roster:
    village: np.ndarray     # int32
    start: np.ndarray       # int16
    end: np.ndarray         # int16, -1 = still there
    end_reason: np.ndarray  # int8 index into END_REASONS
    parent: np.ndarray      # int64, -1 = none
    origin: np.ndarray      # int8: 0 initial, 1 split, 2 in-migrant
    eth: np.ndarray         # int8
    size: np.ndarray        # int8
    head_sex: np.ndarray    # int8 0 M / 1 F
    family: np.ndarray      # int32 name-part id
    style: np.ndarray       # int8

    def __len__(self):
        return len(self.village)


def _draw_ethnicity(rng, vil: _Villages, prof: _Profile, village: np.ndarray) -> np.ndarray:
    n = len(village)
    em = rng.random(n) < vil.p_em[village]
    dom = vil.dominant[village]
    eth = np.full(n, E_KINH, dtype=np.int8)
    in_em_village = em & (dom != E_KINH)
    keep = in_em_village & (rng.random(n) < 0.9)
    eth[keep] = dom[keep]
    districts = list(prof.district_weights)
    vd = vil.district[village]
    # EM households outside their village's main group: district highland mix;
    # EM households of Kinh villages: settlers from the northern mountains (or highland mix)
    rest = em & ~keep
    for i, d in enumerate(districts):
        m = np.flatnonzero(rest & (vd == i))
        if not len(m):
            continue
        mix = dict(prof.highland_mix[d])
        north = prof.northern_share[d]
        table = {**{k: v * (1 - min(north * 3, 0.9)) for k, v in mix.items()},
                 **{k: min(north * 3, 0.9) / len(NORTHERN) for k in NORTHERN}}
        codes = np.asarray(list(table), dtype=np.int8)
        eth[m] = codes[_pick(rng, table, len(m))]
    return eth


def _household_size(rng, eth: np.ndarray, urban: np.ndarray, young: bool = False) -> np.ndarray:
    em = eth != E_KINH
    if young:
        lam = np.where(em, 1.6, 1.2)
    else:
        lam = np.where(em, 3.9, 3.1) - 0.25 * urban
    return (1 + np.minimum(rng.poisson(lam), 8)).astype(np.int8)


def _build_roster(seed: int, n0: int, span: list[int], vil: _Villages, prof: _Profile) -> _Roster:
    rng = _rng(seed, "roster")
    village = np.repeat(np.arange(len(vil.weight), dtype=np.int32), rng.multinomial(n0, vil.weight))
    eth = _draw_ethnicity(rng, vil, prof, village)
    fam, style = _head_family(rng, eth)
    cols = {
        "village": [village], "start": [np.full(n0, span[0], np.int16)],
        "parent": [np.full(n0, -1, np.int64)], "origin": [np.zeros(n0, np.int8)],
        "eth": [eth], "size": [_household_size(rng, eth, vil.urban[village])],
        "head_sex": [(rng.random(n0) < np.where(eth == E_KINH, 0.2, 0.14)).astype(np.int8)],
        "family": [fam], "style": [style],
    }
    end = np.full(n0, -1, np.int16)
    end_reason = np.zeros(n0, np.int8)
    n = n0
    for t in span[1:]:
        # households that ended last year (end_year = t-1 is their last year)
        size = np.concatenate(cols["size"]) if len(cols["size"]) > 1 else cols["size"][0]
        alive = np.flatnonzero(end < 0)
        single = size[alive] == 1
        p_end = np.where(single, END_RATE_SINGLE, END_RATE)
        ending = alive[rng.random(len(alive)) < p_end]
        end[ending] = t - 1
        u = rng.random(len(ending))
        single_e = size[ending] == 1
        # single-member: died out 55%, moved 35%, merged 10%; others: moved 60%, merged 33%, died 7%
        reason = np.where(single_e,
                          np.where(u < 0.55, 3, np.where(u < 0.90, 1, 2)),
                          np.where(u < 0.60, 1, np.where(u < 0.93, 2, 3)))
        end_reason[ending] = reason
        # new households appearing in year t
        alive_now = np.flatnonzero(end < 0)
        k = int(rng.binomial(len(alive), NEW_RATE))
        k_split = int(rng.binomial(k, SPLIT_SHARE))
        k_mig = k - k_split
        cands = alive_now[size[alive_now] >= 3]
        if not len(cands):
            cands = alive_now
        parent = cands[rng.integers(0, len(cands), k_split)].astype(np.int64)
        village_all = np.concatenate(cols["village"])
        eth_all = np.concatenate(cols["eth"])
        fam_all = np.concatenate(cols["family"])
        sty_all = np.concatenate(cols["style"])
        m_v = rng.choice(len(vil.migrant_weight), size=k_mig, p=vil.migrant_weight).astype(np.int32)
        m_eth = np.where(rng.random(k_mig) < 0.75, E_KINH,
                         np.asarray(NORTHERN, np.int8)[rng.integers(0, len(NORTHERN), k_mig)]).astype(np.int8)
        m_fam, m_sty = _head_family(rng, m_eth)
        nv = np.concatenate([village_all[parent], m_v])
        ne = np.concatenate([eth_all[parent], m_eth])
        young = _household_size(rng, eth_all[parent], vil.urban[village_all[parent]], young=True)
        msize = np.minimum(_household_size(rng, m_eth, vil.urban[m_v], young=True)
                           + (rng.random(k_mig) < 0.5), 9)
        cols["village"].append(nv)
        cols["start"].append(np.full(k, t, np.int16))
        cols["parent"].append(np.concatenate([parent, np.full(k_mig, -1, np.int64)]))
        cols["origin"].append(np.concatenate([np.ones(k_split, np.int8), np.full(k_mig, 2, np.int8)]))
        cols["eth"].append(ne)
        cols["size"].append(np.concatenate([young, msize.astype(np.int8)]))
        cols["head_sex"].append((rng.random(k) < 0.12).astype(np.int8))
        cols["family"].append(np.concatenate([fam_all[parent], m_fam]))
        cols["style"].append(np.concatenate([sty_all[parent], m_sty]))
        end = np.concatenate([end, np.full(k, -1, np.int16)])
        end_reason = np.concatenate([end_reason, np.zeros(k, np.int8)])
        n += k
        for key in cols:            # keep lists short
            if len(cols[key]) > 1:
                cols[key] = [np.concatenate(cols[key])]
    c = {key: (np.concatenate(v) if len(v) > 1 else v[0]) for key, v in cols.items()}
    return _Roster(c["village"], c["start"], end, end_reason, c["parent"], c["origin"],
                   c["eth"], c["size"], c["head_sex"], c["family"], c["style"])


# ---------------------------------------------------------------------------------------
# Welfare, deprivations, classification
# ---------------------------------------------------------------------------------------

@dataclass
class _Assessed:
    hh: np.ndarray
    year: np.ndarray
    std: np.ndarray         # int8 index into std_codes
    std_codes: list
    urban: np.ndarray
    income: np.ndarray
    mask: np.ndarray
    count: np.ndarray
    cat: np.ndarray
    em: np.ndarray
    pledged: np.ndarray
    supported: np.ndarray
    truth: dict             # year -> (treated, sum of escaped - escaped without the support)
    last_cat: np.ndarray    # per household, category in its last assessed year (-1 none)
    last_hi: np.ndarray     # per household, health-insurance deprivation in that year


def _dep_noise(seed: int, code: str, year: int, n: int) -> np.ndarray:
    f = _rng(seed, "dep-persistent", code).standard_normal(n, dtype=np.float32)
    e = _rng(seed, "dep-yearly", code, year).standard_normal(n, dtype=np.float32)
    return (math.sqrt(DEP_PERSIST) * f + math.sqrt(1 - DEP_PERSIST) * e).astype(np.float32)


_NEVER = np.float16(-60000.0)


def _dep_margins(seed: int, codes: Sequence[str], year: int, idx: np.ndarray, n: int,
                 w: np.ndarray, em: np.ndarray, ed: np.ndarray, prev: dict,
                 hit: np.ndarray) -> np.ndarray:
    """Per indicator and household, the probit margin: deprived iff ``margin + c > 0``.

    ``c`` is the year's common deprivation level (calibrated). A household that was not
    deprived last year in an indicator gets the margin ``_NEVER`` unless it relapses
    (probability ``relapse``) or was hit by a shock: improvements mostly last. Returned as
    float16 (rows = indicators) to keep national-scale runs within memory."""
    s = ((W_REF - w) / W_SCALE).astype(np.float32)
    em = em.astype(np.float32)
    ed = ed.astype(np.float32)
    out = np.empty((len(codes), len(idx)), dtype=np.float16)
    yrs = min(year - BASE_YEAR, 15)
    for j, code in enumerate(codes):
        a, b, d, g, k, relapse = DEP_PARAMS.get(code, DEP_DEFAULT)
        margin = (a - d * yrs) + b * s + g * em + k * ed + _dep_noise(seed, code, year, n)[idx]
        last = prev.get(code)
        if last is not None and relapse < 1.0:
            u = _rng(seed, "dep-relapse", code, year).random(n, dtype=np.float32)[idx]
            margin[~(last[idx] | hit | (u < relapse))] = _NEVER
        out[j] = margin
    return out


def _count(margins: np.ndarray, c: float) -> np.ndarray:
    return (margins > np.float16(-c)).sum(axis=0, dtype=np.int16)


def _income(ln_income: np.ndarray) -> np.ndarray:
    """VND per person per month, rounded to 1,000 (at least 150,000)."""
    return (np.maximum(np.round(np.exp(ln_income) / 1000.0), 150) * 1000).astype(np.int64)


def _thresholds(std: Standard, n_ind: int) -> tuple[np.ndarray, np.ndarray]:
    """Highest income at which a household is poor / poor-or-near-poor, per (urban, count).

    Categories are piecewise constant in income with breaks at the line values and get
    better as income rises, so the rule list of the standard (via ``classify_arrays``)
    reduces to two small tables; 0 means "never"."""
    poor = np.zeros((2, n_ind + 1))
    near = np.zeros((2, n_ind + 1))
    counts = np.arange(n_ind + 1, dtype=np.int16)
    for u, area in enumerate(("rural", "urban")):
        for ln in sorted({line.value(area) for line in std.lines.values()}):
            cat = classify_arrays(std, np.full(n_ind + 1, bool(u)), np.full(n_ind + 1, float(ln)),
                                  None, counts)
            poor[u] = np.where(cat == 0, ln, poor[u])
            near[u] = np.where(cat <= 1, ln, near[u])
    return poor, near


def _calibrate(std: Standard, urban, base, margins, poor_target, near_target, c0, c_max):
    """Income level ``m`` and deprivation level ``c`` such that the shares of poor and of
    poor-or-near-poor households hit their targets (``near_target`` None: ``c`` stays ``c0``).

    A household is poor iff ``m + base <= ln(poor_line[urban, count(c)])``, so for a given
    ``c`` the level ``m`` is a quantile; ``c`` is found by bisection."""
    margins = margins.astype(np.float32)
    poor_t, near_t = _thresholds(std, margins.shape[0])
    u = urban.astype(np.intp)
    with np.errstate(divide="ignore"):
        ln_poor, ln_near = np.log(poor_t), np.log(near_t)

    def count(c):
        return (margins > -c).sum(axis=0)

    def level(table, cnt, share):
        v = table[u, cnt] - base                     # poor iff m <= v
        share = min(max(share, 0.0), 1.0)
        if share <= 0:
            return float(np.max(v)) + 1e-6
        k = min(len(v) - 1, max(0, int(round(len(v) * (1 - share)))))
        return float(np.partition(v, k)[k])

    c = c0
    if near_target is not None:
        cnt = count(c)
        m = level(ln_near, cnt, poor_target + near_target)
        lo, hi = -4.0, 4.0
        for _ in range(22):
            mid = 0.5 * (lo + hi)
            share = np.mean(ln_poor[u, count(mid)] - base >= m)
            if share < poor_target:
                lo = mid
            else:
                hi = mid
        c = min(0.5 * (lo + hi), c_max)
    return level(ln_poor, count(c), poor_target), c


_CALIBRATION_LOG: dict[int, tuple[float, float]] = {}   # last run: year -> (m, c), for diagnostics


def _simulate(seed: int, roster: _Roster, vil: _Villages, span: list[int], years: set,
              prof: _Profile) -> _Assessed:
    rng = _rng(seed, "welfare")
    n = len(roster)
    em = roster.eth != E_KINH
    v = roster.village
    urban = vil.urban[v]
    ed = vil.ed[v]
    pdist = vil.poor_district[v]
    spread = np.where(em, SPREAD_EM, 1.0).astype(np.float32)   # EM incomes are more dispersed
    static = (SIGMA_A * spread * rng.standard_normal(n, dtype=np.float32) + vil.effect[v] + GAP_EM * em
              + GAP_PD * pdist + GAP_ED * ed + GAP_URBAN * urban).astype(np.float32)
    own = (INCOME_OWN * spread * rng.standard_normal(n, dtype=np.float32)).astype(np.float32)   # income only
    support = np.zeros(n, dtype=np.float32)       # lasting effect of support after a pledge
    shock = np.zeros(n, dtype=np.float32)         # transient losses (illness, disaster, ...)
    z_prev = rng.standard_normal(n, dtype=np.float32)
    z = np.zeros(n, dtype=np.float32)
    cat_prev = np.full(n, -1, dtype=np.int8)
    last_cat = np.full(n, -1, dtype=np.int8)
    last_hi = np.zeros(n, dtype=bool)
    out = {k: [] for k in ("hh", "year", "std", "urban", "income", "mask", "count", "cat",
                           "em", "pledged", "supported")}
    truth: dict[int, tuple[int, int]] = {}
    cnt_prev = np.zeros(n, dtype=np.int16)        # deprivation count of the last review
    std_codes: list[str] = []
    m_prev, t_prev, c_prev, std_prev = None, span[0], 0.0, None
    _CALIBRATION_LOG.clear()
    prev_dep: dict[str, np.ndarray] = {}
    sub_rng = _rng(seed, "calibration")
    for t in span:
        alive = (roster.start <= t) & ((roster.end < 0) | (roster.end >= t))
        new = (roster.start == t) & (t != span[0])       # households that appeared this year
        eps = rng.standard_normal(n, dtype=np.float32)
        if t == span[0]:
            z = RHO * z_prev + math.sqrt(1 - RHO ** 2) * eps
        else:
            z = RHO * z + math.sqrt(1 - RHO ** 2) * eps
            split = np.flatnonzero(new & (roster.parent >= 0))
            z[split] = (SPLIT_CORR * z_prev[roster.parent[split]]
                        + math.sqrt(1 - SPLIT_CORR ** 2) * eps[split] + SPLIT_PENALTY)
            mig = np.flatnonzero(new & (roster.parent < 0))
            z[mig] = eps[mig]
        trend = min(t - BASE_YEAR, CATCHUP_YEARS)
        gtrend = (CATCHUP_EM * trend * em + CATCHUP_PD * trend * pdist).astype(np.float32)
        # start-of-year poor list (the previous review; estimated for the first year) and pledges
        target = prof.targets.get(t)
        if t == span[0]:
            w_prev = static + gtrend + SIGMA_Z * z_prev
            q = (target if target is not None else 15.0) / 100.0
            poor_start = w_prev <= np.quantile(w_prev[alive], min(q + 0.02, 0.99))
        else:
            poor_start = cat_prev == 0
        cand = alive & poor_start & ~new
        # who pledges, and whether support follows, depends only on what a commune officer sees (the
        # district, the last review's deprivations) and chance: comparing similar households
        # (same year, commune and deprivation count) recovers the effect (tests/test_support_effect_truth.py)
        p_pledge = np.clip(PLEDGE_BASE + PLEDGE_POOR_DISTRICT * pdist
                           + PLEDGE_PER_DEPRIVATION * (cnt_prev.astype(np.float32) - 2), 0.05, 0.6)
        pledged = cand & (rng.random(n, dtype=np.float32) < p_pledge)
        supported = pledged & supported_draw(np.arange(1, n + 1), t)
        support += SUPPORT_BOOST * supported
        hit = rng.random(n, dtype=np.float32) < SHOCK_RATE
        shock = (SHOCK_DECAY * shock - SHOCK_SIZE * hit).astype(np.float32)
        idx = np.flatnonzero(alive)
        std = standard_for_year(t)
        codes = std.indicator_codes
        w = (static[idx] + gtrend[idx] + support[idx] + shock[idx]
             + SIGMA_Z * z[idx]).astype(np.float32)
        urb_i, em_i = urban[idx], em[idx]
        margins = _dep_margins(seed, codes, t, idx, n, w, em_i, ed[idx], prev_dep, hit[idx])
        # the truth: the households supported this year, the same year without this support
        tp = np.flatnonzero(supported[idx]) if t != span[0] else np.zeros(0, np.int64)
        if len(tp):
            ti = idx[tp]
            margins_cf = _dep_margins(seed, codes, t, ti, n, w[tp] - np.float32(SUPPORT_BOOST), em_i[tp], ed[ti],
                                      prev_dep, hit[ti])
        base = w + own[idx] + np.float32(INCOME_NOISE) * rng.standard_normal(len(idx), dtype=np.float32)
        # the income level (and the deprivation level) are calibrated on a sample of this
        # year's households so that the poverty and near-poverty rates hit the targets
        same_std = std.code == std_prev
        c_max = c_prev + C_RISE if same_std else 4.0
        if target is not None:
            sub = (np.arange(len(idx)) if len(idx) <= CAL_SAMPLE
                   else np.sort(sub_rng.choice(len(idx), CAL_SAMPLE, replace=False)))
            near = prof.near_targets.get(t)
            m, c = _calibrate(std, urb_i[sub], base[sub], margins[:, sub], target / 100.0,
                              None if near is None else near / 100.0, min(c_prev, c_max), c_max)
            if m_prev is not None:      # incomes never fall from one year to the next
                m = max(m, m_prev + MIN_GROWTH * (t - t_prev))
        else:
            m = (m_prev if m_prev is not None else math.log(1.6e6)) + 0.07
            c = min(c_prev, c_max)
        _CALIBRATION_LOG[t] = (round(m, 4), round(c, 4))
        m_prev, t_prev, c_prev, std_prev = m, t, c, std.code
        income = _income(m + base)
        count = _count(margins, c)
        mask = np.zeros(len(idx), dtype=np.int32)
        seen = set()
        for j, code in enumerate(codes):
            dep = margins[j] > np.float16(-c)
            mask |= dep.astype(np.int32) << j
            last = prev_dep.setdefault(code, np.zeros(n, dtype=bool))
            last[:] = False
            last[idx] = dep
            seen.add(code)
        for code in [k for k in prev_dep if k not in seen]:
            del prev_dep[code]          # an indicator the new standard dropped
        del margins
        cat = classify_arrays(std, urb_i, income.astype(np.float64), None, count)
        if len(tp):
            cat_cf = classify_arrays(std, urb_i[tp], _income(m + base[tp] - np.float32(SUPPORT_BOOST))
                                     .astype(np.float64), None, _count(margins_cf, c))
            truth[t] = (len(tp), int((cat[tp] != 0).sum()) - int((cat_cf != 0).sum()))
        cnt_prev[:] = 0
        cnt_prev[idx] = count
        cat_prev = np.full(n, -1, dtype=np.int8)
        cat_prev[idx] = cat
        z_prev = z
        if t in years:
            if std.code not in std_codes:
                std_codes.append(std.code)
            out["hh"].append(idx.astype(np.int64))
            out["year"].append(np.full(len(idx), t, np.int32))
            out["std"].append(np.full(len(idx), std_codes.index(std.code), np.int8))
            out["urban"].append(urb_i)
            out["income"].append(income)
            out["mask"].append(mask)
            out["count"].append(count)
            out["cat"].append(cat)
            out["em"].append(em_i)
            out["pledged"].append(pledged[idx])
            out["supported"].append(supported[idx])
            last_cat[idx] = cat
            if "health_insurance" in codes:
                j = codes.index("health_insurance")
                last_hi[idx] = (mask >> j) & 1 == 1
            else:
                last_hi[idx] = False
    cat_all = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in out.items()}
    return _Assessed(cat_all["hh"], cat_all["year"], cat_all["std"], std_codes,
                     cat_all["urban"], cat_all["income"], cat_all["mask"], cat_all["count"],
                     cat_all["cat"], cat_all["em"], cat_all["pledged"], cat_all["supported"], truth,
                     last_cat, last_hi)


# ---------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------

_BLOCK = 1_000_000      # households per member block (bounds memory at national scale)


def _province_codes() -> tuple[list[str], dict, dict]:
    codes = ["062"] + sorted(set(NM.KINH_ORIGIN_PROVINCES) | set(NM.NORTHERN_EM_ORIGIN_PROVINCES)
                             | {"064"})
    return codes, NM.KINH_ORIGIN_PROVINCES, NM.NORTHERN_EM_ORIGIN_PROVINCES


def _members_block(seed: int, block: int, hh: np.ndarray, roster: _Roster, ref: np.ndarray,
                   urban_h: np.ndarray, ses_h: np.ndarray, hi_h: np.ndarray, counters: np.ndarray,
                   codes_h: pa.ChunkedArray):
    rng = _rng(seed, "members", block)
    t = _name_tables()
    size = roster.size[hh].astype(np.int64)
    nm = int(size.sum())
    h = np.repeat(np.arange(len(hh)), size)             # local household index per member
    first = np.cumsum(size) - size
    no = (np.arange(nm) - first[h] + 1).astype(np.int16)
    eth = roster.eth[hh][h]
    em = eth != E_KINH
    origin = roster.origin[hh]
    elapsed = (ref - roster.start[hh]).astype(np.int32)
    # head age when the household started
    young = origin > 0
    a0 = np.where(em[first], 20 + rng.gamma(3.0, 6.5, len(hh)), 22 + rng.gamma(3.0, 8.0, len(hh)))
    a0 = np.where(young, 19 + rng.gamma(2.0, 3.5, len(hh)), a0)
    head_age = np.minimum(a0, 80).astype(np.int32) + elapsed
    has_spouse = (size >= 2) & (rng.random(len(hh)) < 0.87)
    # relations
    rel = np.full(nm, R_CHILD, dtype=np.int8)
    rel[no == 1] = R_HEAD
    rel[(no == 2) & has_spouse[h]] = R_SPOUSE
    u = rng.random(nm, dtype=np.float32)
    ha = head_age[h]
    last = no == size[h]
    other_slot = (rel == R_CHILD)
    rel[other_slot & (ha >= 50) & (no >= 4) & (u < 0.45)] = R_GRANDCHILD
    rel[other_slot & (ha <= 45) & last & (u > 0.78)] = R_PARENT
    rel[other_slot & (u > 0.965) & (rel == R_CHILD)] = R_OTHER
    # ages at the reference year
    age = np.empty(nm, dtype=np.int32)
    age[:] = ha
    sp = rel == R_SPOUSE
    head_sex = roster.head_sex[hh][h]
    gap_sp = np.round(rng.normal(-3.0, 3.5, sp.sum()) * np.where(head_sex[sp] == 0, 1, -1))
    age[sp] = np.clip(ha[sp] + gap_sp, 18, 95).astype(np.int32)
    ch = rel == R_CHILD
    gap = 20 + 24 * rng.random(nm, dtype=np.float32)
    age[ch] = np.maximum(0, ha[ch] - np.minimum(gap[ch], ha[ch])).astype(np.int32)
    gc = rel == R_GRANDCHILD
    age[gc] = np.maximum(0, ha[gc] - rng.uniform(40, 62, gc.sum())).astype(np.int32)
    pa_ = rel == R_PARENT
    age[pa_] = np.minimum(96, ha[pa_] + rng.uniform(20, 34, pa_.sum())).astype(np.int32)
    ot = rel == R_OTHER
    age[ot] = rng.integers(3, 70, ot.sum())
    # children born after the household was formed are fine, but nobody after ref year
    birth = (ref[h] - age).astype(np.int32)
    # sex
    sex = (rng.random(nm, dtype=np.float32) < 0.5).astype(np.int8)
    sex[rel == R_HEAD] = head_sex[rel == R_HEAD]
    sex[sp] = 1 - head_sex[sp]
    sex[pa_] = (rng.random(int(pa_.sum()), dtype=np.float32) < 0.6).astype(np.int8)   # mostly widowed mothers
    # names
    style = roster.style[hh][h]
    hfam = roster.family[hh][h]
    part1 = np.zeros(nm, dtype=np.int32)
    part2 = np.zeros(nm, dtype=np.int32)
    given = np.zeros(nm, dtype=np.int32)
    own_fam = np.zeros(nm, dtype=np.int32)
    for e in range(len(ETHNICITIES)):
        m = np.flatnonzero(eth == e)
        if len(m):
            own_fam[m] = _draw(rng, t["family"][e], len(m))
    inherits = (rel == R_HEAD) | ((rel == R_CHILD) | (rel == R_GRANDCHILD) | ((rel == R_PARENT) & (sex == 0)))
    fam = np.where(inherits, hfam, own_fam)
    # Gia Rai is matrilineal: children carry the mother's clan
    gr_child = (style == S_CLAN) & ((rel == R_CHILD) | (rel == R_GRANDCHILD)) & (head_sex == 0)
    fam = np.where(gr_child, own_fam, fam)
    for s in (0, 1):
        ms = sex == s
        for group, styles in (("kinh", (S_KINH,)), ("highland", (S_AY, S_HLFAMILY)), ("giarai", (S_CLAN,))):
            m = np.flatnonzero(ms & np.isin(style, styles))
            if len(m):
                given[m] = _draw(rng, t["given"][group][s], len(m))
        m = np.flatnonzero(ms & (style == S_KINH))
        if len(m):
            part2[m] = _draw(rng, t["middle"][s], len(m))
        part2[ms & (style == S_HLFAMILY)] = t["highland_middle"][s]
        part1[ms & (style == S_AY)] = t["prefix"][s]
    kinh_like = (style == S_KINH) | (style == S_HLFAMILY) | (style == S_CLAN)
    part1 = np.where(kinh_like, fam, part1)
    vocab = t["vocab"]
    full_name = pc.binary_join_element_wise(_take(vocab, part1), _take(vocab, part2),
                                            _take(vocab, given), "")
    # birth province of the identity number: mostly 062 (Kon Tum)
    pcodes, kinh_o, north_o = _province_codes()
    born_here = np.where(em & ~np.isin(eth, NORTHERN), 0.99,
                         np.where(birth >= 1995, 0.93, 0.55))
    born_here = np.where(origin[h] == 2, np.where(rel == R_CHILD, 0.4, 0.0), born_here)
    here = rng.random(nm, dtype=np.float32) < born_here
    prov = np.zeros(nm, dtype=np.int16)
    away = np.flatnonzero(~here)
    north = np.isin(eth[away], NORTHERN)
    for sel, table in ((away[~north], kinh_o), (away[north], north_o)):
        if len(sel):
            keys = list(table)
            prov[sel] = np.asarray([pcodes.index(k) for k in keys], np.int16)[_pick(rng, table, len(sel))]
    prov_num = np.asarray([int(c) for c in pcodes], np.int64)[prov]
    century_sex = np.where(birth >= 2000, 2, 0) + sex
    bucket = ((prov.astype(np.int32) * 4 + century_sex) * 100 + birth % 100).astype(np.uint16)
    order = np.argsort(bucket, kind="stable")          # radix sort on 16-bit keys
    sb = bucket[order]
    starts = np.flatnonzero(np.r_[True, sb[1:] != sb[:-1]])
    runs = np.diff(np.r_[starts, len(sb)])
    rank = np.empty(nm, dtype=np.int64)
    rank[order] = np.arange(nm) - np.repeat(starts, runs) + counters[sb[starts]].repeat(runs)
    np.add.at(counters, sb[starts], runs)
    # a fixed bijection of 0..999999 per bucket keeps numbers unique and random-looking
    mult = (zlib.crc32(str(seed).encode()) % 400_000) * 2 + 1
    mult = mult if mult % 5 else mult + 2
    serial = (rank * mult + bucket.astype(np.int64) * 7919 + 12345) % 1_000_000
    cid = ((prov_num * 10 + century_sex) * 100 + birth % 100) * 1_000_000 + serial
    # schooling, work, disability, insurance at the reference age
    urb = urban_h[h]
    ses = ses_h[h]
    u1, u2 = rng.random(nm, dtype=np.float32), rng.random(nm, dtype=np.float32)
    school = np.zeros(nm, dtype=np.int8)
    in_school = np.where(age < 6, False,
                np.where(age <= 14, u1 < np.where(em, 0.93, 0.98),
                np.where(age <= 17, u1 < np.where(em, 0.62, 0.86),
                np.where(age <= 22, u1 < np.where(em, 0.12, 0.38) + 0.1 * urb, False))))
    score = (rng.standard_normal(nm, dtype=np.float32) + 1.1 * ~em + 0.035 * (birth - 1970) + 0.4 * urb
             + 0.25 * (np.maximum(ses, 0) - 1)).astype(np.float32)
    level = np.digitize(score, [-0.6, 0.3, 1.4, 2.6]).astype(np.int8)
    level = np.where(age < 11, 0, np.where(age < 15, np.minimum(level, 1),
                     np.where(age < 18, np.minimum(level, 2), np.where(age < 22, np.minimum(level, 3), level))))
    school[:] = np.where(in_school, 5, level)
    disability = rng.random(nm, dtype=np.float32) < (0.012 + 0.0022 * np.maximum(age - 40, 0))
    # work categories 0 farming 1 wage 2 self 3 unemployed 4 student 5 retired 6 none
    grp = np.where(urb, 2, np.where(em, 0, 1))
    working = np.asarray([[0.78, 0.10, 0.04, 0.03, 0, 0, 0.05],
                          [0.50, 0.22, 0.18, 0.03, 0, 0, 0.07],
                          [0.08, 0.45, 0.30, 0.05, 0, 0, 0.12]])
    old = np.asarray([[0.40, 0.0, 0.02, 0, 0, 0.05, 0.53],
                      [0.35, 0.02, 0.08, 0, 0, 0.20, 0.35],
                      [0.05, 0.03, 0.12, 0, 0, 0.45, 0.35]])
    teen = np.asarray([[0.75, 0.15, 0.0, 0.05, 0, 0, 0.05],
                       [0.45, 0.35, 0.05, 0.10, 0, 0, 0.05],
                       [0.05, 0.55, 0.15, 0.15, 0, 0, 0.10]])
    work = np.full(nm, 6, dtype=np.int8)
    for sel, table in ((age > 60, old), ((age >= 18) & (age <= 60), working),
                       ((age >= 15) & (age < 18), teen)):
        sel = np.flatnonzero(sel & ~in_school)
        work[sel] = _cum_choice(u2[sel], grp[sel], table)
    work[in_school] = 4
    work = np.where(disability & (age >= 15) & (u1 < 0.6) & (work != 4), 6, work).astype(np.int8)
    # health insurance: a household ticked "health_insurance" in its last year has uninsured
    # members aged 6+ (always the head); children under 6 are insured free of charge
    hi_dep = hi_h[h]
    insured = ~(hi_dep & (age >= 6) & ((rel == R_HEAD) | (u2 < 0.5)))
    return pa.table({
        "household_code": codes_h.take(pa.array(h)) if len(h) else pa.chunked_array([], pa.string()),
        "member_no": pa.array(no, pa.int16()),
        "full_name": full_name,
        "sex": _take(SEXES, sex),
        "birth_year": pa.array(birth, pa.int32()),
        "ethnicity": _take(ETHNICITIES, eth),
        "relation": _take(RELATIONS, rel),
        "citizen_id": _digits("", cid, 12),
        "health_insurance": pa.array(insured, pa.bool_()),
        "schooling": _take(SCHOOLING, school),
        "disability": pa.array(disability, pa.bool_()),
        "work": _take(WORK, work),
    }, schema=SCHEMAS["members"])


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------

def generate(households: int = 129_000, years: Sequence[int] = range(2016, 2026),
             seed: int = 20161231, profile: str = "kon_tum") -> Population:
    """Generate a synthetic population; the same arguments always give identical tables.

    ``households`` is the number of households in the first year; ``years`` the review
    years to assess (the simulation runs over every year from the first to the last, so
    gaps still see households appear and end). Years outside the known standards raise
    :class:`chungtay.core.standards.StandardError`.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
    prof = PROFILES[profile]
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("years must not be empty")
    households = int(households)
    if households < 1:
        raise ValueError("households must be positive")
    span = list(range(years[0], years[-1] + 1))
    for y in years:
        standard_for_year(y)           # fail early on an unknown year
    units = _units(str(UNITS_DIR), prof.legacy_province)
    vil = _build_villages(seed, prof, units)
    roster = _build_roster(seed, households, span, vil, prof)
    ass = _simulate(seed, roster, vil, span, set(years), prof)
    n = len(roster)

    width = max(7, len(str(n)))
    codes_h = _digits(f"HK-{prof.legacy_province}-", np.arange(1, n + 1), width)
    vcodes = vil.table.column("village_code").combine_chunks()
    end = roster.end
    hh_table = pa.table({
        "household_code": codes_h,
        "village_code": _take(vcodes, roster.village),
        "address": _take(vil.address, roster.village),
        "is_urban": pa.array(vil.urban[roster.village], pa.bool_()),
        "start_year": pa.array(roster.start.astype(np.int32), pa.int32()),
        "end_year": pa.array(end.astype(np.int32), pa.int32(), mask=end < 0),
        "end_reason": _take(["", "moved_away", "merged", "died_out"], roster.end_reason)
        .combine_chunks() if n else pa.array([], pa.string()),
        "split_from": codes_h.take(pa.array(np.maximum(roster.parent, 0))).combine_chunks(),
    }, schema=SCHEMAS["households"])
    # nulls for end_reason / split_from
    er = hh_table.column("end_reason").combine_chunks()
    er = pc.if_else(pa.array(roster.end_reason == 0), pa.scalar(None, pa.string()), er)
    sf = hh_table.column("split_from").combine_chunks()
    sf = pc.if_else(pa.array(roster.parent < 0), pa.scalar(None, pa.string()), sf)
    hh_table = hh_table.set_column(6, "end_reason", er).set_column(7, "split_from", sf)

    # members, block by block
    ref = np.where(end >= 0, end, years[-1]).astype(np.int32)
    urban_h = vil.urban[roster.village]
    counters = np.zeros(1 << 16, dtype=np.int64)
    blocks = []
    for b, s in enumerate(range(0, n, _BLOCK)):
        hh = np.arange(s, min(n, s + _BLOCK))
        blocks.append(_members_block(seed, b, hh, roster, ref[hh], urban_h[hh], ass.last_cat[hh],
                                     ass.last_hi[hh], counters, codes_h.slice(s, len(hh))))
    members = pa.concat_tables(blocks) if blocks else SCHEMAS["members"].empty_table()

    assessments = pa.table({
        "household_code": codes_h.take(pa.array(ass.hh)),
        "year": pa.array(ass.year, pa.int32()),
        "standard": _take(ass.std_codes, ass.std),
        "area": _take(("rural", "urban"), ass.urban.astype(np.int8)),
        "income": pa.array(ass.income, pa.int64()),
        "deprivation_mask": pa.array(ass.mask, pa.int32()),
        "deprivation_count": pa.array(ass.count, pa.int16()),
        "category": _take(CATEGORIES, ass.cat),
        "ethnic_minority": pa.array(ass.em, pa.bool_()),
        "pledged_escape": pa.array(ass.pledged, pa.bool_()),
        "supported": pa.array(ass.supported, pa.bool_()),
    }, schema=SCHEMAS["assessments"])
    truth = {y: {"treated": k, "att": d / k} for y, (k, d) in sorted(ass.truth.items()) if y in years and y - 1 in years}
    return Population(vil.table, hh_table, members, assessments, truth)


def supported_draw(numbers, year: int) -> np.ndarray:
    """Whether a pledge of household number ``numbers`` (its code's digits: HK-62-0000123 → 123)
    in ``year`` is followed by support: a fixed hash, so that the demo's ledger (support/demo.py),
    built from the loaded database, gives support to exactly the households the generator helped."""
    x = (np.asarray(numbers, dtype=np.uint64) * np.uint64(2654435761) + np.uint64(year) * np.uint64(40503)) \
        % np.uint64(1 << 32)
    x = (x ^ (x >> np.uint64(13))) * np.uint64(1274126177) % np.uint64(1 << 32)
    return (x % np.uint64(UNSUPPORTED_ONE_IN)) != 0


def write(pop: Population, out_dir, fmt: str = "parquet") -> list[Path]:
    """Write one file per table (``villages.parquet``, ``households.parquet``, ...)."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown format {fmt!r} (parquet or csv)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in pop.tables().items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            import pyarrow.parquet as pq
            pq.write_table(table, path, compression="zstd")
        else:
            import pyarrow.csv as pacsv

            from chungtay.core.tables import formula_safe
            pacsv.write_csv(formula_safe(table), path)     # like every CSV the project writes (core.csvsafe)
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------

def _pct(a, b):
    return round(100.0 * a / b, 2) if b else None


def summary(pop: Population) -> dict[int, dict]:
    """Per-year counts and rates: totals, poor, near-poor, rates (all, ethnic-minority,
    Kinh, poor districts, urban), movements since the previous year in the table
    (escaped, of which to near-poor / above, newly poor, re-poor, poor that left), pledges
    and mean incomes. Movement counts are ``None`` for the first year."""
    A, H, V = pop.assessments, pop.households, pop.villages
    hh = pc.index_in(A.column("household_code"), value_set=H.column("household_code").combine_chunks())
    hh = hh.to_numpy(zero_copy_only=False).astype(np.int64)
    vi = pc.index_in(H.column("village_code"), value_set=V.column("village_code").combine_chunks())
    vi = vi.to_numpy(zero_copy_only=False).astype(np.int64)
    vdist = np.asarray(V.column("district_code").to_pylist())
    pdist_h = np.isin(vdist, list(POOR_DISTRICTS))[vi]
    year = A.column("year").to_numpy()
    cat = pc.index_in(A.column("category"), value_set=pa.array(CATEGORIES)).to_numpy(zero_copy_only=False)
    em = A.column("ethnic_minority").to_numpy(zero_copy_only=False)
    urb = pc.equal(A.column("area"), "urban").to_numpy(zero_copy_only=False)
    income = A.column("income").to_numpy()
    pledged = A.column("pledged_escape").to_numpy(zero_copy_only=False)
    std_col = A.column("standard")
    n_h = H.num_rows
    prev_cat = np.full(n_h, -1, dtype=np.int8)
    ever_poor = np.zeros(n_h, dtype=bool)
    out: dict[int, dict] = {}
    first = True
    prev_std = None
    for t in np.unique(year):
        r = np.flatnonzero(year == t)
        h, c = hh[r], cat[r]
        poor = c == 0
        pd_ = pdist_h[h]
        row = {
            "standard": std_col[int(r[0])].as_py() if len(r) else None,
            "total": int(len(r)), "poor": int(poor.sum()), "near_poor": int((c == 1).sum()),
            "poverty_rate": _pct(poor.sum(), len(r)),
            "near_poverty_rate": _pct((c == 1).sum(), len(r)),
            "em_total": int(em[r].sum()), "em_poor": int((poor & em[r]).sum()),
            "em_poverty_rate": _pct((poor & em[r]).sum(), em[r].sum()),
            "kinh_poverty_rate": _pct((poor & ~em[r]).sum(), (~em[r]).sum()),
            "poor_district_total": int(pd_.sum()), "poor_district_poor": int((poor & pd_).sum()),
            "poor_district_rate": _pct((poor & pd_).sum(), pd_.sum()),
            "urban_poverty_rate": _pct((poor & urb[r]).sum(), urb[r].sum()),
            "pledged": int(pledged[r].sum()),
            "pledged_escaped": int((pledged[r] & ~poor).sum()),
            "mean_income": int(income[r].mean()) if len(r) else None,
            "mean_income_poor": int(income[r][poor].mean()) if poor.any() else None,
        }
        now = np.full(n_h, -1, dtype=np.int8)
        now[h] = c
        # a new standard starts a new baseline: "re-poor" counts escapes under the same standard
        row["standard_changed"] = (not first) and row["standard"] != prev_std
        if row["standard_changed"]:
            ever_poor[:] = False
        if first:
            row.update(dict.fromkeys(("still_poor", "escaped", "escaped_to_near_poor",
                                      "escaped_above", "poor_left", "newly_poor", "re_poor"), None))
        else:
            was = prev_cat == 0
            row["still_poor"] = int((was & (now == 0)).sum())
            row["escaped_to_near_poor"] = int((was & (now == 1)).sum())
            row["escaped_above"] = int((was & (now >= 2)).sum())
            row["escaped"] = row["escaped_to_near_poor"] + row["escaped_above"]
            row["poor_left"] = int((was & (now < 0)).sum())
            fresh = (now == 0) & ~was
            row["newly_poor"] = int((fresh & ~ever_poor).sum())
            row["re_poor"] = int((fresh & ever_poor).sum())
        ever_poor |= now == 0
        prev_cat = now
        prev_std = row["standard"]
        first = False
        out[int(t)] = row
    return out


_COLUMNS = (("standard", "standard", 9), ("total", "households", 10), ("poor", "poor", 7),
            ("poverty_rate", "rate%", 6), ("near_poverty_rate", "near%", 6),
            ("em_poverty_rate", "EM%", 6), ("kinh_poverty_rate", "Kinh%", 6),
            ("poor_district_rate", "PD%", 6), ("urban_poverty_rate", "urb%", 5),
            ("escaped", "escaped", 7), ("escaped_to_near_poor", "→near", 6),
            ("newly_poor", "new", 6), ("re_poor", "re", 5), ("poor_left", "left", 5),
            ("pledged", "pledged", 7), ("mean_income_poor", "inc.poor", 9),
            ("mean_income", "inc.all", 9))


def format_summary(s: dict[int, dict]) -> str:
    """The calibration table as fixed-width text."""
    head = "year " + " ".join(f"{label:>{w}}" for _, label, w in _COLUMNS)
    lines = [head, "-" * len(head)]
    for y, row in s.items():
        cells = []
        for key, _, w in _COLUMNS:
            v = row.get(key)
            cells.append(f"{'' if v is None else v:>{w}}")
        lines.append(f"{y:<4} " + " ".join(cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m chungtay.synth [--households N] [--years 2016-2025] [--out DIR]``"""
    ap = argparse.ArgumentParser(prog="python -m chungtay.synth", description=__doc__.split("\n")[0])
    ap.add_argument("--households", type=int, default=129_000)
    ap.add_argument("--years", default="2016-2025", help="e.g. 2016-2025 or 2016,2020,2024")
    ap.add_argument("--seed", type=int, default=20161231)
    ap.add_argument("--profile", default="kon_tum", choices=sorted(PROFILES))
    ap.add_argument("--out", help="write the tables to this directory")
    ap.add_argument("--format", default="parquet", choices=("parquet", "csv"))
    a = ap.parse_args(argv)
    if "-" in a.years:
        lo, hi = (int(x) for x in a.years.split("-"))
        yrs = list(range(lo, hi + 1))
    else:
        yrs = [int(x) for x in a.years.split(",")]
    t0 = time.perf_counter()
    pop = generate(a.households, yrs, a.seed, a.profile)
    dt = time.perf_counter() - t0
    print(f"generated {pop.households.num_rows:,} households, {pop.members.num_rows:,} members, "
          f"{pop.assessments.num_rows:,} assessments in {dt:.1f} s")
    print(format_summary(summary(pop)))
    if a.out:
        for p in write(pop, a.out, a.format):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
