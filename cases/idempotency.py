"""``Idempotency-Key`` on the API's writes, general and docking alike: one rule, one table.

A write sent with a key runs at most once per user and key. A docking client acts as its own
service account (one per client), so its keys are the client's; a key of one user never replays
for another. For the write ``idempotent`` wraps:

- the same key with the same request (method, path, fields and each uploaded file's SHA-256)
  replays the first answer byte for byte, with ``Idempotent-Replayed: true``, and changes nothing;
- the same key with another request is a 422 (``idempotency_key_reused``);
- two requests with the same key sent at once make one change: the user's row is locked for the
  check and the write, so the second waits and then replays;
- only a success is kept: an error leaves nothing, so a corrected retry under the same key works.
"""
import hashlib
import json

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response

from cases.models import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255
# Rows copied from the complaint replay of before (migration cases 0007) hold the SHA-256 of the body alone.
LEGACY_PREFIX = "data:"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=False,
    description="幂等键：1至255个可见ASCII字符，建议使用UUID。同一键与同一请求重放第一次的结果"
                "（响应头 `Idempotent-Replayed: true`）；同一键与不同请求返回422。",
)


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"

    def __init__(self):
        super().__init__({"detail": _("该幂等键已用于另一份内容不同的请求；新的请求请使用新的幂等键。"),
                          "code": self.default_code})


def idempotency_key(request) -> str | None:
    """The request's key, None without one; a malformed key is a 400 naming the header."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= KEY_MAX_LENGTH or not all("!" <= c <= "~" for c in key):
        raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [
            _("幂等键应为1至%(max)d个可见ASCII字符（建议使用UUID）。") % {"max": KEY_MAX_LENGTH}]})
    return key


def request_fingerprint(request) -> str:
    """The request as sent: method, path, fields, and each uploaded file's SHA-256."""
    data = request.data
    fields = {}
    files = {}
    if hasattr(data, "lists"):
        for name, values in data.lists():
            if name in request.FILES:
                continue
            fields[name] = values
        for name in request.FILES:
            files[name] = [_file_digest(f) for f in request.FILES.getlist(name)]
    else:
        fields = data
    return _sha256({"method": request.method, "path": request.path, "data": fields, "files": files})


def _sha256(value) -> str:
    try:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    except (RecursionError, ValueError):
        raise exceptions.ParseError(_("请求体不是有效的 JSON：嵌套层次过深。")) from None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _file_digest(upload) -> list:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return [upload.name, upload.size, sha.hexdigest()]


def _replay(record: IdempotencyRecord, request, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint and not (
        record.fingerprint.startswith(LEGACY_PREFIX) and record.fingerprint == LEGACY_PREFIX + _sha256(request.data)
    ):
        raise KeyReused()
    response = Response(json.loads(record.body), status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    if record.location:
        response["Location"] = record.location
    return response


def idempotent(request, call, *, status_code=status.HTTP_200_OK, location=None, sent=None) -> Response:
    """Run ``call`` (a write returning the answer's body) at most once per user and ``Idempotency-Key``.

    ``location(body)`` gives the answer's ``Location``; ``sent`` is ``(key, fingerprint)`` when the
    caller read them already (the docking audit records both).
    """
    key, fingerprint = sent if sent is not None else (idempotency_key(request), None)
    if key is None:
        body = call()
        return _fresh(_json(body), status_code, location(body) if location else None)
    fingerprint = fingerprint or request_fingerprint(request)
    user = request.user
    records = IdempotencyRecord.objects.filter(user=user, key=key)
    if (record := records.first()) is not None:  # a plain retry replays without waiting for the lock
        return _replay(record, request, fingerprint)
    try:
        with transaction.atomic():
            list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
            if (record := records.first()) is not None:
                return _replay(record, request, fingerprint)
            body = call()
            text = _json(body)
            where = (location(body) if location else "") or ""
            IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint, status_code=status_code,
                                             body=text, location=where)
    except IntegrityError:
        # A database without row locks (SQLite) let a duplicate through: its change was rolled back.
        record = records.first()
        if record is None:
            raise
        return _replay(record, request, fingerprint)
    return _fresh(text, status_code, where)


def _json(body) -> str:
    """The answer as the JSON text a replay sends back (dates and decimals as strings)."""
    return json.dumps(body, ensure_ascii=False, default=str)


def _fresh(text, status_code, location) -> Response:
    """A first answer, from the same JSON text that is stored for its replays (serialised once)."""
    response = Response(json.loads(text), status=status_code)
    if location:
        response["Location"] = location
    return response
