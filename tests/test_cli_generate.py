"""`chungtay generate`: deterministic files, and loading into the database."""
import hashlib
import subprocess
import sys

import pyarrow.csv as pacsv
import pytest

from chungtay.cli import main


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert main(["generate", "--households", "600", "--years", "2016-2018", "--out", str(out),
                     "--format", "csv"]) == 0
    assert _digest(a) == _digest(b)
    assert set(_digest(a)) == {"villages.csv", "households.csv", "members.csv", "assessments.csv"}
    t = pacsv.read_csv(a / "assessments.csv")
    assert set(t.column("year").to_pylist()) == {2016, 2017, 2018}
    main(["generate", "--households", "600", "--years", "2016-2018", "--out", str(tmp_path / "c"),
          "--format", "csv", "--seed", "7"])
    assert _digest(tmp_path / "c") != _digest(a)


def test_generated_assessments_classify_the_same_with_the_command(tmp_path):
    """The synthetic categories are what `classify` gives for the same inputs."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from chungtay.core import get_standard
    main(["generate", "--households", "500", "--years", "2024", "--out", str(tmp_path)])
    a = pq.read_table(tmp_path / "assessments.parquet")
    s = get_standard("2021-2025")
    masks = a.column("deprivation_mask").to_pylist()
    cols = {c: [m >> i & 1 for m in masks] for i, c in enumerate(s.indicator_codes)}
    pq.write_table(pa.table({"household_id": a.column("household_code"), "area": a.column("area"),
                             "income": a.column("income"), **cols}), tmp_path / "in.parquet")
    assert main(["classify", str(tmp_path / "in.parquet"), "--year", "2024", "-o", str(tmp_path / "out.parquet")]) == 0
    assert pq.read_table(tmp_path / "out.parquet").column("category").to_pylist() == a.column("category").to_pylist()


@pytest.mark.django_db
def test_load_refuses_to_duplicate_without_replace():
    from chungtay.households.models import Household
    n = Household.objects.count()
    assert main(["generate", "--households", "300", "--years", "2024", "--load"]) == 0
    assert Household.objects.count() == n            # the world is already loaded: skipped


def test_core_has_no_django_imports():
    code = ("import sys, chungtay.core, chungtay.core.tables, chungtay.core.vector, chungtay.synth; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
