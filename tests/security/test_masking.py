"""Field-level masking scan: every page, API answer, export, PDF and log line each role can reach,
scanned for the seeded parties' full ID numbers (18 digits, valid check digit) and mobiles.

``cases.permissions.can_see_identifiers`` decides who needs them (config/access_policy.yaml lists
the roles); a party sees its own record in full and everyone else's masked.
"""
import io
import re
import time
import zipfile
from collections import Counter

import pytest
from django.urls import reverse

from cases.documents.models import Document
from cases.models import Party
from cases.permissions import can_see_identifiers
from config import access_policy
from tests.security.harness import fill, object_kwargs

ID_RE = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def text_of(answer) -> str:
    """What a person would read in the answer: PDF text, spreadsheet cells, or the text itself."""
    body = answer.body
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader

        try:
            return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        except Exception:  # noqa: BLE001 (a fake evidence PDF without pages is not a document)
            return ""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = []
            for name in archive.namelist():
                data = archive.read(name)
                if name.endswith(".pdf"):
                    parts.append(text_of(type(answer)(200, "", data, "application/pdf")))
                else:
                    parts.append(data.decode("utf-8", "ignore"))
            return "\n".join(parts)
    return body.decode("utf-8", "ignore")


def found(text, identifiers) -> set:
    """The seeded identifiers that appear unmasked in ``text`` (digits only, spaces ignored)."""
    compact = re.sub(r"\s+", "", text)
    hits = set(ID_RE.findall(compact) + MOBILE_RE.findall(compact))
    return hits & identifiers


@pytest.mark.django_db
def test_no_role_sees_identifiers_it_does_not_need(world):
    seeded = {p[k] for p in world.parties for k in ("id_number", "phone") if p.get(k)}
    assert len(seeded) >= 60 and all(MOBILE_RE.fullmatch(s) or ID_RE.fullmatch(s) for s in seeded)
    requester = world.requester
    routes = access_policy.named_urls()
    mine_cases = world.objects["mine"].cases + world.objects["team"].cases
    documents = list(Document.objects.filter(case__in=mine_cases).order_by("pk"))
    totals, leaks = Counter(), []
    started = time.monotonic()

    def paths():
        for route in routes:
            if "GET" not in route.methods:
                continue
            for variant in (("mine", "team") if object_kwargs(route) else ("mine",)):
                kwargs = fill(route, world.objects[variant])
                if kwargs is not None:
                    yield route, reverse(route.name, kwargs=kwargs)
        xlsx = next(r for r in routes if r.name == "statistics:export")
        yield xlsx, reverse("statistics:export", kwargs={"fmt": "xlsx"})
        download = next(r for r in routes if r.name == "documents:download")
        for document in documents:
            yield download, reverse("documents:download", kwargs={"document_id": document.pk})

    # An official document is served on the case's parties as issued: a party reads the other parties'
    # numbers in it (an agreement names both sides). Nobody else without the need does.
    served = {}
    for document in documents:
        parties = list(Party.objects.filter(case_id=document.case_id))
        served[reverse("documents:download", kwargs={"document_id": document.pk})] = (
            {p.user_id for p in parties if p.user_id}, {v for p in parties for v in (p.id_number, p.phone) if v})

    targets = list(paths())
    for role, user in world.users.items():
        full = can_see_identifiers(user)
        own = {v for p in Party.objects.filter(user=user) for v in (p.id_number, p.phone) if v}
        for route, path in targets:
            answer = requester.request(user, "GET", path, api=route.api)
            if answer.status != 200:
                continue
            totals["answers"] += 1
            text = text_of(answer)
            if answer.body.startswith(b"%PDF"):
                totals["pdfs"] += 1
            if route.name == "statistics:export":
                totals["exports"] += 1
            hits = found(text, seeded)
            totals["identifiers seen"] += len(hits)
            allowed = own
            if path in served and user.pk in served[path][0]:
                allowed = own | served[path][1]
                totals["served on a party"] += 1
            if not full and hits - allowed:
                leaks.append(f"{role.value} GET {path}: {sorted(hits - allowed)}")
    log_hits = found("\n".join(requester.log.lines), seeded)
    print(f"\nmasking scan: {len(targets)} URLs x {len(world.users)} roles, {totals['answers']} answers read "
          f"({totals['pdfs']} PDFs, {totals['exports']} exports, {totals['served on a party']} documents served on "
          f"a party), {requester.log.records} log records, "
          f"{len(seeded)} seeded identifiers, {totals['identifiers seen']} full identifiers shown to roles "
          f"that need them or to their owner; leaks: {len(leaks)} pages, {len(log_hits)} in logs "
          f"({time.monotonic() - started:.0f} s)")
    assert totals["pdfs"] >= 1 and totals["exports"] >= 1, "the scan read no PDF or no export"
    assert not leaks, "unmasked identifiers shown to roles that do not need them:\n" + "\n".join(leaks)
    assert not log_hits, f"unmasked identifiers in the log output: {sorted(log_hits)}"
