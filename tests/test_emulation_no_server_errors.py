"""No input makes an emulation page answer 500: every emulation URL with the real ids of a scored
movement, random form fields (the forms' own names) and extreme values, as the officer who may
write and as the others."""
import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.emulation_helpers import scored

EXTREMES = ["", " ", "0", "-1", "2025", "2030", "1e308", "-1e308", "nan", "inf", "1,5", "1.200.000", "abc",
            "xã Đắk Hà 😀", "a\x00b", "x" * 3000, "99999999999999999999", "1 | hộ | 3", "a|b", "{}",
            '{"code": "T", "name": "T", "bands": [], "criteria": []}', "2025-02-30", "2025-04-01", "running",
            "participant", "cluster", "member", "head", "unit", "partner", "household", "communication", "support",
            "exemplary", "1,2,3", "12x"]


def _fields():
    from chungtay.emulation import forms
    names = set()
    for obj in vars(forms).values():
        if isinstance(obj, type) and hasattr(obj, "base_fields"):
            names |= set(obj.base_fields)
    return sorted(names | {"what", "to"})


FIELDS = _fields()


@pytest.fixture
def world(commune_officer, my_commune):
    m, run, p1, p2, _ = scored(commune_officer, my_commune)
    ids = [str(x) for x in (m.pk, run.pk, p1.pk, p2.pk, run.criteria_set_id, m.clusters.get().pk, my_commune.pk)]
    urls = [reverse(f"emulation:{n}", args=[m.pk]) for n in ("detail", "state", "participants", "registrations",
                                                             "pacts", "activities", "criteria", "run_new")]
    urls += [reverse(f"emulation:{n}", args=[run.pk]) for n in ("run", "run_value", "run_advance")]
    return ids, urls + [reverse("emulation:list")]


@pytest.mark.parametrize("who", ["xa", "chutich", "tinh"])
def test_no_form_input_makes_a_server_error(world, who, django_user_model):
    from django.test import Client
    ids, urls = world
    c = Client()
    c.force_login(django_user_model.objects.get(username=who))
    values = st.one_of(st.sampled_from(EXTREMES + ids), st.text(max_size=30))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
    @given(url=st.sampled_from(urls), form=st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=10))
    def run(url, form):
        r = c.post(url, form)
        assert r.status_code in (200, 302, 400, 403, 404, 405), (r.status_code, url, form)
        r = c.get(url, form)
        assert r.status_code in (200, 302, 400, 403, 404, 405), (r.status_code, url, form)
    run()
