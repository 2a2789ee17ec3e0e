"""Every text field of every form has a length limit (issue 7: "text lengths are limited"); a
longer text gets the field's error, not a database error."""
import importlib
import inspect
import pkgutil

from django import forms

import chungtay


def _forms():
    for m in pkgutil.walk_packages(chungtay.__path__, "chungtay."):
        if m.name.rsplit(".", 1)[-1].startswith("forms"):
            mod = importlib.import_module(m.name)
            for name, cls in inspect.getmembers(mod, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == mod.__name__:
                    yield f"{m.name}.{name}", cls


def test_every_text_field_has_a_limit():
    found = list(_forms())
    assert len(found) > 20 and any("fund" in n for n, _ in found) and any("groups" in n for n, _ in found)
    unlimited = [f"{n}.{f}" for n, cls in found for f, field in cls.base_fields.items()
                 if isinstance(field, forms.CharField) and field.max_length is None]
    assert unlimited == []


def test_a_too_long_purpose_is_refused_by_the_form():
    from chungtay.groups.forms import GroupForm
    form = GroupForm({"purpose": "x" * 2001})
    assert not form.is_valid() and "purpose" in form.errors
