"""The database is down: answer 503 "try again shortly" instead of a 500 with a traceback.

``DatabaseUnavailableMiddleware`` catches a lost or refused database connection in a view;
``server_error`` (``handler500``) catches it anywhere else (a middleware reading the session or
the user). Both render ``templates/503.html`` without touching the database (no context
processors: they read the user) and add ``Retry-After``; ``/api/`` gets JSON. Django drops a
broken connection at the end of the request and ``CONN_HEALTH_CHECKS`` checks a persistent one
before reuse, so the first request after the database is back succeeds.
"""
import logging
import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    """The 503 answer: JSON under /api/, else the standalone page."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("系统暂时无法访问数据库，请稍后重试。"), "code": "database_unavailable"}, status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        html = render_to_string("503.html", {
            "LANGUAGE_CODE": translation.get_language() or "zh-hans", "retry_after": RETRY_AFTER_SECONDS,
        })
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable: %s", exception)
            return database_unavailable(request)
        return None


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    """``handler404``: a path under /api/ that no route matches (``/cases/-1/``) answers the API's JSON 404,
    as its schema documents, not the site's HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("未找到。"), "code": "not_found"}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: a database outage met outside a view is a 503 too; anything else the default 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable(request)
    return defaults.server_error(request, template_name)
