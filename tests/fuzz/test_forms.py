"""Every form of the project, fuzzed with Hypothesis: it answers valid or invalid, never raises.

The forms are found, not listed: every module of ``cases``, ``mediation``, ``workflows`` and
``config`` is imported and every subclass of ``django.forms.BaseForm`` defined there is fuzzed, so
a new form is covered without touching this file. A form whose ``__init__`` wants a keyword this
file cannot provide fails with the keyword's name (add it to ``_providers``).

For each form: hostile POST data built from its fields' types (``tests/fuzz/strategies.py``),
``HYPOTHESIS_PROFILE=ci`` (or any ``DATABASE_URL``) runs 2,000 examples per form. The form must
return True or False; when False every message is in Chinese; nothing is written to the
database by validating (the row counts of every model are the same before and after).
"""
import importlib
import inspect
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.db import connection
from django.test import RequestFactory
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from hypothesis import given, settings

from cases.models import Party, Role, User
from cases.statistics.selectors import Scope
from tests.factories import OrganizationFactory, complainant, make_case, staff
from tests.fuzz.strategies import FORM_EXAMPLES, form_data, is_localised, model_counts
from workflows.forms import NEXT_ROUTE_LABELS

PACKAGES = ("cases", "mediation", "workflows", "config")
SKIP_MODULES = ("migrations", "config.wsgi", "config.asgi")
# Rows written on purpose when a form is used: django-axes and the audit log record every failed login.
WRITES_BY_DESIGN = {"axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog", "audit.AuditLog"}


def _import_all():
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if any(part in info.name for part in SKIP_MODULES):
                continue
            importlib.import_module(info.name)


def project_forms():
    """Every form class defined in the project's own modules."""
    _import_all()
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PACKAGES:
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = project_forms()


def test_forms_are_found():
    """Discovery works: the complaint wizard, triage, mediation, 速裁 and tribunal forms are all there."""
    names = {f"{c.__module__}.{c.__name__}" for c in FORMS}
    for expected in ("cases.intake.forms.ApplicantForm", "workflows.forms.AcceptForm",
                     "mediation.forms.SessionForm", "cases.adjudication.forms.DecisionForm",
                     "workflows.views_tribunal.OutcomeForm", "cases.forms.LoginForm"):
        assert expected in names
    assert len(FORMS) >= 40


@pytest.fixture
def world(roles):
    centre = OrganizationFactory(name="璧山区知识产权保护中心")
    applicant = complainant(full_name="李明", phone="13812345678", email="liming@example.cn")
    case = make_case(organization=centre, applicant_user=applicant)
    officer = staff(Role.ENFORCEMENT_OFFICER, centre, full_name="王办案")
    return SimpleNamespace(case=case, centre=centre, applicant=applicant, officer=officer)


def _model(label):
    return apps.get_model(label)._default_manager.all()


def _providers(world):
    """Values for the keyword arguments forms ask for in ``__init__``, by name."""
    parties = Party.objects.filter(case=world.case)
    request = RequestFactory().post("/accounts/login/")
    request.session = {}
    return {
        "case": world.case, "scope": Scope("city", "全市"), "request": request,
        "handlers": User.objects.all(), "members": User.objects.all(), "investigators": User.objects.all(),
        "parties": parties, "respondents": parties.filter(role="respondent"),
        "recusals": _model("adjudication.Recusal"), "documents": _model("documents.Document"),
        "services": _model("documents.Service"), "answers": _model("adjudication.Answer"),
        "evidence": _model("cases.Evidence"), "questions": _model("adjudication.TechnicalQuestion"),
        "hearings": _model("adjudication.Hearing"),
        "default_days": 10, "candidates": [], "people": ["李明", "重庆某某机械有限公司"],
        "grant_label": "批准", "reject_label": "驳回", "routes": [str(r) for r in NEXT_ROUTE_LABELS],
    }


def _kwargs_for(form_class, provided):
    """The required keyword-only arguments of the form's ``__init__`` (through its MRO)."""
    needed = {}
    for cls in form_class.__mro__:
        init = cls.__dict__.get("__init__")
        if init is None:
            continue
        for name, param in inspect.signature(init).parameters.items():
            if name in ("self", "data", "files") or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if param.default is inspect.Parameter.empty or name == "request":
                if name not in provided:
                    pytest.fail(f"{form_class.__qualname__}.__init__ needs {name!r}: add it to _providers")
                needed.setdefault(name, provided[name])
    return needed


def _all_models():
    """Every model with a table (a model still without its migration is left out)."""
    tables = set(connection.introspection.table_names())
    return [m for m in apps.get_models()
            if m._meta.label not in WRITES_BY_DESIGN and m._meta.db_table in tables and not m._meta.proxy]


def _check_form(form):
    valid = form.is_valid()
    assert valid is True or valid is False
    if not valid:
        assert form.errors, "is_valid() is False but there is no error to show"
        for field, messages in form.errors.items():
            for message in messages:
                assert is_localised(message), (field, message)
    return valid


def _build(form_class, kwargs, data, files):
    return form_class(data=MultiValueDict(data), files=MultiValueDict(files), **kwargs)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
@pytest.mark.django_db
def test_form_never_raises(form_class, world):
    kwargs = _kwargs_for(form_class, _providers(world))
    template = _build(form_class, kwargs, {}, {})
    before = model_counts(_all_models())
    outcomes = []
    strategy = form_data(template)  # built (and its choices and ids read) once per form, not per example

    @settings(max_examples=FORM_EXAMPLES)
    @given(strategy)
    def run(sample):
        post, files = sample
        outcomes.append(_check_form(_build(form_class, kwargs, post, files)))

    with translation.override("zh-hans"):
        run()
    assert model_counts(_all_models()) == before, "validating a form wrote to the database"
    assert False in outcomes or not template.fields, "the fuzzer never produced invalid data"
