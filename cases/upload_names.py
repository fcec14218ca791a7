"""Keep the evidence of a hostile upload name, so ``check_upload`` can refuse the file.

Django's multipart parser quietly turns ``../../etc/passwd.pdf`` into ``passwd.pdf`` and drops
NUL and other unprintable characters; the upload would then be stored as if nothing had
happened. Here the parser marks such a name with ``UNSAFE_NAME_MARK`` (a control character,
which survives ``UploadedFile``'s own ``basename``) and ``check_upload`` refuses it with its
"file name" message. The mark never reaches storage: storage paths are generated.

Wired in twice: ``RawUploadNamesMiddleware`` for Django views (``request.POST``/``FILES``) and
``MultiPartParser`` for DRF (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).
"""
import html
from functools import partial

from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import ImmutableList
from rest_framework import parsers
from rest_framework.exceptions import ParseError

UNSAFE_NAME_MARK = "\x1f"


class NameKeepingMultiPartParser(DjangoMultiPartParser):
    def sanitize_file_name(self, file_name):
        clean = super().sanitize_file_name(file_name)
        if clean is not None and clean != html.unescape(file_name):
            return UNSAFE_NAME_MARK + clean
        return clean


def _parse_file_upload(request, META, post_data):
    request.upload_handlers = ImmutableList(
        request.upload_handlers, warning="You cannot alter upload handlers after the upload has been processed.",
    )
    return NameKeepingMultiPartParser(META, post_data, request.upload_handlers, request.encoding).parse()


class RawUploadNamesMiddleware:
    """Parse this request's multipart body with ``NameKeepingMultiPartParser``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.parse_file_upload = partial(_parse_file_upload, request)
        return self.get_response(request)


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser with ``NameKeepingMultiPartParser`` inside."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            data, files = NameKeepingMultiPartParser(
                meta, stream, request.upload_handlers, parsers.get_encoding(parser_context),
            ).parse()
        except MultiPartParserError as exc:
            raise ParseError(f"Multipart form parse error - {exc}")
        return parsers.DataAndFiles(data, files)
