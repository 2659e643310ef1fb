"""Form inputs that give back what a reader typed. A number or date input may only hold a
number or a day (HTML's rule): when the value typed is neither, the input is re-shown as text,
keeping it, so the page stays valid and the reader sees what to correct beside its error."""

import re

from django import forms

NUMBER = re.compile(r"-?\d+")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _KeepsWhatWasTyped:
    valid_value = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["value"]
        if shown not in (None, "") and not self.valid_value.fullmatch(str(shown)):
            context["widget"]["type"] = "text"
            for name in ("min", "max", "step"):  # a text input takes no range
                context["widget"]["attrs"].pop(name, None)
        return context


class NumberInput(_KeepsWhatWasTyped, forms.NumberInput):
    valid_value = NUMBER


class DateInput(_KeepsWhatWasTyped, forms.DateInput):
    input_type = "date"
    valid_value = DAY
