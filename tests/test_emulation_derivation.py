"""A derived movement (issue 12 §1): a province's from the national one, a commune's from its own
province's, within its parent's period; the launch page offers the parent's contents and goals."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chungtay.emulation.models import Movement
from tests.emulation_helpers import movement


@pytest.fixture
def province_movement(province_officer, my_commune):
    national = Movement.objects.get(level="national", decision_no="1258/QĐ-TTg")
    return movement(province_officer, None, level="province", unit=my_commune.parent, name="Tỉnh chung tay",
                    decision_no="2736/KH-UBND", decision_date=dt.date(2017, 10, 11), issuer="UBND tỉnh",
                    start_year=2017, end_year=2020, parent=national,
                    contents=["Nội dung một của tỉnh", "Nội dung hai của tỉnh", "Nội dung ba của tỉnh"])


def _refused(match, *args, **kw):
    with pytest.raises(ValidationError) as e:
        movement(*args, **kw)
    assert match in " ".join(e.value.messages)
    return e.value


def test_a_commune_derives_from_its_province_only(commune_officer, other_commune_officer, my_commune, other_commune,
                                                  province_movement):
    national = Movement.objects.get(level="national", decision_no="1258/QĐ-TTg")
    # wrong level: a commune's movement from the national one
    _refused("của xã từ phong trào tỉnh", commune_officer, my_commune, parent=national, start_year=2018,
             end_year=2020)
    # a commune movement cannot derive from another commune's either
    cm = movement(commune_officer, my_commune, parent=province_movement, start_year=2018, end_year=2020)
    assert cm.parent_id == province_movement.pk
    # the parent is not this commune's province's movement (an officer of two provinces sees both)
    from django.contrib.auth import get_user_model

    from chungtay.accounts.models import Assignment
    from chungtay.units.models import Unit
    elsewhere = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE).exclude(
        pk=my_commune.parent_id).order_by("code").first()
    assert elsewhere is not None
    both = get_user_model().objects.create(username="hai_tinh")
    for u in (my_commune.parent, elsewhere):
        Assignment.objects.create(user=both, unit=u, role="province_officer")
    other = movement(both, None, level="province", unit=elsewhere, name="Tỉnh khác", decision_no="9/KH-UBND",
                     start_year=2017, end_year=2020, parent=national)
    _refused("của tỉnh chứa xã này", both, my_commune, parent=other, start_year=2018, end_year=2020)
    # and a province's movement from a province's (wrong level again)
    _refused("Phong trào của tỉnh phát triển từ phong trào Trung ương", both, None, level="province",
             unit=elsewhere, decision_no="10/KH-UBND", parent=province_movement, start_year=2018, end_year=2020)


@pytest.mark.parametrize("start,end", [(2021, 2025), (2016, 2019), (2018, 2021)])
def test_a_derived_movement_lies_within_its_parents_period(commune_officer, my_commune, province_movement, start, end):
    e = _refused("phải nằm trong thời gian của phong trào cấp trên 2736/KH-UBND (2017–2020)", commune_officer,
                 my_commune, parent=province_movement, start_year=start, end_year=end)
    assert "start_year" in e.message_dict
    assert not Movement.objects.filter(parent=province_movement).exists()


def test_the_launch_page_offers_the_parents_contents_and_goals(client, commune_officer, my_commune,
                                                               province_movement):
    from chungtay.plans.models import Target
    goal = Target.objects.filter(unit=my_commune.parent).first() or Target.objects.first()
    assert goal is not None
    province_movement.goals.set([goal])
    client.force_login(commune_officer)
    page = client.get(f"/emulation/?parent={province_movement.pk}").content.decode()
    assert "Nội dung một của tỉnh\nNội dung hai của tỉnh\nNội dung ba của tỉnh" in page
    assert "Các tập thể, cá nhân, gia đình đóng góp công sức" not in page         # not Kon Tum's six
    import re
    box = re.search(r'<input[^>]*name="goals"[^>]*value="%d"[^>]*>' % goal.pk, page)
    assert box is not None and "checked" in box.group(0)           # the parent's goal, offered and ticked
    # without a parent: Kon Tum's six
    assert "Các tập thể, cá nhân, gia đình đóng góp công sức" in client.get("/emulation/").content.decode()
    # the commune launches with the province's goal (outside its own area) and the parent's contents
    r = client.post("/emulation/", {"name": "Xã chung tay", "level": "commune", "unit": str(my_commune.pk),
                                    "decision_no": "15/KH-UBND", "decision_date": "2017-12-05", "issuer": "UBND xã",
                                    "parent": str(province_movement.pk), "start_year": "2018", "end_year": "2020",
                                    "goals": [str(goal.pk)], "contents": "Nội dung một của tỉnh\nNội dung hai của tỉnh"})
    assert r.status_code == 302, r.content.decode()[:3000]
    cm = Movement.objects.get(parent=province_movement)
    assert list(cm.goals.values_list("pk", flat=True)) == [goal.pk] and cm.contents.count() == 2
    # the period outside the parent's, through the page: the message on the form
    r = client.post("/emulation/", {"name": "Xã chung tay 2", "level": "commune", "unit": str(my_commune.pk),
                                    "decision_no": "16/KH-UBND", "decision_date": "2021-12-05", "issuer": "UBND xã",
                                    "parent": str(province_movement.pk), "start_year": "2021", "end_year": "2025"})
    assert r.status_code == 200 and "phải nằm trong thời gian của phong trào cấp trên" in r.content.decode()
