"""IDOR sweep: every URL that takes an object id, called by a user who legitimately sees object X,
with the ids swapped to object Y of another organisation (and, for the parties, of another
complainant): refused (403/404), and the answer names none of Y's case numbers or parties.
"""
import time
from collections import Counter

import pytest
from django.urls import reverse

from cases.models import Role
from config import access_policy
from tests.security.harness import fill, object_kwargs

PARTY_ROLES = {Role.COMPLAINANT, Role.RESPONDENT}
REFUSED = {401, 403, 404, 405}
CAPABILITIES = {"token", "code"}


def identifying_strings(objs) -> list[str]:
    """Case numbers and party names of one variant's objects: none may appear in a refusal."""
    strings = set()
    for case in objs.cases:
        if case.number:
            strings.add(case.number)
        strings.update(p.name for p in case.parties.all())
    return sorted(strings)


@pytest.mark.django_db
def test_no_object_of_another_organisation_or_complainant_leaks(world):
    requester = world.requester
    # A signed token or verification code is a capability, not an id: it cannot be guessed or swapped.
    routes = [r for r in access_policy.named_urls() if set(object_kwargs(r)) - CAPABILITIES]
    secrets = {v: [s.encode() for s in identifying_strings(world.objects[v])] for v in ("team", "other")}
    totals, leaks, swept = Counter(), [], set()
    started = time.monotonic()
    for route in routes:
        kwargs = fill(route, world.objects["mine"])
        if kwargs is None:
            continue  # the world has no such object: reported as not swept
        mine = reverse(route.name, kwargs=kwargs)
        for method in route.methods:
            for role, user in world.users.items():
                seen = requester.request(user, method, mine, api=route.api)
                if seen.status in REFUSED or seen.status >= 500 or (seen.status == 302 and "/login/" in seen.location):
                    continue  # this user does not see X here: nothing to swap from
                targets = ["other"] + (["team"] if role in PARTY_ROLES else [])
                relations = {"other": "other_org", "team": "same_org"}
                for variant in targets:
                    if access_policy.allowed(route.name, method, role.value, relations[variant]):
                        totals["allowed by the policy"] += 1
                        continue  # a sysadmin sees every organisation's case: the policy test checks that
                    kwargs = fill(route, world.objects[variant])
                    if kwargs is None:
                        continue
                    path = reverse(route.name, kwargs=kwargs)
                    answer = requester.request(user, method, path, api=route.api)
                    totals["swaps"] += 1
                    swept.add(route.name)
                    named = [s.decode() for s in secrets[variant] if s in answer.body]
                    if answer.status not in REFUSED or named:
                        leaks.append(f"{method} {route.name} as {role.value}: X={mine} -> Y={path}: "
                                     f"{answer.status} {answer.location} names {named}")
    print(f"\nIDOR sweep: {len(swept)} URLs with object ids, {totals['swaps']} swapped requests "
          f"in {time.monotonic() - started:.0f} s ({totals['allowed by the policy']} swaps not made: the role may see "
          f"the other object); leaks: {len(leaks)}")
    assert len(swept) > 40, f"too few URLs swept ({len(swept)}): the world is missing objects"
    assert not leaks, "objects of others reachable by swapping ids:\n" + "\n".join(leaks)
