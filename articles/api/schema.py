"""The API's OpenAPI description: every status an operation can answer, not 200 alone, each
error in the one shape of errors.py, so that a generated client expects them."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from .errors import ErrorSerializer

ERRORS = {
    "400": "A parameter's value is not one it takes: `errors` names each, with what was wrong.",
    "404": "No such record, or a page link (`cursor`) that is damaged or belongs to another list.",
    "429": "Too many requests from your address: try again after `Retry-After` seconds.",
    "503": "Not available now (the search index is being built, or the server is too busy): "
    "try again after `Retry-After` seconds.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before asking again."}}
# The errors every operation may answer; each view adds its own (``error_statuses``).
EVERY_OPERATION = ("429", "503")


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in (*self.error_statuses(), *EVERY_OPERATION):
            error = OpenApiResponse(ErrorSerializer, description=ERRORS[code])
            responses.setdefault(code, self._get_response_for_code(error, code, direction=direction))
            if code in ("429", "503"):
                responses[code]["headers"] = RETRY_AFTER
        return responses

    def error_statuses(self):
        """A view's ``error_statuses``: a tuple, or {action: tuple} for a viewset's actions."""
        statuses = getattr(self.view, "error_statuses", ())
        if isinstance(statuses, dict):
            return statuses.get(getattr(self.view, "action", None), ())
        return statuses


# Parameters whose empty value is refused; any other, empty, is a parameter not given, as an HTML
# form sends its fields left empty (the site's lists and the API read parameters alike).
EMPTY_REFUSED = {"q"}


def empty_values_allowed(result, generator, request, public):
    """A postprocessing hook: says so of each query parameter an empty value leaves unset."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in EMPTY_REFUSED:
                    parameter["allowEmptyValue"] = True
    return result
