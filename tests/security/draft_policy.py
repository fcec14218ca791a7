"""Draft the ``urls:`` rows of ``config/access_policy.yaml`` from an observed sweep; every row is then
reviewed by hand against DESIGN.md's roles before it is committed (the sweep shows what the code does,
the policy says what it must do).

    IPDR_POLICY_OBSERVED=/tmp/observed.json .venv/bin/pytest -q tests/security/test_policy.py
    OBS=/tmp/observed.json .venv/bin/python tests/security/draft_policy.py > /tmp/rows.yaml
"""
import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from cases.models import Role  # noqa: E402
from config.access_policy import named_urls  # noqa: E402

PARTY = {"complainant", "respondent"}
ROLES = [r.value for r in Role]
GROUPS = [
    ("Home, sign-in, account security, language, API schema", lambda n: ":" not in n),
    ("cases: the case file, evidence, documents (cases/urls.py, cases/documents/urls.py)",
     lambda n: n.startswith(("cases:", "documents:"))),
    ("intake: 维权导航, registration, complaint wizard, notices (cases/intake/urls.py)",
     lambda n: n.startswith("intake:")),
    ("surveys (cases/surveys/urls.py)", lambda n: n.startswith("surveys:")),
    ("statistics and typical cases (cases/statistics/urls.py)", lambda n: n.startswith("statistics:")),
    ("快调 mediation pages (mediation/urls.py)", lambda n: n.startswith("mediation:")),
    ("workflows: intake queue, triage, respondent portal, chain moves (workflows/urls.py)",
     lambda n: n.startswith("workflows:") and not n.startswith(
         ("workflows:adjudication:", "workflows:tribunal:", "workflows:mediation:"))),
    ("workflows: mediation moves (workflows/urls_mediation.py)", lambda n: n.startswith("workflows:mediation:")),
    ("速裁 adjudication pages (cases/adjudication/urls.py, workflows/urls_adjudication.py)",
     lambda n: n.startswith("workflows:adjudication:")),
    ("精审 tribunal pages (workflows/urls_tribunal.py)", lambda n: n.startswith("workflows:tribunal:")),
    ("API v1 (config/api_urls.py): cases, complaints, intake",
     lambda n: n.startswith("v1:") and not n.startswith(
         ("v1:mediation-", "v1:adjudication-", "v1:tribunal-", "v1:docking-", "v1:statistics", "v1:typical"))),
    ("API v1: statistics", lambda n: n.startswith(("v1:statistics", "v1:typical"))),
    ("API v1: 快调 mediation", lambda n: n.startswith("v1:mediation-")),
    ("API v1: 速裁 adjudication", lambda n: n.startswith("v1:adjudication-")),
    ("API v1: 精审 tribunal docking", lambda n: n.startswith(("v1:tribunal-", "v1:docking-"))),
]


def relation(role, seen):
    """The narrowest relation that covers every object kind the role reached in the sweep."""
    seen = set(seen)
    if "other_org" in seen or seen == {"none"}:
        return "any"
    if "same_org" in seen:
        return "same_org"
    if "own" in seen:
        return "own" if role in PARTY else "assigned"
    return None


def rule(who):
    if "anonymous" in who:
        return '{"*": any}'
    row = {role: relation(role, who[role]) for role in ROLES if role in who and relation(role, who[role])}
    if len(row) == len(ROLES) and set(row.values()) == {"any"}:
        return "{authenticated: any}"
    return "{" + ", ".join(f"{k}: {v}" for k, v in row.items()) + "}"


def main():
    observed = json.loads(Path(os.environ.get("OBS", "/tmp/observed.json")).read_text(encoding="utf-8"))
    routes = named_urls(exclude=["admin:"])
    out, done = [], set()
    for title, belongs in GROUPS:
        rows = [r for r in routes if belongs(r.name) and r.name not in done]
        if not rows:
            continue
        out.append(f"\n  # ---- {title} ----")
        for route in rows:
            done.add(route.name)
            out.append(f"  {route.name}:  # /{route.pattern}  {route.view}")
            for method in route.methods:
                out.append(f"    {method}: {rule(observed.get(route.name, {}).get(method, {}))}")
    left = [r.name for r in routes if r.name not in done]
    assert not left, left
    print("\n".join(out))


if __name__ == "__main__":
    main()
