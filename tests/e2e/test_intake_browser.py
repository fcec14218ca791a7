"""Intake in a real browser (Debian's Chromium through Playwright).

A would-be complainant, on a phone-sized screen, answers the 维权导航 questions, starts an online
application from the recommendation, registers, goes through every step of the complaint wizard
with an evidence file and submits; an intake clerk of the district's protection centre, on a
desktop screen, accepts the complaint to mediation; back on the phone, the complainant sees the
new status and downloads the 受理通知书 PDF.
"""
import io
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from cases.documents.models import Document, DocumentType
from cases.intake.models import ComplaintDraft
from cases.models import Case, CaseStatus, Industry, Organization, Party, Role
from cases.services.organizations import organization_create
from tests.e2e.conftest import BROWSER_TEST, new_page
from tests.factories import DistrictFactory, credit_code, staff

CLERK_PASSWORD = "Correct-Horse-42"

APPLICANT_NAME = "张晓梅"
APPLICANT_MOBILE = "13983451234"
APPLICANT_PASSWORD = "Bishan-Patent-2025"
RESPONDENT_NAME = "重庆市璧山区恒达机械制造有限公司"
PATENT_TITLE = "一种电动车电池散热支架"

pytestmark = BROWSER_TEST


@pytest.fixture
def district(roles):
    """The default district's protection centre (where online complaints go), its mediation
    committee (where an accepted complaint is mediated) and an intake clerk of the centre."""
    district = DistrictFactory(name=settings.IPDR_DEFAULT_DISTRICT)
    centre = organization_create(
        name=f"{district.name}知识产权保护中心", kind=Organization.Kind.PROTECTION_CENTRE, district=district,
        number_abbr="璧知受", address="重庆市璧山区璧泉街道", phone="023-41400000",
    )
    committee = organization_create(
        name=f"{district.name}知识产权纠纷人民调解委员会", kind=Organization.Kind.MEDIATION_COMMITTEE,
        district=district, number_abbr="璧知调", address="重庆市璧山区璧泉街道", phone="023-41400001",
    )
    clerk = staff(Role.INTAKE_CLERK, centre, username="clerk-bishan", full_name="刘受理", password=CLERK_PASSWORD)
    industry, _created = Industry.objects.get_or_create(name="智能装备", defaults={"order": 3})
    return SimpleNamespace(district=district, centre=centre, committee=committee, clerk=clerk, industry=industry)


# -- real identifiers, check characters computed here -----------------------------------------


def id_number(body17: str) -> str:
    """A 居民身份证号码: 17 digits and the GB 11643 (ISO 7064 MOD 11-2) check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


def utility_model_number(year: int, serial: int) -> str:
    """A 实用新型 application number (type digit 2) with its mod-11 check digit: ZL2022 2 0345678.X"""
    digits = f"{year}2{serial:07d}"
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    check = sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
    return f"ZL{digits}.{'X' if check == 10 else check}"


def evidence_pdf() -> bytes:
    """A small, real, one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "专利证书"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(path) -> str:
    """All text of the PDF with white space removed (line breaks fall anywhere in Chinese text)."""
    from pypdf import PdfReader

    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(path).pages))


# -- page helpers -------------------------------------------------------------------------------


def errors_on(page) -> str:
    summary = page.locator(".error-summary, .form-errors, .errorlist")
    return " | ".join(summary.all_inner_texts()) if summary.count() else "(no error summary)"


def advance(page, button, url_pattern):
    """Click ``button`` (a locator) and wait for the page the form leads to; say why if it stays."""
    with page.expect_navigation():
        button.click()
    assert re.search(url_pattern, page.url), f"stayed on {page.url}: {errors_on(page)}"


def wizard_step(page, title):
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1, name=title, exact=True)).to_be_visible()


def login(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名 / 手机号 / 邮箱").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    advance(page, page.get_by_role("button", name="登录", exact=True), r"/$|/work/")


def test_navigator_complaint_clerk_accepts_and_complainant_downloads_the_acceptance_notice(
        live_server, browser, district, tmp_path):
    from playwright.sync_api import expect

    centre, clerk, industry = district.centre, district.clerk, district.industry
    base = live_server.url
    applicant_id = id_number("50022719880516123")
    patent = utility_model_number(2022, 345678)
    respondent_code = credit_code(seed=761234)

    # -- the complainant, on a phone, anonymous: 维权导航 ------------------------------------
    mobile = new_page(browser, phone=True, accept_downloads=True)
    mobile.goto(f"{base}/guide/")
    expect(mobile.get_by_role("heading", level=1, name="维权导航")).to_be_visible()
    questions = mobile.locator("form#questions")
    for legend, answer in [
        ("1. 您的哪种权利受到了侵害或发生了争议？", "实用新型专利"),
        ("2. 发生了什么？", "有人未经许可抄袭、仿冒、制造、销售或使用我的权利"),
        ("3. 您希望达到什么结果？", "既要停止侵权，也要赔偿"),
        ("4. 这件事是否已经起诉到法院？", "没有"),
        ("5. 对方是否愿意协商解决？", "不知道，还没有和对方谈过"),
        ("6. 是否希望行政机关尽快责令对方停止侵权？", "不需要"),
    ]:
        questions.get_by_role("group", name=legend).get_by_label(answer, exact=True).check()
    advance(mobile, questions.get_by_role("button", name="查看建议"), r"/guide/\?")
    result = mobile.locator("#result")
    expect(result.get_by_role("heading", name="调解（快调）")).to_be_visible()
    expect(result).to_contain_text("专利权评价报告（如有）")  # the utility model's evidence list
    expect(result).to_contain_text("赔偿金额可以在调解中协商确定")

    advance(mobile, result.get_by_role("button", name="开始网上申请"), r"/register/\?next=")

    # -- registration -------------------------------------------------------------------------
    expect(mobile.get_by_role("heading", level=1, name="注册账号")).to_be_visible()
    mobile.get_by_label("姓名", exact=True).fill(APPLICANT_NAME)
    mobile.get_by_label("手机号码", exact=True).fill(APPLICANT_MOBILE)
    mobile.get_by_label("设置密码", exact=True).fill(APPLICANT_PASSWORD)
    mobile.get_by_label("再次输入密码", exact=True).fill(APPLICANT_PASSWORD)
    mobile.get_by_label("我已阅读并同意《个人信息保护告知书》").check()
    advance(mobile, mobile.get_by_role("button", name="注册", exact=True), r"/complaint/\d+/applicant/$")

    # -- the wizard, step 1: 申请人 (name and phone come from the account) -----------------------
    wizard_step(mobile, "申请人")
    expect(mobile.get_by_text("已根据维权导航的回答预先填写了部分内容")).to_be_visible()
    form = mobile.locator("form.wizard-form")
    expect(form.get_by_label("个人（自然人）")).to_be_checked()
    expect(form.get_by_label("姓名或单位名称", exact=True)).to_have_value(APPLICANT_NAME)
    expect(form.get_by_label("联系电话", exact=True)).to_have_value(APPLICANT_MOBILE)
    form.get_by_label("居民身份证号码", exact=True).fill(applicant_id)
    form.get_by_label("电子邮箱", exact=True).fill("zhangxiaomei@example.cn")
    form.get_by_label("地址", exact=True).fill("重庆市璧山区璧城街道东林大道88号3幢2-1")
    advance(mobile, form.get_by_role("button", name="保存并继续"), r"/respondents/$")

    # -- step 2: 被申请人 ----------------------------------------------------------------------
    wizard_step(mobile, "被申请人")
    form = mobile.locator("form.wizard-form")
    respondent = form.locator("#respondent-1")
    expect(respondent.get_by_label("企业或其他单位")).to_be_checked()
    respondent.get_by_label("姓名或单位名称").fill(RESPONDENT_NAME)
    respondent.get_by_label("统一社会信用代码或身份证号码（选填）").fill(respondent_code)
    respondent.get_by_label("地址", exact=True).fill("重庆市璧山区璧泉街道工业园区大道16号")
    respondent.get_by_label("联系电话（选填）").fill("023-41234567")
    advance(mobile, form.get_by_role("button", name="保存并继续"), r"/rights/$")

    # -- step 3: 涉案知识产权 (the kind comes from the navigator) ----------------------------------
    wizard_step(mobile, "涉案知识产权")
    right = mobile.locator("#right-1")
    expect(right.get_by_label("权利类型")).to_have_value("utility_model")
    right.get_by_label("专利号 / 注册号 / 登记号").fill(patent)
    right.get_by_label("名称", exact=True).fill(PATENT_TITLE)
    right.get_by_label("权利人（选填）").fill(APPLICANT_NAME)
    advance(mobile, mobile.locator("form.wizard-form").get_by_role("button", name="保存并继续"), r"/dispute/$")

    # -- step 4: 纠纷与请求 (type, court and route come from the navigator) ------------------------
    wizard_step(mobile, "纠纷与请求")
    form = mobile.locator("form.wizard-form")
    expect(form.get_by_label("侵权纠纷", exact=True)).to_be_checked()
    expect(form.get_by_role("group", name="同一纠纷是否已经起诉到法院？").get_by_label("没有")).to_be_checked()
    expect(form.get_by_label("调解（快调）：免费、自愿，一般30日内结束", exact=True)).to_be_checked()
    form.get_by_label("所属行业（选填）").select_option(label=industry.name)
    form.get_by_label("事实与理由").fill(
        f"被申请人{RESPONDENT_NAME}未经许可，自2024年起制造并通过网店销售电动车电池散热支架，"
        f"其产品结构落入我的实用新型专利（{patent}）的保护范围，我公证购买了一件侵权产品。"
    )
    form.get_by_label("您知道权利受到侵害的日期（选填）").fill(
        timezone.localdate().replace(day=1).isoformat())
    form.get_by_label("请求对方停止侵权（停止制造、销售、使用等行为）").check()
    form.get_by_label("请求对方赔偿经济损失").check()
    form.get_by_label("要求赔偿的金额（元）").fill("50000")
    form.get_by_label("标的额（元，选填）").fill("50000")
    advance(mobile, form.get_by_role("button", name="保存并继续"), r"/evidence/$")

    # -- step 5: 证据材料, a real PDF ------------------------------------------------------------
    wizard_step(mobile, "证据材料")
    upload = mobile.locator("form.upload-form")
    upload.get_by_label("选择文件").set_input_files(
        files=[{"name": "专利证书.pdf", "mimeType": "application/pdf", "buffer": evidence_pdf()}])
    upload.get_by_label("这份证据证明什么").fill("实用新型专利证书及最近一期年费缴纳凭证")
    advance(mobile, upload.get_by_role("button", name="上传这个文件"), r"/evidence/$")
    expect(mobile.get_by_text("已上传：专利证书.pdf")).to_be_visible()
    expect(mobile.locator(".attachment-item")).to_have_count(1)
    expect(mobile.locator(".attachment-item")).to_contain_text("实用新型专利证书及最近一期年费缴纳凭证")
    advance(mobile, mobile.get_by_role("button", name="下一步：核对并提交"), r"/review/$")

    # -- step 6: 核对并提交 ----------------------------------------------------------------------
    wizard_step(mobile, "核对并提交")
    expect(mobile.locator("#problems")).to_have_count(0)
    for text in (APPLICANT_NAME, applicant_id, RESPONDENT_NAME, respondent_code, patent, PATENT_TITLE,
                 industry.name, "专利证书.pdf"):
        expect(mobile.locator("main")).to_contain_text(text)
    mobile.get_by_label("本人承诺所填信息真实、准确，提交的证据材料真实有效。").check()
    advance(mobile, mobile.get_by_role("button", name="提交申请"), r"/complaint/submitted/\d+/$")

    # -- submitted: the case number and the triage due date ----------------------------------------
    expect(mobile.get_by_role("heading", level=1, name="申请已提交")).to_be_visible()
    number = mobile.locator(".case-number-big").inner_text().strip()
    assert re.fullmatch(r"（\d{4}）璧知受字第\d{4}号", number), number
    due = mobile.locator("time[datetime]").first
    due_iso = due.get_attribute("datetime")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", due_iso) and due_iso > timezone.localdate().isoformat()
    expect(mobile.locator("main")).to_contain_text("受理审查期限")
    expect(due).to_have_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"))
    case_id = int(re.search(r"/complaint/submitted/(\d+)/", mobile.url).group(1))
    case = Case.objects.get(pk=case_id)
    assert case.number == number and case.organization_id == centre.pk
    assert case.status == CaseStatus.SUBMITTED
    assert ComplaintDraft.objects.get(submitted_case_id=case_id).owner.phone == APPLICANT_MOBILE

    advance(mobile, mobile.get_by_role("link", name="查看案件进展"), rf"/cases/{case_id}/$")
    expect(mobile.locator(".case-status")).to_contain_text("待受理")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"

    # -- the intake clerk, on a desktop: queue, triage, accept to mediation ---------------------------
    page = new_page(browser)
    login(page, base, clerk.username, CLERK_PASSWORD)
    page.goto(f"{base}/work/intake/")
    pending = page.locator("section[aria-labelledby=pending-heading]")
    advance(page, pending.get_by_role("link", name=number), rf"/work/intake/{case_id}/$")
    expect(page.locator(".case-number")).to_have_text(number)
    expect(page.locator("#parties")).to_contain_text(APPLICANT_NAME)
    expect(page.locator("#parties")).to_contain_text(RESPONDENT_NAME)
    expect(page.locator("#evidence")).to_contain_text("专利证书.pdf")
    accept = page.locator("#decision-accept")
    accept.get_by_label("调解：转调解委员会，征得被申请人同意后组织调解").check()
    accept.get_by_label("受理意见").fill("申请材料齐全，符合受理条件。")
    advance(page, accept.get_by_role("button", name="受理", exact=True), r"/work/intake/$")
    expect(page.locator(".messages")).to_contain_text("已受理，案件已转调解委员会")
    page.context.close()

    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_CONSENT

    # -- back on the phone: the new status and the 受理通知书 --------------------------------------
    mobile.reload()
    expect(mobile.locator(".case-status")).to_contain_text(str(CaseStatus.MEDIATION_CONSENT.label))
    notice_link = mobile.locator("#documents").get_by_role("link", name=str(DocumentType.ACCEPTANCE_NOTICE.label),
                                                          exact=True)
    with mobile.expect_download() as download_info:
        notice_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf") and "受理通知书" in download.suggested_filename
    saved = tmp_path / "acceptance_notice.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    text = pdf_text(saved)
    assert "受理通知书" in text
    assert re.sub(r"\s+", "", number) in text
    assert APPLICANT_NAME in text
    mobile.context.close()

    notice = Document.objects.get(case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE)
    assert notice.download_name == download.suggested_filename
    applicant = case.parties.get(role=Party.PartyRole.APPLICANT)
    assert applicant.name == APPLICANT_NAME and applicant.id_number == applicant_id
