"""What the API answers when it cannot answer with data: one shape for every error,
``{"detail": "…"}``, and for parameters in error (400) each named in ``errors`` with what was
wrong with it, so that a client can tell its user which value to change."""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in plain words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: each parameter in error, with what was wrong with its value.",
    )


def errors_of(detail):
    """{parameter: [messages]} of a ValidationError's detail (a dict, or a list for the request)."""
    if isinstance(detail, dict):
        return {
            name: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for name, messages in detail.items()
        }
    return {"request": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def handler(exc, context):
    """DRF's answer to ``exc``, a 400's errors put in the one shape."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        errors = errors_of(exc.detail)
        response.data = {"detail": f"Not a valid value: {', '.join(errors)}.", "errors": errors}
    return response
