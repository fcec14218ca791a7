"""Every named URL, its kwargs filled from the security world, requested as a given user.

Shared by the policy test, the IDOR sweep and the masking scan, so all three see the same
URLs the resolver has (a new URL is swept the day it is added).
"""
import logging
import traceback
import zlib
from dataclasses import dataclass

from django.db import transaction
from django.test import Client

from config.access_policy import API_METHODS, PAGE_METHODS, named_urls

# Which case of a variant a URL's ``case_id`` means, by URL name (first match of a prefix wins).
CASE_KIND = [
    ("cases:supplement_answer", "intake"), ("v1:case-supplement-answer", "intake"), ("workflows:triage", "intake"),
    ("v1:intake-", "intake"), ("intake:submitted", "intake"),
    ("statistics:typical_propose", "proposable"),
    ("mediation:", "mediation"), ("v1:mediation-", "mediation"), ("workflows:mediation:", "mediation"),
    ("workflows:adjudication:", "adjudication"), ("v1:adjudication-", "adjudication"),
    ("workflows:tribunal:", "tribunal"), ("v1:tribunal-", "tribunal"), ("v1:docking-", "tribunal"),
]
# Values of kwargs that name no object (a format, a step, a flow …).
PLAIN_KWARGS = {
    "fmt": "csv", "step": "applicant", "action": "issue", "part": "pdf", "name": None,  # ``name``: by URL
}


def case_kind(url_name: str) -> str:
    for prefix, kind in CASE_KIND:
        if url_name.startswith(prefix):
            return kind
    return "mediation"


def object_kwargs(route) -> list[str]:
    """The kwargs of a route that name an object (so the request depends on whose object it is)."""
    return [k for k in route.kwargs if k not in PLAIN_KWARGS]


def _name_value(url_name):
    if url_name == "workflows:tribunal:action":
        return "acknowledge"
    if url_name.endswith("flow_svg"):
        from workflows.flows import adjudication as flows

        return flows.FLOWS[0].__name__
    return "x"


def fill(route, objs) -> dict | None:
    """The kwargs of ``route`` for the objects of one variant (``objs``), or None if it has no such object."""
    from cases.documents.models import Document
    from cases.links import party_token
    from cases.models import Party
    from cases.surveys.links import survey_token
    from mediation.links import invite_token

    case = getattr(objs, case_kind(route.name))
    out = {}
    for key in route.kwargs:
        if key == "case_id":
            value = case.pk
        elif key == "evidence_id":
            value = case.evidence.order_by("pk").first().pk
        elif key == "document_id":
            doc = Document.objects.filter(case=objs.adjudication).order_by("pk").first()
            value = doc.pk
        elif key == "code":
            value = Document.objects.filter(case=objs.adjudication).order_by("pk").first().verification_code
        elif key == "session_id":
            value = objs.session.pk
        elif key == "request_id":
            value = objs.recusal.pk
        elif key == "extension_id":
            value = objs.extension.pk
        elif key == "service_id":
            value = objs.service.pk
        elif key == "answer_id":
            value = objs.answer.pk
        elif key == "question_id":
            value = objs.question.pk
        elif key == "hearing_id":
            value = objs.hearing.pk
        elif key == "recusal_id":
            value = objs.adj_recusal.pk
        elif key == "draft_id":
            value = objs.draft.pk
        elif key == "process_id":
            process = objs.adjudication.adjudication_processes.order_by("pk").first()
            value = process.pk if process else 0
        elif key == "pk":  # a typical case: the proposal waiting for review, or the published one
            value = (objs.proposal if route.name == "statistics:typical_review" else objs.typical).pk
        elif key == "token":
            if route.name.startswith("surveys:"):
                value = survey_token(objs.invitation)
            elif route.name.startswith("mediation:"):
                value = invite_token(objs.session)
            else:
                value = party_token(objs.mediation.parties.filter(role=Party.PartyRole.RESPONDENT).first())
        elif key == "name":
            value = _name_value(route.name)
        elif key in PLAIN_KWARGS:
            value = PLAIN_KWARGS[key]
        else:
            raise AssertionError(f"{route.name}: no value for the URL kwarg {key!r}; teach tests/security/harness.fill")
        out[key] = value
    return out


@dataclass
class Answer:
    status: int
    location: str
    packed: bytes  # the body, zlib-compressed: the package keeps thousands of answers
    content_type: str
    error: str = ""  # the exception behind a 500, for the failure message

    @property
    def body(self) -> bytes:
        return zlib.decompress(self.packed)


PROJECT_LOGGERS = ("cases", "mediation", "workflows", "config", "django.request", "django.security", "axes")


class _LogText(logging.Handler):
    """Every log record emitted while a request runs, formatted (the masking scan reads them)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines = []
        self.records = 0

    def emit(self, record):
        self.records += 1
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 (a record that cannot be formatted is still counted)
            self.lines.append(str(record.msg))


class Requester:
    """One signed-in test client per user; every request runs in a savepoint that is rolled back.

    An answer is kept per (user, method, path): the policy, IDOR and masking sweeps ask many of
    the same questions, and a rolled-back request answers the same the second time. The log
    output of every request made is kept in ``log`` (read by the masking scan).
    """

    def __init__(self):
        self.clients = {}
        self.cache = {}
        self.log = _LogText()
        self.requests = 0
        self.hits = 0

    def client(self, user):
        key = user.pk if user is not None else None
        if key not in self.clients:
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            self.clients[key] = (client, user, {n: m.value for n, m in client.cookies.items()})
        return self.clients[key][0]

    def request(self, user, method, path, *, api) -> Answer:
        key = (user.pk if user is not None else None, method, path)
        if key in self.cache:
            self.hits += 1
            return self.cache[key]
        self.requests += 1
        client = self.client(user)
        root = logging.getLogger()
        root.addHandler(self.log)
        levels = [(logger, logger.level) for logger in map(logging.getLogger, PROJECT_LOGGERS)]
        for logger, _level in levels:
            logger.setLevel(logging.DEBUG)  # the project's own debug lines too; libraries at their level
        try:
            with transaction.atomic():
                if method == "GET":
                    response = client.get(path)
                elif api:
                    response = client.generic(method, path, b"{}", content_type="application/json")
                else:
                    response = client.generic(method, path, b"", content_type="application/x-www-form-urlencoded")
                body = b"".join(response.streaming_content) if response.streaming else response.content
                transaction.set_rollback(True)
        finally:
            root.removeHandler(self.log)
            for logger, level in levels:
                logger.setLevel(level)
        # The request was rolled back, so the session the client started with still exists: go back to
        # it if the request signed the user out or someone in (logout, a respondent's link).
        cookies = self.clients[key[0]][2]
        if {n: m.value for n, m in client.cookies.items()} != cookies:
            client.cookies.clear()
            for name, value in cookies.items():
                client.cookies[name] = value
        exc_info = getattr(response, "exc_info", None)
        error = "".join(traceback.format_exception(*exc_info)[-3:]) if exc_info else ""
        answer = Answer(response.status_code, response.get("Location", ""), zlib.compress(body, 1),
                        response.get("Content-Type", ""), error)
        self.cache[key] = answer
        return answer


__all__ = ["API_METHODS", "PAGE_METHODS", "Requester", "case_kind", "fill", "named_urls", "object_kwargs"]
