"""A household's pledge to escape poverty (support app) counts as its registration in the movement
(issue 12 §3): it is in the registrations count and summary, marked as coming from the pledge, and
``register`` refuses to type a second registration of that household for that year."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chungtay.emulation import actions
from chungtay.emulation.models import Participant, Registration
from chungtay.emulation.registrations import summary
from chungtay.households.models import Household
from chungtay.support.models import Pledge
from chungtay.support.people import record_pledge
from tests.emulation_helpers import movement


def test_a_households_pledge_is_its_registration(client, commune_officer, my_commune):
    m = movement(commune_officer, my_commune)
    pledged, other = Household.objects.filter(commune=my_commune, status="active").exclude(
        pledges__year__in=[2023, 2024]).order_by("code")[:2]
    Pledge.objects.filter(household__in=[pledged, other]).delete()
    hp = actions.add_participant(commune_officer, m, household=pledged)
    op = actions.add_participant(commune_officer, m, household=other)
    record_pledge(commune_officer, pledged, year=2024, plan="Nuôi bò, trồng cà phê", registered_on=dt.date(2024, 1, 10))
    Pledge.objects.create(household=other, year=2019, plan="trước phong trào", registered_on=dt.date(2019, 1, 1),
                          village=other.village, commune=other.commune, province=other.province)   # outside 2021–2025

    # a second, typed registration of the same household and year is refused, saying where the pledge is
    with pytest.raises(ValidationError) as e:
        actions.register(commune_officer, hp, year=2024, registered_on=dt.date(2024, 1, 15),
                         titles=["Hộ thoát nghèo"], targets=[("Thoát nghèo", "hộ", "1")])
    msg = " ".join(e.value.messages)
    assert "đã đăng ký thoát nghèo năm 2024" in msg and "Đăng ký thoát nghèo" in msg and "không nhập lại" in msg
    assert not Registration.objects.filter(participant=hp).exists()
    # another year, or a household without a pledge, registers as before
    actions.register(commune_officer, hp, year=2025, registered_on=dt.date(2025, 1, 15), titles=["Hộ thoát nghèo"])
    actions.register(commune_officer, op, year=2024, registered_on=dt.date(2024, 1, 15), titles=["Hộ thoát nghèo"])

    # the count: two typed and one pledge (the pledge of 2019 is outside the movement's period)
    s = summary(m)
    assert (s.typed, s.pledged, s.total) == (2, 1, 3)
    client.force_login(commune_officer)
    page = client.get(f"/emulation/{m.pk}/").content.decode()
    assert "<b>3</b> (trong đó 1 từ đăng ký thoát nghèo của hộ)" in page
    page = client.get(f"/emulation/{m.pk}/registrations/").content.decode()
    assert "<b>3</b> (nhập theo mẫu đăng ký: 2; từ đăng ký thoát nghèo của hộ: 1)" in page
    row = page.split('<tr class="pledge">')[1].split("</tr>")[0]
    assert pledged.code in row and "Từ đăng ký thoát nghèo" in row and "2024" in row
    assert page.count('<tr class="pledge">') == 1


def test_the_demo_households_register_by_their_pledges(db):
    from chungtay.emulation.demo import create_demo_movement
    from chungtay.emulation.models import Movement
    out = create_demo_movement()
    cm = Movement.objects.get(pk=out["commune_movement"])
    hh = list(cm.participants.filter(kind=Participant.HOUSEHOLD).values_list("household_id", flat=True))
    assert len(hh) == 3
    assert not Registration.objects.filter(participant__movement=cm, participant__kind=Participant.HOUSEHOLD).exists()
    assert Pledge.objects.filter(household_id__in=hh, year=2019).count() == 3
    assert summary(cm).pledged >= 3
