"""``chungtay import``: progress on standard error, exit 2 with the per-row report and nothing
written on bad input, counts on success, --dry-run writes nothing."""
import json

import pytest

from chungtay.cli import main
from chungtay.households.models import Household
from chungtay.imports.engine import Villages
from tests.test_import_support import ID_BINH, db_counts, good_rows, villages_of, write_xlsx


@pytest.fixture
def sheets(my_commune):
    vs = villages_of(my_commune)
    return good_rows(Villages.of(my_commune).label(vs[0].id), vs[1].code, prefix="00150")


def test_cli_imports_and_reports_counts(commune_officer, my_commune, sheets, tmp_path, capsys):
    path = write_xlsx(tmp_path / "ds.xlsx", sheets)
    assert main(["import", str(path), "--commune", my_commune.code, "--user", "xa"]) == 0
    out, err = capsys.readouterr()
    assert "imported into" in out and "members     created        7" in out
    assert "\r[" in err and "100%" in err                 # the progress bar, redrawn in place
    assert Household.objects.filter(code="001501").exists()
    assert main(["import", str(path), "--commune", my_commune.code, "--user", "xa"]) == 0
    assert "nothing changed" in capsys.readouterr()[0]


def test_cli_exits_2_with_the_report_and_writes_nothing(commune_officer, my_commune, sheets, tmp_path, capsys):
    sheets["NhanKhau"][2][6] = ID_BINH[:-1] + "x"
    sheets["Ho"][3][1] = "Không có"
    path = write_xlsx(tmp_path / "loi.xlsx", sheets)
    report = tmp_path / "loi-report.xlsx"
    before = db_counts()
    code = main(["import", str(path), "--commune", my_commune.code, "--user", "xa", "--errors", str(report)])
    out, err = capsys.readouterr()
    assert code == 2 and db_counts() == before
    assert "2 lỗi" in err and "nothing written" in err
    assert "Ho\t4\tThôn\tKhông có\tKhông có thôn/tổ dân phố này trong xã" in err
    assert "NhanKhau\t3\tSố CCCD\t•••••••••32x\tSố CCCD phải gồm đúng 12 chữ số" in err
    assert ID_BINH[:-1] not in err + out
    assert report.exists()


def test_cli_dry_run_and_json(commune_officer, my_commune, sheets, tmp_path, capsys):
    path = write_xlsx(tmp_path / "ds.xlsx", sheets)
    before = db_counts()
    assert main(["import", str(path), "--commune", my_commune.code, "--user", "xa", "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr()[0])
    assert data["ok"] and data["dry_run"] and data["counts"]["households"]["created"] == 3
    assert db_counts() == before


def test_cli_refuses_a_commune_outside_the_users_area(other_commune, sheets, tmp_path, capsys, commune_officer):
    path = write_xlsx(tmp_path / "ds.xlsx", sheets)
    assert main(["import", str(path), "--commune", other_commune.code, "--user", "xa"]) == 2
    assert "ngoài địa bàn" in capsys.readouterr()[1]
    assert main(["import", str(path), "--commune", "99999999", "--user", "xa"]) == 2
    assert main(["import", str(path), "--commune", other_commune.code, "--user", "khong-co"]) == 2
    assert main(["import", str(tmp_path / "none.xlsx"), "--commune", other_commune.code, "--user", "xa"]) == 2
