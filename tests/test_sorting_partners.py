"""Partner names are listed in Vietnamese order ("Đ" right after "D", not after "Z") on the
partners page and in every partner choice (provider, helper, group runner)."""
import re

from chungtay.support import people
from chungtay.support.queries import partner_choices

NAMES = ["Zalo Việt Nam", "Đoàn Thanh niên xã", "Dân quân tự vệ xã", "Hội Nông dân xã", "Ánh Dương"]
WANT = ["Ánh Dương", "Dân quân tự vệ xã", "Đoàn Thanh niên xã", "Hội Nông dân xã", "Zalo Việt Nam"]


def _make(officer, commune):
    for name in NAMES:
        people.create_partner(officer, unit=commune, name=name, kind="youth_union")


def test_the_partner_choices_are_in_vietnamese_order(commune_officer, my_commune):
    _make(commune_officer, my_commune)
    labels = [label.split(" (")[0] for _, label in partner_choices(commune_officer)]
    assert [n for n in labels if n in NAMES] == WANT


def test_the_partners_page_is_in_vietnamese_order(client, commune_officer, my_commune):
    _make(commune_officer, my_commune)
    client.force_login(commune_officer)
    html = client.get("/support/partners/").content.decode()
    found = [m for m in re.findall(r">([^<>]+)</", html) if m.strip() in NAMES]
    assert [m.strip() for m in found] == WANT
