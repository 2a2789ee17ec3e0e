"""CSV exports neutralise cells a spreadsheet would run as formulas; numbers stay numbers."""
import csv
import io

import pytest
from django.urls import reverse

from chungtay.core import csvsafe
from chungtay.households import actions
from chungtay.units.models import Unit


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-3.5", "-3.5"), ("-3,5", "-3,5"), ("+12", "+12"), ("Nguyễn Văn A", "Nguyễn Văn A"), ("", ""), (-3.5, -3.5),
])
def test_it_neutralises_formula_cells_only(value, expected):
    assert csvsafe.cell(value) == expected


def test_the_dict_writer_neutralises_values_and_headers():
    buf = io.StringIO()
    w = csvsafe.DictWriter(buf, fieldnames=["name", "=rate"])
    w.writeheader()
    w.writerow({"name": "=1+2", "=rate": -3.5})
    assert buf.getvalue().splitlines() == ["name,'=rate", "'=1+2,-3.5"]


@pytest.mark.django_db
def test_the_household_export_writes_a_formula_name_as_text(as_commune_officer, commune_officer, my_commune):
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    actions.create_household(commune_officer, code="CSV-0001", village=village,
                             head={"full_name": "=HYPERLINK(\"http://evil\",\"x\")", "sex": "M", "birth_year": 1980,
                                   "ethnicity": "Kinh"})
    body = as_commune_officer.get(reverse("households") + "?q=csv-0001&format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "CSV-0001" and rows[1][1] == "'=HYPERLINK(\"http://evil\",\"x\")"


def test_the_classify_command_output_neutralises_text_cells(tmp_path):
    import pyarrow as pa

    from chungtay.core.tables import write_table
    write_table(pa.table({"household_id": ["=cmd|' /C calc'!A0", "H-2"], "income": [-3.5, 2.0]}),
                tmp_path / "o.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "o.csv").read_text())))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-3.5"] and rows[2] == ["H-2", "2"]


def test_the_generate_command_csv_neutralises_text_cells(tmp_path):
    """`chungtay generate --format csv` writes through synth.write: a name a spreadsheet would run is
    text there too (the Parquet file keeps the value as it is)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from chungtay import synth

    class Pop:
        def tables(self):
            return {"members": pa.table({"full_name": ["=HYPERLINK(\"http://x\")", "Nguyễn Văn A"],
                                         "income": [-3, 5]})}
    path, = synth.write(Pop(), tmp_path / "csv", fmt="csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[1:] == [["'=HYPERLINK(\"http://x\")", "-3"], ["Nguyễn Văn A", "5"]]
    path, = synth.write(Pop(), tmp_path / "pq", fmt="parquet")
    assert pq.read_table(path).column("full_name").to_pylist()[0] == "=HYPERLINK(\"http://x\")"
