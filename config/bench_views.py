"""The bare-Django floor for bench/load.py: one query, 25 rows, a minimal template.

Mounted only when ``IPDR_BENCH_URLS`` is on (never in production): it shows what the full
middleware stack, the session and one indexed query cost, so each list page's time can be
read as a multiple of it.
"""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import Context, Template

from cases.permissions import visible_cases

FLOOR = Template(
    "<!doctype html><title>floor</title><table>{% for c in cases %}<tr><td>{{ c.number }}</td><td>{{ c.title }}</td>"
    "<td>{{ c.get_status_display }}</td><td>{{ c.submitted_at|date:'Y-m-d' }}</td></tr>{% endfor %}</table>"
)


@login_required
def floor(request):
    cases = list(visible_cases(request.user).order_by("-submitted_at", "-id")[:25])
    return HttpResponse(FLOOR.render(Context({"cases": cases})))
