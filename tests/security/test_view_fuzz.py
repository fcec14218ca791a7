"""Hostile POSTs through the main write pages, as the signed-in user of the right role.

Each page is opened (GET) as that user; every POST form on it (the triage decision, a mediation session,
the agreement, the 速裁 panel, hearing and decision, the station's actions, the complaint wizard's steps) is
read from the HTML and filled by Hypothesis from its fields' types (``tests/fuzz/strategies.py``): omitted,
repeated, far too long, not a number, not a date, a choice not offered, hidden fields tampered with. Each
example runs in a savepoint rolled back afterwards, on the security package's world (``world.py``).

Asserted for every answer: never a server error; when the answer is an error (4xx) the row counts of every
table are unchanged (nothing half-saved). 200 examples per form under ``HYPOTHESIS_PROFILE=ci``, else 25.
"""
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import Role
from tests.factories import make_case
from tests.fuzz.strategies import VIEW_EXAMPLES, dates, numbers, text, times, uploads
from tests.security.harness import fill

pytestmark = pytest.mark.django_db
# Written on purpose even when a request is refused (failed logins, the security log).
NOT_COUNTED = {"axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog", "audit.AuditLog", "sessions.Session"}
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")

# (page's URL name, extra URL kwargs, role of the user who works there)
PAGES = [
    ("intake:complaint_step", {"step": "applicant"}, Role.COMPLAINANT),
    ("intake:complaint_step", {"step": "rights"}, Role.COMPLAINANT),
    ("intake:complaint_step", {"step": "dispute"}, Role.COMPLAINANT),
    ("workflows:triage", {}, Role.INTAKE_CLERK),
    ("mediation:session_new", {}, Role.MEDIATOR),
    ("mediation:agreement_edit", {}, Role.MEDIATOR),
    ("workflows:adjudication:panel", {}, Role.ENFORCEMENT_OFFICER),
    ("workflows:adjudication:hearings", {}, Role.ENFORCEMENT_OFFICER),
    ("workflows:adjudication:decision", {}, Role.ENFORCEMENT_OFFICER),
    ("workflows:tribunal:case", {}, Role.TRIBUNAL_CLERK),
]


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name, kind, value, options, maxlength)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "multipart": "multipart" in
                          (a.get("enctype") or "")}
            self.forms.append(self._form)
        elif self._form is None or "name" not in a:
            if tag == "option" and self._select is not None:
                self._select["options"].append(a.get("value", ""))
            return
        elif tag in ("input", "textarea", "button"):
            kind = a.get("type", "text") if tag == "input" else tag
            if tag == "button" or kind == "submit":
                kind = "button"
            field = self._form["fields"].setdefault(a["name"], {"kind": kind, "values": [], "options": [],
                                                                "maxlength": a.get("maxlength")})
            field["values"].append(a.get("value", ""))
        elif tag == "select":
            self._select = self._form["fields"].setdefault(a["name"], {"kind": "select", "values": [],
                                                                       "options": [], "maxlength": None})
        if tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _value(field):
    kind, offered = field["kind"], [v for v in field["values"] + field["options"] if v]
    mine = st.sampled_from(offered) if offered else st.just("")
    if kind in ("hidden", "button", "radio", "checkbox", "select"):
        single = st.one_of(mine, mine, mine, text(20), numbers())
    elif kind == "number":
        single = numbers()
    elif kind == "date":
        single = dates()
    elif kind == "time":
        single = times()
    elif kind == "datetime-local":
        single = st.one_of(dates(), st.tuples(dates(), times()).map("T".join))
    elif kind == "file":
        return uploads().map(lambda f: ("file", [f]))
    else:
        single = text(int(field["maxlength"]) if (field["maxlength"] or "").isdigit() else None)
    return st.lists(single, min_size=1, max_size=2).map(lambda v: ("data", v))


def _post(form):
    """A strategy of (data, files) for one parsed form; the button that chose the action is always there."""
    parts = {}
    for name, field in form["fields"].items():
        if name == "csrfmiddlewaretoken":
            continue
        if field["kind"] == "button":
            parts[name] = _value(field)
        else:
            parts[name] = st.one_of(st.none(), _value(field))

    def split(values):
        data, files = {}, {}
        for name, value in values.items():
            if value is not None:
                (files if value[0] == "file" else data)[name] = value[1]
        for name, file_list in files.items():
            data[name] = file_list[0]
        return data

    return st.fixed_dictionaries(parts).map(split)


def _count_sql():
    tables = sorted({m._meta.db_table for m in apps.get_models()
                     if m._meta.label not in NOT_COUNTED and not m._meta.proxy and m._meta.managed}
                    & set(connection.introspection.table_names()))
    return tables, "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables)


def _counts(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


@pytest.mark.parametrize(("url_name", "extra", "role"), PAGES, ids=[f"{p[0]}:{p[1].get('step', '')}" for p in PAGES])
def test_write_page_survives_hostile_posts(world, url_name, extra, role):
    user = world.users[role]
    client = world.requester.client(user)
    objs = world.objects["mine"]
    kwargs = {**_kwargs(url_name, objs), **extra}
    if url_name == "workflows:triage":  # a complaint just submitted (the world's intake case awaits a supplement)
        kwargs = {"case_id": make_case(organization=world.home_orgs["centre"],
                                       applicant_user=world.users[Role.COMPLAINANT]).pk}
    url = reverse(url_name, kwargs=kwargs)
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    parser = _Forms()
    parser.feed(page.content.decode())
    forms = [f for f in parser.forms if not urljoin(url, f["action"]).startswith(SKIP_ACTIONS) and f["fields"]]
    assert forms, f"{url}: no POST form for {role}"
    tables, sql = _count_sql()
    statuses = []

    def fuzz(target, form):
        @settings(max_examples=VIEW_EXAMPLES)
        @given(_post(form))
        def run(data):
            with transaction.atomic():
                before = _counts(sql)
                response = client.post(target, data)
                after = _counts(sql)
                transaction.set_rollback(True)
            statuses.append(response.status_code)
            assert response.status_code < 500, (target, data)
            if 400 <= response.status_code < 500:
                changed = [t for t, b, a in zip(tables, before, after, strict=True) if b != a]
                assert not changed, (target, response.status_code, changed)

        run()

    for form in forms:
        fuzz(urljoin(url, form["action"]) if form["action"] else url, form)
    assert any(400 <= s < 500 or s == 200 for s in statuses), f"{url}: no hostile POST was refused"


def _kwargs(url_name, objs):
    from types import SimpleNamespace

    names = {"intake:complaint_step": ["draft_id", "step"], "workflows:tribunal:case": ["case_id"]}
    keys = names.get(url_name, ["case_id"])
    route = SimpleNamespace(name=url_name, kwargs=keys)
    return {k: v for k, v in fill(route, objs).items() if k != "step"}
