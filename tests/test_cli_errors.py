"""Every command answers bad arguments with a one-line message and exit status 2, never a traceback."""
import os
import subprocess
import sys

import pytest

from chungtay.cli import main


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as e:          # argparse usage errors
        code = e.code
    err = capsys.readouterr().err
    return code, err


@pytest.fixture
def table(tmp_path):
    from chungtay.core.standards import get_standard
    codes = get_standard("2021-2025").indicator_codes
    p = tmp_path / "in.csv"
    p.write_text(",".join(["household_id", "area", "income", *codes]) + "\n"
                 + ",".join(["H1", "rural", "1000000", *["1"] * len(codes)]) + "\n")
    return str(p)


@pytest.fixture
def a_file(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("x")
    return p


BAD_GENERATE = [
    (["--years", "abc"], "--years"),
    (["--years", "2030-2010"], "first year is after the last"),
    (["--years", "1800"], "between"),
    (["--years", "1995", "--households", "10"], "no standard"),
    (["--households", "-5"], "--households"),
    (["--households", "0"], "--households"),
    (["--households", "abc"], "--households"),
    (["--households", "99999999999"], "--households"),
]


@pytest.mark.parametrize("argv,says", BAD_GENERATE)
def test_it_rejects_bad_generate_arguments(capsys, tmp_path, argv, says):
    code, err = run(capsys, "generate", "--out", str(tmp_path / "g"), *argv)
    assert code == 2
    assert says in err and "Traceback" not in err
    assert not (tmp_path / "g").exists()        # nothing written


def test_it_rejects_an_output_folder_inside_a_file_before_generating(capsys, a_file):
    code, err = run(capsys, "generate", "--households", "10", "--years", "2020", "--out", str(a_file / "sub"))
    assert code == 2 and "not a folder" in err
    assert "generated" not in err               # refused before any work


def test_it_rejects_an_output_folder_that_is_a_file(capsys, a_file):
    code, err = run(capsys, "generate", "--households", "10", "--years", "2020", "--out", str(a_file))
    assert code == 2 and "not a folder" in err


@pytest.mark.parametrize("argv,says", [
    (["--years", "2030-2010"], "first year is after the last"),
    (["--years", "x"], "--years"),
    (["--years", "2020-"], "--years"),
])
def test_it_rejects_bad_export_arguments(capsys, argv, says):
    code, err = run(capsys, "export", *argv)
    assert code == 2 and says in err and "Traceback" not in err


def test_it_rejects_an_export_folder_inside_a_file(capsys, a_file):
    code, err = run(capsys, "export", "--out", str(a_file / "x"), "--years", "2020")
    assert code == 2 and "not a folder" in err


@pytest.mark.parametrize("argv,says", [
    (["classify", "/nonexistent/in.csv", "--year", "2022"], "file not found"),
    (["classify", "{table}", "--year", "-5"], "no standard applies"),
    (["classify", "{table}", "--year", "abc"], "--year"),
    (["classify", "{table}", "--standard", "zzz"], "unknown standard"),
    (["classify", "{table}", "--year", "2022", "-o", "{file}/x.csv"], "not a folder"),
    (["classify", "{table}", "--year", "2022", "-o", "{missing}/x.csv"], "does not exist"),
    (["classify", "{table}", "--year", "2022", "-o", "{dir}"], "is a folder"),
    (["standards", "show", "zzz"], "unknown standard"),
    (["standards", "list", "--format", "xml"], "--format"),
    (["serve", "--port", "99999999"], "port"),
    (["serve", "--port", "-1"], "port"),
    (["demo", "--households", "-5", "--no-serve"], "--households"),
    (["measures", "mpi", "{table}", "--indicators", "area"], "0 or 1"),
    (["measures", "mpi", "{table}", "--indicators", "income", "--k", "abc"], "--k"),
    (["measures", "mpi", "{table}", "--indicators", "income", "--weights", "x"], "--weights"),
    (["measures", "fgt", "{table}", "--line", "1e400", "--income-column", "income"], "finite"),
    (["measures", "fgt", "{table}", "--line", "-5", "--income-column", "income"], "positive"),
    (["measures", "near-escape", "{table}", "--year", "3000"], "no standard applies"),
    (["measures", "near-escape", "{table}", "--year", "2022", "--income-gap", "zz"], "--income-gap"),
    (["measures", "near-escape", "{table}", "--year", "2022", "-o", "{file}/x.csv"], "not a folder"),
    (["import", "/nonexistent.xlsx", "--commune", "x", "--user", "y"], "file not found"),
    (["import", "{table}", "--commune", "x", "--user", "y", "--errors", "{missing}/e.xlsx"], "does not exist"),
    (["nonsense"], "invalid choice"),
])
def test_it_answers_bad_arguments_with_a_message(capsys, tmp_path, table, a_file, argv, says):
    fill = {"table": table, "file": str(a_file), "missing": str(tmp_path / "missing"), "dir": str(tmp_path)}
    code, err = run(capsys, *[a.format(**fill) for a in argv])
    assert code == 2
    assert says in err, err
    assert "Traceback" not in err


def test_it_reports_a_database_that_is_not_ready_without_a_traceback(tmp_path):
    """A real process, as a user runs it: `export` before any `demo`/`migrate`."""
    env = {**os.environ, "CHUNGTAY_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    env.pop("DATABASE_URL")
    r = subprocess.run([sys.executable, "-m", "chungtay", "export", "--out", str(tmp_path / "s"), "--years", "2020"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2
    assert "database" in r.stderr and "migrate" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("argv,says", [
    (["keys", "nonsense"], "invalid choice"),
    (["keys", "create", "--out", "{file}/keys.env"], "cannot write"),
    (["keys", "rotate", "--new-key-file", "{missing}/keys.env"], "cannot read"),
    (["backup"], "--out"),
    (["backup", "--out", "{dir}", "--keep", "abc"], "--keep"),
    (["restore"], "BACKUP_FOLDER"),
    (["restore", "{missing}", "--actor", "admin"], "not a Chung Tay backup"),
    (["tokens", "create"], "--user"),
    (["tokens", "revoke", "--user", "admin"], "ID|PREFIX"),
    (["field", "xlsform", "abc", "-o", "{dir}/f.xlsx"], "ROUND_ID"),
    (["field", "import", "1", "{missing}/x.csv"], "--actor"),
    (["worker", "--interval", "abc"], "--interval"),
    (["emulation", "score"], "required"),
    (["emulation", "score", "{missing}/t.json", "{table}", "--format", "json"], "file not found"),
])
def test_the_operations_commands_answer_bad_arguments_with_a_message(capsys, tmp_path, table, a_file, argv, says):
    fill = {"table": table, "file": str(a_file), "missing": str(tmp_path / "missing"), "dir": str(tmp_path)}
    code, err = run(capsys, *[a.format(**fill) for a in argv])
    assert code == 2, err
    assert says in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv,says", [
    (["backup", "--out", "{tmp}/b"], "nothing to back up"),
    (["tokens", "list", "--user", "admin"], "migrate"),
])
def test_the_database_commands_report_a_database_that_is_not_ready(tmp_path, argv, says):
    """Real processes on a data folder that has no migrated database (not created, then empty)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CHUNGTAY_DATA_DIR"] = str(tmp_path)
    for _ in range(2):         # the first run may leave an empty database file behind: the second meets it
        r = subprocess.run([sys.executable, "-m", "chungtay", *[a.format(tmp=tmp_path) for a in argv]],
                           capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 2, r.stderr
        assert says in r.stderr and "Traceback" not in r.stderr
    assert not list((tmp_path / "b").glob("chungtay-backup-*")) if (tmp_path / "b").exists() else True
