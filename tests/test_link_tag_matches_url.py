"""{% link %} (the household lists' and round pages' per-row links) gives exactly what {% url %} gives."""
import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse


@pytest.mark.parametrize("name, ids", [("household", [1]), ("household", [918273640]), ("household", [0]),
                                       ("round_survey", [7, 123456]), ("round_survey", [123456, 7]),
                                       ("unit", [42]), ("dashboard", [3])])
def test_it_matches_reverse(name, ids):
    from chungtay.web.templatetags.ct import link
    assert link(name, *ids) == reverse(name, args=ids)
    assert link(name, *[str(i) for i in ids]) == reverse(name, args=ids)


def test_in_a_template_and_with_bad_ids():
    out = Template('{% load ct %}{% for i in ids %}{% link "household" i %};{% endfor %}').render(Context({"ids": [5, 17]}))
    assert out == "/households/5/;/households/17/;"
    from chungtay.web.templatetags.ct import link
    with pytest.raises(NoReverseMatch):      # not an id: {% url %}'s own error, as before
        link("household", "x")
