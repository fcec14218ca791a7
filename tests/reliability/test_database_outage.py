"""The database goes away: pages answer 503 (Chinese, no traceback, Retry-After), the API answers
JSON 503, and the site works again as soon as the database is back, without a restart."""
import json

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django.urls import reverse

from cases.documents.models import DocumentType
from cases.documents.services import document_issue
from tests.markers import postgres_only
from tests.reliability.procs import TcpProxy, app_server, db_url_via, env_for, http


def test_the_503_page_is_chinese_and_needs_no_database(rf: RequestFactory):
    """No django_db mark: any database query here would fail the test (its context processors would
    need the user, so the page must render without them)."""
    from django.db.utils import OperationalError

    from config.errors import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    page = middleware.process_exception(rf.get("/cases/"), OperationalError("connection refused"))
    api = middleware.process_exception(rf.get("/api/v1/cases/"), OperationalError("connection refused"))
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "系统暂时无法使用" in page.content.decode() and 'lang="zh-hans"' in page.content.decode()
    assert api.status_code == 503 and json.loads(api.content)["code"] == "database_unavailable"
    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None  # other errors stay 500s


@override_settings(DEBUG=False)
def test_a_database_error_outside_a_view_is_a_503_too(rf):
    from django.db.utils import InterfaceError

    from config.errors import server_error

    try:
        raise InterfaceError("connection already closed")
    except InterfaceError:
        response = server_error(rf.get("/cases/"))
    assert response.status_code == 503


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_down_then_back(tmp_path, clerk, centre, case):
    doc = document_issue(actor=clerk, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE, organization=centre,
                         context={"route": "mediation"})
    proxy = TcpProxy(int(connection.settings_dict["PORT"] or 5432)).start()
    page = reverse("documents:verify", args=[doc.verification_code])
    api = reverse("v1:case-list")
    token = {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"}
    try:
        with app_server(tmp_path, env=env_for(tmp_path, DATABASE_URL=db_url_via(proxy.port))) as base:
            status, _, body = http("GET", base + page)
            assert status == 200 and doc.number in body
            assert http("GET", base + api, headers=token)[0] == 401  # the token was looked up: database up

            proxy.cut()  # the database goes away, with the app's persistent connection
            for _ in range(2):  # the dead persistent connection, then a refused new one
                status, headers, body = http("GET", base + page)
                assert status == 503 and headers["Retry-After"] == "30"
                assert "系统暂时无法使用" in body and "Traceback" not in body and "OperationalError" not in body
            status, headers, body = http("GET", base + api, headers=token)
            assert status == 503 and headers["Content-Type"].startswith("application/json")
            assert json.loads(body)["code"] == "database_unavailable"

            proxy.restore()  # back: the next request reconnects
            status, _, body = http("GET", base + page)
            assert status == 200 and doc.number in body
            assert http("GET", base + api, headers=token)[0] == 401
    finally:
        proxy.cut()
