"""The access-control policy (``config/access_policy.yaml``): who may call which URL, on which objects.

One row per named URL (and per HTTP method): the roles allowed and the relation to the object
each needs. The policy is what an auditor reads; ``tests/security/test_policy.py`` requests
every URL as every role against it, so the code and the file cannot drift apart.
"""
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.urls import URLPattern, URLResolver, get_resolver

POLICY_FILE = Path(__file__).with_name("access_policy.yaml")
RELATIONS = ("any", "authenticated", "own", "assigned", "same_org", "none")
# What each relation allows, by the object a request names: ``own`` (the user's own case or
# personal assignment), ``same_org`` (a case of the user's organisation / district), ``other_org``
# (another organisation's), ``none`` (the URL names no object).
ALLOWS = {
    "any": {"own", "same_org", "other_org", "none"},
    "authenticated": {"own", "same_org", "other_org", "none"},
    "same_org": {"own", "same_org", "none"},
    "own": {"own", "none"},
    "assigned": {"own", "none"},
    "none": set(),
}
PUBLIC = "*"  # the role key of a row anyone may call, signed in or not
PAGE_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    kwargs: tuple
    api: bool
    methods: tuple
    view: str


def _methods(callback, api):
    view_class = getattr(callback, "view_class", None) or getattr(getattr(callback, "cls", None), "__mro__", [None])[0]
    if view_class is None:
        return PAGE_METHODS
    offered = tuple(m for m in (API_METHODS if api else PAGE_METHODS) if hasattr(view_class, m.lower()))
    return offered or ("GET",)


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name, prefix + str(p.pattern), p


def named_urls(exclude=None) -> list[Route]:
    """Every named URL of the project, except those under an excluded prefix (the admin)."""
    exclude = tuple(exclude if exclude is not None else policy()["excluded_prefixes"])
    routes = {}
    for name, pattern, p in _walk(get_resolver().url_patterns):
        if name.startswith(exclude) or name in routes:
            continue
        api = name.startswith("v1:") or name.startswith("api-")
        callback = p.callback
        view = f"{callback.__module__}.{getattr(callback, '__name__', type(callback).__name__)}"
        routes[name] = Route(name, pattern, tuple(p.pattern.converters), api, _methods(callback, api), view)
    return list(routes.values())


@cache
def policy() -> dict:
    with POLICY_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for name, row in data["urls"].items():
        for method, roles in row.items():
            if method not in API_METHODS:
                raise ValueError(f"{POLICY_FILE.name}: {name}: unknown method {method!r}")
            for role, relation in (roles or {}).items():
                if relation not in RELATIONS:
                    raise ValueError(f"{POLICY_FILE.name}: {name} {method} {role}: unknown relation {relation!r}")
    return data


def rule(name: str, method: str) -> dict | None:
    """The row of ``name`` for ``method``: {role: relation}, or None if the URL has no row."""
    row = policy()["urls"].get(name)
    if row is None:
        return None
    return row.get(method, {}) or {}


def allowed(name: str, method: str, role: str | None, relation: str) -> bool:
    """Whether the policy lets ``role`` (None: anonymous or disabled) call ``name`` on an object of ``relation``."""
    roles = rule(name, method) or {}
    if PUBLIC in roles:
        return relation in ALLOWS[roles[PUBLIC]]
    if role is None:
        return False
    if "authenticated" in roles and relation in ALLOWS[roles["authenticated"]]:
        return True
    return relation in ALLOWS[roles.get(role, "none")]
