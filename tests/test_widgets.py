"""Inputs re-show what was typed: as their own type when HTML allows the value, else as text."""

from django.test import SimpleTestCase

from articles import widgets


def rendered(widget, value):
    return widget.render("field", value)


class KeepsWhatWasTypedTests(SimpleTestCase):
    def test_a_number_input_keeps_a_number_and_its_range(self):
        html = rendered(widgets.NumberInput(attrs={"min": 1900, "max": 2100}), "2013")
        self.assertIn('type="number"', html)
        self.assertIn('min="1900"', html)

    def test_what_is_not_a_number_is_shown_as_text_without_a_range(self):
        html = rendered(widgets.NumberInput(attrs={"min": 1900, "max": 2100}), "x")
        self.assertIn('type="text"', html)
        self.assertIn('value="x"', html)
        self.assertNotIn("min=", html)

    def test_a_date_input_keeps_a_day_and_shows_anything_else_as_text(self):
        self.assertIn('type="date"', rendered(widgets.DateInput(), "2013-05-23"))
        self.assertIn('type="text"', rendered(widgets.DateInput(), "2013"))
        self.assertIn('type="date"', rendered(widgets.DateInput(), ""))
