"""No input makes an emulation page answer 500: every emulation URL with the real ids of a scored
movement and of its awards (a restriction, a nomination decided by the chairman, the decision's
certificate, the award history, the review report), random form fields (the forms' own names) and
extreme values, as the officer who may write and as the others."""
import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.emulation_award_helpers import decided

EXTREMES = ["", " ", "0", "-1", "2025", "2030", "1e308", "-1e308", "nan", "inf", "1,5", "1.200.000", "abc",
            "xã Đắk Hà 😀", "a\x00b", "x" * 3000, "99999999999999999999", "1 | hộ | 3", "a|b", "{}",
            '{"code": "T", "name": "T", "bands": [], "criteria": []}', "2025-02-30", "2025-04-01", "running",
            "participant", "cluster", "member", "head", "unit", "partner", "household", "communication", "support",
            "exemplary", "1,2,3", "12x"]


def _fields():
    from chungtay.emulation import forms, forms_awards
    names = set()
    for mod in (forms, forms_awards):
        for obj in vars(mod).values():
            if isinstance(obj, type) and hasattr(obj, "base_fields"):
                names |= set(obj.base_fields)
    return sorted(names | {"what", "to", "from", "unit"})


FIELDS = _fields()


@pytest.fixture
def world(commune_officer, commune_chairman, my_commune):
    import datetime as dt

    from chungtay.emulation import actions_awards
    # the scoring left unpublished (its forms still open); the nomination rests on no scoring
    m, n, d = decided(commune_officer, commune_chairman, my_commune, publish=False)
    run, p1 = m.runs.get(), n.participant
    p2 = m.participants.exclude(pk=p1.pk).get()
    draft = actions_awards.create_nomination(commune_officer, p2, subject_kind="collective", year=2025,
                                             form_code="giay_khen_xa", achievements="Hoàn thành tốt")
    r = actions_awards.record_restriction(commune_officer, p2, kind="complaint", started_on=dt.date(2026, 1, 5),
                                          reference="01/TB-UBND")
    ids = [str(x) for x in (m.pk, run.pk, p1.pk, p2.pk, run.criteria_set_id, m.clusters.get().pk, my_commune.pk,
                            n.pk, draft.pk, d.pk, r.pk, *n.items.values_list("pk", flat=True)[:1])]
    urls = [reverse(f"emulation:{x}", args=[m.pk]) for x in ("detail", "state", "participants", "registrations",
                                                             "pacts", "activities", "criteria", "run_new",
                                                             "nominations", "decisions", "report", "report_docx",
                                                             "report_pdf", "report_publish")]
    urls += [reverse(f"emulation:{x}", args=[run.pk]) for x in ("run", "run_value", "run_advance")]
    urls += [reverse(f"emulation:{x}", args=[k]) for k in (n.pk, draft.pk)
             for x in ("nomination", "nomination_item", "nomination_advance", "nomination_return", "nomination_vote",
                       "nomination_decide")]
    urls += [reverse(f"emulation:{x}", args=[d.pk]) for x in ("decision_issue", "decision_revoke", "decision_recover",
                                                               "certificate")]
    urls += [reverse("emulation:restriction_end", args=[r.pk]), reverse("emulation:history", args=[p1.pk]),
             reverse("emulation:criteria_json", args=[run.criteria_set_id])]
    return ids, urls + [reverse("emulation:list")]


@pytest.mark.parametrize("who", ["xa", "chutich", "tinh"])
def test_no_form_input_makes_a_server_error(world, who, django_user_model):
    from django.test import Client
    ids, urls = world
    c = Client()
    c.force_login(django_user_model.objects.get(username=who))
    values = st.one_of(st.sampled_from(EXTREMES + ids), st.text(max_size=30))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
    @given(url=st.sampled_from(urls), form=st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=10))
    def run(url, form):
        r = c.post(url, form)
        assert r.status_code in (200, 302, 400, 403, 404, 405), (r.status_code, url, form)
        r = c.get(url, form)
        assert r.status_code in (200, 302, 400, 403, 404, 405), (r.status_code, url, form)
    run()
