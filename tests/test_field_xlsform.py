"""The exported XLSForm: converted by pyxform 4.5.0 with ODK Validate (the bundled Java validator;
Java is on the machine), with no warnings, and the XForm holds the binds, constraints, relevance,
choices and translations the web form's checks imply. The tablet's provisional classification
(an XPath expression built from the standard's rule table) is evaluated here and agrees with the
classifier on every line's boundary."""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from chungtay.core.classify import classify
from chungtay.core.standards import standard_for_year
from chungtay.field import xlsform
from chungtay.field.views import villages
from chungtay.households import bounds
from chungtay.reviews import actions as round_actions
from chungtay.reviews.models import ReviewRound

NS = {"h": "http://www.w3.org/1999/xhtml", "x": "http://www.w3.org/2002/xforms",
      "jr": "http://openrosa.org/javarosa", "odk": "http://www.opendatakit.org/xforms"}
JR = "{http://openrosa.org/javarosa}"


def _round(commune, year):
    return ReviewRound(commune=commune, province=commune.parent, year=year)


def _convert(data: bytes, validate: bool = True):
    return convert(xlsform=io.BytesIO(data), file_type=".xlsx", validate=validate)


@pytest.mark.parametrize("year", [2019, 2024, 2028])
def test_exported_form_passes_pyxform_and_odk_validate(year, my_commune):
    rnd = _round(my_commune, year)
    form = xlsform.build(rnd, villages(rnd))
    data = xlsform.to_xlsx(form)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["survey", "choices", "settings"]
    assert [c.value for c in wb["settings"][1]] == ["form_title", "form_id", "default_language", "instance_name", "version"]
    result = _convert(data, validate=True)            # ODK Validate runs (Java); it raises on an invalid form
    assert result.warnings == []
    root = ET.fromstring(result.xform)
    std = standard_for_year(year)
    model = root.find("h:head/x:model", NS)
    data_node = model.find("x:instance/x:data", NS)
    assert data_node.get("id") == f"chungtay_{my_commune.code}_{year}" == form.settings["form_id"]
    assert data_node.get("version") == form.settings["version"]
    binds = {b.get("nodeset"): b for b in model.findall("x:bind", NS)}
    income = binds["/data/thu_nhap_diem/thu_nhap"]
    assert income.get("type") == "decimal" and income.get("required") == "true()"
    assert income.get("constraint") == f". >= 0 and . <= {bounds.MAX_INCOME}"
    assert re.sub(r"\s+", "", income.get("relevant")) == "/data/thu_nhap_diem/can_cu='income'"
    assert binds["/data/ho/ma_ho"].get("required") == "true()"
    assert binds["/data/chi_so/thieu_hut"].get("constraint") == "not(selected(., 'khong') and count-selected(.) > 1)"
    assert binds["/data/ghi_chu"].get("constraint") == "string-length(.) <= 300"
    assert binds["/data/meta/instanceID"].get(f"{JR}preload") == "uid"
    if std.score_a:                                   # 2021-2025: income or score A, as the standard allows
        score = binds["/data/thu_nhap_diem/diem_a"]
        assert score.get("constraint") == f". >= 0 and . <= {bounds.MAX_SCORE_A}"
        assert re.sub(r"\s+", "", score.get("relevant")) == "/data/thu_nhap_diem/can_cu='score_a'"
        assert binds["/data/thu_nhap_diem/can_cu"].get("required") == "true()"
    else:                                             # income only: no score question at all
        assert "/data/thu_nhap_diem/diem_a" not in binds
        assert binds["/data/thu_nhap_diem/can_cu"].get("calculate") == "'income'"
    # the indicators of the year's standard, in legal order, then "no deprivation"
    items = model.findall("x:instance[@id='thieu_hut']/root/item", NS) or model.findall(
        "x:instance[@id='thieu_hut']/x:root/x:item", NS)
    names = [i.findtext("x:name", namespaces=NS) or i.findtext("name") for i in items]
    assert names == list(std.indicator_codes) + ["khong"]
    # the household list is the CSV attachment, filtered by the chosen village
    ext = model.find("x:instance[@id='ho_ra_soat']", NS)
    assert ext.get("src") == "jr://file-csv/ho_ra_soat.csv"
    assert "instance('ho_ra_soat')/root/item[ /data/ho/thon  = '' or thon =  /data/ho/thon ]" in result.xform
    # Vietnamese first, English second, for every label, hint and message
    langs = [t.get("lang") for t in model.findall("x:itext/x:translation", NS)]
    assert langs == ["Tiếng Việt (vi)", "English (en)"]
    vi = model.find("x:itext/x:translation[@lang='Tiếng Việt (vi)']", NS)
    assert vi.get("default") == "true()"
    texts = {t.get("id"): "".join(t.itertext()) for t in vi.findall("x:text", NS)}
    assert texts["/data/thu_nhap_diem/thu_nhap:label"] == "Thu nhập bình quân đầu người/tháng (đồng)"
    assert texts["/data/thu_nhap_diem/thu_nhap:jr:constraintMsg"] == bounds.income_error(bounds.MAX_INCOME + 1)[0]
    first = std.indicators[0]
    assert texts["thieu_hut-0"].startswith(f"{first.name_vi}: {first.deprivation_vi}")
    assert binds["/data/meta/instanceName"].get("calculate") == "concat( /data/ho/ma_ho , ' – ',  /data/ho/chu_ho )"


def test_a_broken_form_is_caught_by_the_check():
    """The check is not a formality: an unknown reference fails pyxform, a bad expression fails ODK
    Validate."""
    from types import SimpleNamespace as NS_
    rnd = NS_(year=2024, kind="periodic", month=None, commune=NS_(code="1", full_name="X"))
    form = xlsform.build(rnd, [])                      # a commune without villages: no village filter
    assert _convert(xlsform.to_xlsx(form), validate=False).warnings == []
    form.survey[-1]["relevant"] = "${khong_co_cau_nay} != ''"
    with pytest.raises(Exception, match="khong_co_cau_nay"):
        _convert(xlsform.to_xlsx(form), validate=False)
    form = xlsform.build(rnd, [])
    form.survey[-4]["calculation"] = "if(${thu_nhap} <= 2e+06, 'poor', 'average')"
    with pytest.raises(Exception, match="Invalid calculate"):
        _convert(xlsform.to_xlsx(form), validate=True)


def _xpath_eval(expr: str, env: dict):
    """The small XPath subset of the provisional classification, evaluated in Python."""
    py = re.sub(r"\$\{(\w+)\}", r"v_\1", expr)
    py = re.sub(r"(?<![<>!=])=(?!=)", "==", py).replace("if(", "if_(")
    return eval(py, {"if_": lambda c, a, b: a if c else b}, {f"v_{k}": v for k, v in env.items()})


@pytest.mark.parametrize("year", [2019, 2024, 2028])
def test_the_tablets_provisional_result_agrees_with_the_classifier(year):
    from types import SimpleNamespace as NS_
    rnd = NS_(year=year, kind="periodic", month=None, commune=NS_(code="1", full_name="X"))
    form = xlsform.build(rnd, [])
    chain = next(r["calculation"] for r in form.survey if r["name"] == "ket_qua_tam")
    std = form.standard
    checked = 0
    for area in ("rural", "urban"):
        values = sorted({v + d for ln in std.lines.values() for v in (ln.value(area),) for d in (-1, 0, 1)})
        for income in values:
            for d in range(len(std.indicators) + 1):
                deprived = list(std.indicator_codes[:d])
                want = classify(std, area=area, income=income, deprived=deprived).category
                got = _xpath_eval(chain, {"can_cu": "income", "thu_nhap": income, "diem_a": 0, "khu_vuc": area,
                                          "so_thieu_hut": d})
                assert got == want, (area, income, d)
                checked += 1
        if std.score_a:
            for score in (139, 140, 141, 174, 175, 176):
                for d in (0, 2, 3, 5):
                    want = classify(std, area=area, score_a=score, deprived=list(std.indicator_codes[:d])).category
                    got = _xpath_eval(chain, {"can_cu": "score_a", "thu_nhap": 0, "diem_a": score, "khu_vuc": area,
                                              "so_thieu_hut": d})
                    assert got == want, (area, score, d)
    assert checked > 100


def test_household_list_has_names_but_no_ids(commune_officer, my_commune):
    from chungtay.households.models import Member
    from chungtay.units.labels import village_labels
    rnd = round_actions.open_round(commune_officer, my_commune, 2026)
    rows = xlsform.household_rows(rnd, village_labels(my_commune))
    text = xlsform.household_csv(rows).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "name,label,thon,chu_ho,ten_thon,khu_vuc,ket_qua_truoc"
    assert len(lines) == rnd.members.count() + 1 > 1
    codes = set(rnd.members.values_list("household__code", flat=True))
    assert {r["name"] for r in rows} == codes
    first = rnd.members.select_related("household").order_by("id").first().household
    row = next(r for r in rows if r["name"] == first.code)
    assert row["chu_ho"] == first.head_name and row["label"].startswith(f"{first.code} – {first.head_name} – ")
    assert row["ket_qua_truoc"] in ("Hộ nghèo (2025)", "Hộ cận nghèo (2025)")    # why the round listed it
    assert not re.search(r"\d{12}", text)                      # no citizen ID number
    assert Member.objects.filter(household__in=rnd.members.values("household"), citizen_id_digest__gt="").exists()


def test_version_follows_the_content(my_commune):
    a = xlsform.build(_round(my_commune, 2024), [("1", "Thôn 1")])
    b = xlsform.build(_round(my_commune, 2024), [("1", "Thôn 1")])
    c = xlsform.build(_round(my_commune, 2024), [("1", "Thôn 1"), ("2", "Thôn 2")])
    assert a.settings["version"] == b.settings["version"] != c.settings["version"]
    assert a.settings["version"].startswith("202401-")
