"""精审 in a real browser (Debian's Chromium through Playwright), on a phone-sized screen (390 px).

The station's clerk signs for a transferred case, dockets it, records the judgment with its PDF and
downloads the transfer package's zip; a judge rules on a judicial confirmation; the clerk delegates a
new dispute to the mediation committee through the form.
"""
import hashlib
import json
import zipfile

from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, CaseStatus
from cases.tribunal import services as tribunal
from mediation.models import CourtDelegation
from tests.e2e.conftest import BROWSER_TEST, PHONE, signed_in_page
from tests.factories import credit_code, id_number
from tests.mediation import conftest as mediation_fixtures
from tests.tribunal import conftest as tribunal_fixtures
from tests.tribunal.conftest import PDF, confirmation_filed, failed_to_court

# The tribunal tests' fixtures (the district's chain with a station clerk and judge, the parties).
med = mediation_fixtures.med
people = mediation_fixtures.people
court = tribunal_fixtures.court

pytestmark = BROWSER_TEST


def _phone(browser, base, user):
    return signed_in_page(browser, base, user, PHONE, accept_downloads=True)


def _submit(page, form_action):
    with page.expect_navigation():
        page.click(f"form[action='{form_action}'] button[type=submit]")


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_clerk_signs_dockets_records_judgment_and_downloads_the_package(live_server, browser, court, people,
                                                                         tmp_path):
    case = failed_to_court(court, people)  # committed: the 移送函 is issued by the (eager) task on arrival
    assert case.documents.filter(doc_type="transfer_letter").count() == 1
    base = live_server.url
    page = _phone(browser, base, court.court_clerk)
    page.goto(base + reverse("workflows:tribunal:queue"))
    _no_horizontal_scroll(page)
    with page.expect_navigation():
        page.get_by_role("link", name=case.number).click()
    _submit(page, reverse("workflows:tribunal:action", args=[case.pk, "acknowledge"]))
    assert "已签收。" in page.content()
    page.fill("input[name=docket-court_reference]", "（2026）渝01知民初77号")
    _submit(page, reverse("workflows:tribunal:action", args=[case.pk, "docket"]))
    assert "已登记立案。" in page.content()
    page.select_option("select[name=outcome-outcome]", "judgment")
    page.fill("input[name=outcome-decided_on]", timezone.localdate().isoformat())
    page.fill("textarea[name=outcome-summary]", "判决被告停止侵权并赔偿原告经济损失五万元。")
    page.set_input_files("input[name=outcome-document]",
                         files=[{"name": "判决书.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    _submit(page, reverse("workflows:tribunal:action", args=[case.pk, "outcome"]))
    assert "已登记结案。" in page.content()
    _no_horizontal_scroll(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载原始文件压缩包（ZIP）").click()
    path = tmp_path / "package.zip"
    download_info.value.save_as(path)
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for entry in manifest["files"]:
            assert hashlib.sha256(zf.read(entry["name"])).hexdigest() == entry["sha256"]
    judgment = [f for f in manifest["files"] if f["kind"] == "evidence" and f["title"] == "判决书.pdf"]
    assert len(judgment) == 1 and judgment[0]["intact"]
    case.refresh_from_db()
    assert case.status == CaseStatus.COURT_CLOSED and case.court_reference == "（2026）渝01知民初77号"
    assert CaseEvent.objects.filter(case=case, kind="tribunal_package_downloaded", actor=court.court_clerk,
                                    after__part="zip").count() == 1


def test_judge_rules_on_a_confirmation_on_a_phone(live_server, browser, court, people):
    case = confirmation_filed(court, people)
    tribunal.confirmation_accept(actor=court.court_clerk, case=case)
    base = live_server.url
    page = _phone(browser, base, court.judge)
    page.goto(base + reverse("workflows:tribunal:case", args=[case.pk]))
    page.get_by_label("确认调解协议有效").check()
    _submit(page, reverse("workflows:tribunal:action", args=[case.pk, "rule"]))
    assert "已作出裁定。" in page.content()
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATED and case.confirmation_rulings.get().confirmed is True


def test_clerk_delegates_a_dispute_through_the_form_on_a_phone(live_server, browser, court):
    base = live_server.url
    page = _phone(browser, base, court.court_clerk)
    page.goto(base + reverse("workflows:tribunal:queue"))
    with page.expect_navigation():
        page.get_by_role("link", name="新建委派/委托调解").first.click()
    _no_horizontal_scroll(page)
    page.get_by_label("法院案号").fill("（2026）渝0120民诉前调555号")
    page.check("input[name=d-kind][value=delegated]")
    page.check("input[name=applicant-kind][value=person]")
    page.fill("input[name=applicant-name]", "李明")
    page.fill("input[name=applicant-identifier]", id_number())
    page.fill("input[name=applicant-phone]", "13812345678")
    page.check("input[name=respondents-0-kind][value=organization]")
    page.fill("input[name=respondents-0-name]", "重庆某某机械有限公司")
    page.fill("input[name=respondents-0-identifier]", credit_code())
    page.select_option("select[name=rights-0-kind]", "trademark")
    page.fill("input[name=rights-0-title]", "某某商标")
    page.fill("textarea[name=d-facts]", "被申请人在其门店销售带有申请人注册商标的商品。")
    page.fill("textarea[name=d-claims]", "停止侵权。")
    # a mistake first: the phone number is wrong; the page says so next to the field and keeps the input
    page.fill("input[name=applicant-phone]", "12345")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".field-invalid input[name=applicant-phone]").count() == 1
    assert page.input_value("input[name=applicant-name]") == "李明"
    assert not CourtDelegation.objects.exists()
    page.fill("input[name=applicant-phone]", "13812345678")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "（2026）渝0120民诉前调555号" in page.content() and "调解中" in page.content()
    delegation = CourtDelegation.objects.get()
    assert delegation.kind == "delegated" and delegation.case.status == CaseStatus.MEDIATION_ASSIGNMENT
