"""Thin views: download a document through its permission check; verify one publicly by its code."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from cases.documents.permissions import document_for_user
from cases.documents.services import document_opened_by, document_verify
from cases.downloads import protected_file_response


@never_cache
@login_required
def document_download(request, document_id):
    document = document_for_user(request.user, document_id)
    document_opened_by(user=request.user, document=document)
    return protected_file_response(document.file, filename=document.download_name, content_type="application/pdf")


@never_cache
def document_verify_page(request, code):
    """Public: confirms issuing body, date, type, number, version and hash; nothing about the parties."""
    document = document_verify(code)
    return render(
        request, "documents/verify.html", {"document": document, "code": code},
        status=200 if document is not None else 404,
    )
