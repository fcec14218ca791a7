"""One answer for every permission-checked download (evidence, documents).

The view checks the permission; this helper sends the bytes. With
``IPDR_PROTECTED_MEDIA = "nginx"`` the app server does not stream the file: it
answers with ``X-Accel-Redirect: /protected/<path>`` and nginx, whose
``/protected/`` location is ``internal`` (deploy/nginx/ipdr.conf), sends it, so a
gunicorn worker is not held for the length of a large download on a slow phone.
"""
import logging
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

PROTECTED_PREFIX = "/protected/"
logger = logging.getLogger(__name__)


def protected_file_response(field_file, *, filename: str, content_type: str):
    """The file of ``field_file`` as an attachment named ``filename``; 404 when it cannot be read."""
    if getattr(settings, "IPDR_PROTECTED_MEDIA", "") == "nginx":
        name = field_file.name or ""
        if not name or name.startswith("/") or ".." in name.split("/"):
            raise Http404  # a stored name never looks like this; never hand nginx a path outside the store
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = PROTECTED_PREFIX + quote(name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        try:
            handle = field_file.open("rb")
        except (OSError, ValueError):
            logger.error("stored file %s cannot be opened", field_file.name)
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
