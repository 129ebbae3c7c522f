"""Every date field of every form renders its value as ISO 8601 (``2026-11-23``), which is the
only format a browser's ``<input type="date">`` accepts. Django's default renders the
language's format (``2026/11/23`` in Chinese), which the browser drops: the field then comes
back empty and the form is refused with "this field is required"."""

import datetime
import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

APPS = ("pooling", "enrollment", "funds", "settlement")


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).glob("**/forms.py")):
            relative = path.relative_to(settings.BASE_DIR).with_suffix("")
            module = importlib.import_module(".".join(relative.parts))
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                    found.append(value)
    return found


DATE_FIELDS = [
    pytest.param(form, name, id=f"{form.__module__}.{form.__name__}.{name}")
    for form in _form_classes()
    for name, field in form.base_fields.items()
    if isinstance(field, forms.DateField)
]


def test_there_are_date_fields_to_check():
    assert len(DATE_FIELDS) >= 10


@pytest.mark.parametrize(("form", "name"), DATE_FIELDS)
def test_a_date_field_renders_iso_in_chinese(form, name):
    widget = form.base_fields[name].widget
    with translation.override("zh-hans"):
        html = widget.render(name, datetime.date(2026, 11, 23))
    assert 'type="date"' in html
    assert 'value="2026-11-23"' in html
