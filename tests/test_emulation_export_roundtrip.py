"""The app's criteria export is the CLI's table (issue 12 §5; audit GAP 9): the criteria set
downloaded from /emulation/criteria/<id>.json, run through ``chungtay emulation score`` on the
values the app scored (one row per participant, with its cluster), gives the same totals, ranks
and bands as the app's computation."""
import csv
import json
import subprocess
import sys
from pathlib import Path

from chungtay.emulation.models import Score, ScoreTotal
from tests.emulation_helpers import scored

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_export_scores_the_same_with_the_cli(client, commune_officer, my_commune, tmp_path):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    client.force_login(commune_officer)
    r = client.get(f"/emulation/criteria/{run.criteria_set_id}.json")
    assert r.status_code == 200
    (tmp_path / "table.json").write_bytes(b"".join(r.streaming_content) if r.streaming else r.content)
    table = json.loads((tmp_path / "table.json").read_text(encoding="utf-8"))
    column_of = {c["code"]: c["column"] for c in table["criteria"]}
    columns = sorted(set(column_of.values()))
    rows = []
    for p in (p1, p2):
        values = {column_of[s.criterion]: repr(s.value) for s in Score.objects.filter(run=run, participant=p)}
        assert set(values) == set(columns)
        rows.append({"id": str(p.pk), "cluster": ScoreTotal.objects.get(run=run, participant=p).cluster, **values})
    with open(tmp_path / "inputs.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["id", "cluster", *columns])
        w.writeheader()
        w.writerows(rows)
    out = subprocess.run([sys.executable, "-m", "chungtay", "emulation", "score", str(tmp_path / "table.json"),
                          str(tmp_path / "inputs.csv"), "--cluster-column", "cluster", "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["table"] == table["code"]
    assert [q["id"] for q in got["participants"]] == [str(p1.pk), str(p2.pk)]
    for q in got["participants"]:
        t = ScoreTotal.objects.get(run=run, participant_id=int(q["id"]))
        assert (q["total"], q["rank"], q["band"], q["cluster"]) == (t.total, t.rank, t.band or None, t.cluster)
        for code, points in q["scores"].items():
            assert points == Score.objects.get(run=run, participant_id=int(q["id"]), criterion=code).points
    assert {(q["rank"], q["band"]) for q in got["participants"]} == {(1, "Xuất sắc"), (2, "Hoàn thành")}
