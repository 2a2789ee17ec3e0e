"""URL matrix rows of the open data (chungtay/opendata): public, so every user — anonymous
included — reads the page, the CSV and the JSON of xa's commune and its province (200); writes
answer 405. The figures themselves are tested in tests/test_opendata.py."""
from tests.test_role_url_matrix import DATA_YEAR, Case, codes

PUBLIC = codes(200, anon=200)
NO_WRITES = codes(405, anon=405)


def _commune(w):
    return f"?year={DATA_YEAR}&unit={w.commune.code}"


def _province(w):
    return f"?year={DATA_YEAR}&unit={w.province.code}"


CASES = {
    name: [Case("GET", expect=PUBLIC, query=_commune), Case("GET", expect=PUBLIC, query=_province),
           Case("GET", expect=PUBLIC), Case("POST", expect=NO_WRITES, query=_commune)]
    for name in ("opendata:page", "opendata:csv", "opendata:json")
}
