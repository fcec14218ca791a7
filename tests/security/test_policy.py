"""Generated from ``config/access_policy.yaml`` and the URL resolver: every role x every URL x
every object relation, requested (GET, and the write methods with an empty body).

Where the policy denies, the answer must be a refusal: 302 to the login page (anonymous, pages),
401 (anonymous, API), 403 or 404 (405 when the method is not offered at all). Where it allows,
the answer must not be a refusal. The totals are printed (``-s``) and kept in docs/security.md.
"""
import json
import os
import time
from collections import Counter

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from cases.models import Role
from config import access_policy
from tests.security.harness import fill, object_kwargs

REFUSALS = {401, 403, 404, 405}
VARIANTS = {"mine": "own", "team": "same_org", "other": "other_org"}


def _refused(answer, *, anonymous):
    if answer.status in REFUSALS:
        return True
    return anonymous and answer.status == 302 and answer.location.split("?")[0] == resolve_url(settings.LOGIN_URL)


def _users(world):
    users = [(role.value, user) for role, user in world.users.items()]
    return users + [(None, None), (None, world.disabled)]


def sweep(world, routes, *, on_answer):
    """Call ``on_answer(route, method, role, user, relation, answer)`` for every combination."""
    requester = world.requester
    for route in routes:
        variants = VARIANTS if object_kwargs(route) else {"mine": "none"}
        for variant, relation in variants.items():
            kwargs = fill(route, world.objects[variant])
            if kwargs is None:
                continue
            from django.urls import reverse

            path = reverse(route.name, kwargs=kwargs)
            for method in route.methods:
                for role, user in _users(world):
                    if role is None and variant != "mine":
                        continue  # signed out or disabled: no relation to any object, one variant is enough
                    answer = requester.request(user, method, path, api=route.api)
                    on_answer(route, method, role, user, relation, answer)


@pytest.mark.django_db
def test_every_named_url_has_a_policy_row():
    missing = [r.name for r in access_policy.named_urls() if access_policy.policy()["urls"].get(r.name) is None]
    assert not missing, f"named URLs without a policy: {missing}; add a row to config/access_policy.yaml"
    stale = set(access_policy.policy()["urls"]) - {r.name for r in access_policy.named_urls()}
    assert not stale, f"config/access_policy.yaml has rows for URLs that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
def test_every_role_on_every_url_gets_what_the_policy_says(world):
    routes = [r for r in access_policy.named_urls()
              if os.environ.get("IPDR_POLICY_OBSERVED") or access_policy.policy()["urls"].get(r.name) is not None]
    totals, unexpected_success, unexpected_refusal, server_errors = Counter(), [], [], []
    observed = {}
    started = time.monotonic()

    def check(route, method, role, user, relation, answer):
        anonymous = role is None
        expected = access_policy.allowed(route.name, method, role, relation)
        refused = _refused(answer, anonymous=anonymous)
        who = role or ("anonymous" if user is None else "disabled")
        totals["combinations"] += 1
        if answer.status >= 500:
            server_errors.append(f"{method} {route.name} [{relation}] as {who}: {answer.status} {answer.error}")
            return
        totals["allowed" if expected else "denied"] += 1
        if not refused and (role or PUBLIC_OK(route, method)):
            observed.setdefault(route.name, {}).setdefault(method, {}).setdefault(who, set()).add(relation)
        if expected and refused:
            unexpected_refusal.append(f"{method} {route.name} [{relation}] as {who}: {answer.status}")
        elif not expected and not refused:
            unexpected_success.append(f"{method} {route.name} [{relation}] as {who}: {answer.status} "
                                      f"{answer.location}")

    def PUBLIC_OK(route, method):  # noqa: N802 (anonymous answers are recorded too)
        return True

    sweep(world, routes, on_answer=check)
    if os.environ.get("IPDR_POLICY_OBSERVED"):
        with open(os.environ["IPDR_POLICY_OBSERVED"], "w", encoding="utf-8") as fh:
            json.dump({n: {m: {w: sorted(rs) for w, rs in ws.items()} for m, ws in ms.items()}
                       for n, ms in observed.items()}, fh, ensure_ascii=False, indent=1)
    print(f"\naccess policy: {len(routes)} URLs, {len(Role)} roles + anonymous + disabled, "
          f"{totals['combinations']} combinations ({totals['allowed']} allowed, {totals['denied']} denied) "
          f"in {time.monotonic() - started:.0f} s; unexpected successes: {len(unexpected_success)}, "
          f"unexpected refusals: {len(unexpected_refusal)}, server errors: {len(server_errors)} "
          f"(world built in {world.build_seconds:.0f} s; {world.requester.requests} requests made, "
          f"{world.requester.hits} answered from the package's cache)")
    assert not unexpected_success, "answered where the policy denies:\n" + "\n".join(unexpected_success)
    assert not unexpected_refusal, "refused where the policy allows:\n" + "\n".join(unexpected_refusal)
    assert not server_errors, "server errors (never a 500):\n" + "\n".join(server_errors)


def test_the_policy_names_exactly_the_roles_that_see_full_identifiers():
    from cases.permissions import FULL_IDENTIFIER_ROLES

    assert set(access_policy.policy()["identifiers"]) == {r.value for r in FULL_IDENTIFIER_ROLES}
