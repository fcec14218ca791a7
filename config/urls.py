from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from cases import views as case_views

REDOC_CSP = {
    "script-src": ["https://cdn.jsdelivr.net"], "style-src": ["'unsafe-inline'", "https://fonts.googleapis.com"],
    "font-src": ["https://fonts.gstatic.com"], "worker-src": ["blob:"], "img-src": ["https://cdn.redoc.ly"],
}

urlpatterns = [
    path("", case_views.home, name="home"),
    path("favicon.ico", RedirectView.as_view(url=static("images/favicon.svg"), permanent=True)),
    path("accounts/", include("cases.urls_auth")),
    path("cases/", include("cases.urls")),
    path("", include("cases.documents.urls")),
    path("", include("cases.intake.urls")),
    path("", include("cases.surveys.urls")),
    path("", include("cases.statistics.urls")),
    path("mediation/", include("mediation.urls")),
    path("work/", include("workflows.urls")),
    path("api/v1/", include("config.api_urls", namespace="v1")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Redoc comes from its CDN and styles itself inline: a looser CSP on this page only (no personal data).
    path("api/docs/", csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api-schema")), name="api-docs"),
]
if settings.IPDR_BENCH_URLS:  # bench/load.py's bare-Django floor; off unless the benchmark turns it on
    from config import bench_views

    urlpatterns.append(path("bench/floor/", bench_views.floor, name="bench-floor"))

# A database outage anywhere in a request is a 503 "try again shortly", not a 500 (config/errors.py).
handler500 = "config.errors.server_error"
handler404 = "config.errors.page_not_found"  # JSON under /api/
