"""The staff second factor in a real browser (Debian's Chromium through Playwright), on a phone.

An intake clerk whose account requires the second factor signs in with the password, is led to
enrolment, reads the manual key from the page (as someone without a camera would), confirms with
the code an authenticator would show, and reaches the 工作台; signs out; signs in again and is asked
for the code; a wrong code gives the localised error; the right one opens the 工作台. The code form is
used with the keyboard only, at 390 px. Then the clerk prints backup codes on 账号安全 and signs in
with one of them instead of the authenticator.
"""
import base64
import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit.models import AuditLog
from cases.models import Role
from tests.e2e.conftest import BROWSER_TEST, new_page
from tests.factories import OrganizationFactory, staff

pytestmark = BROWSER_TEST


@pytest.fixture
def clerk(roles, settings):
    settings.IPDR_STAFF_OTP_REQUIRED = True  # tests/conftest.py turns it off for everyone else
    return staff(Role.INTAKE_CLERK, OrganizationFactory(), username="clerk-otp", full_name="刘受理")


def authenticator_code(key: bytes, steps_ahead=0) -> str:
    """What an authenticator app shows (RFC 6238: 30 s, 6 digits); ``steps_ahead`` for a later window
    (django-otp refuses a window it has already accepted, and allows one step of drift)."""
    return f"{totp(key, step=30, t0=-steps_ahead * 30, digits=6):06d}"


def type_password(page, base, username):
    """The login form, with the keyboard: the fields in tab order, Enter to submit."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名 / 手机号 / 邮箱").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("Correct-Horse-42")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def focused(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.textContent.trim()")


def test_staff_enrols_signs_out_and_passes_the_code_with_the_keyboard(live_server, browser, clerk):
    from playwright.sync_api import expect

    base = live_server.url
    page = new_page(browser, phone=True)

    # -- first sign-in: the password, then enrolment -------------------------------------------------
    type_password(page, base, clerk.username)
    expect(page).to_have_url(re.compile(r"/accounts/otp/setup/"))
    expect(page.get_by_role("heading", level=1, name="绑定验证器")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("验证器绑定二维码"))).to_be_visible()
    secret = page.locator("code.otp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret  # grouped for reading aloud
    key = base64.b32decode(secret.replace(" ", ""))
    assert focused(page) == "token"  # the code field has the focus: type straight away
    page.keyboard.type(authenticator_code(key))
    page.keyboard.press("Tab")
    assert focused(page) == "完成绑定"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1, name="工作台")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    assert TOTPDevice.objects.get(user=clerk).confirmed

    # -- sign out ----------------------------------------------------------------------------------
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # -- second sign-in: asked for the code; a wrong one, then the right one ---------------------------
    type_password(page, base, clerk.username)
    expect(page).to_have_url(re.compile(r"/accounts/otp/\?"))
    expect(page.get_by_role("heading", level=1, name="两步验证")).to_be_visible()
    right = authenticator_code(key, steps_ahead=1)  # the enrolment used this window already
    wrong = "000000" if right != "000000" else "111111"
    assert focused(page) == "token"
    page.keyboard.type(wrong)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("验证码不正确或已过期，请输入验证器当前显示的6位数字。")
    field = page.get_by_label("验证码", exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    assert focused(page) == "token"  # the page comes back with the focus in the field
    page.keyboard.press("Control+A")
    page.keyboard.type(authenticator_code(key, steps_ahead=1))
    page.keyboard.press("Tab")
    assert focused(page) == "验证"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1, name="工作台")).to_be_visible()

    # -- backup codes: printed once on 账号安全, then one replaces the authenticator --------------------
    with page.expect_navigation():
        page.get_by_role("link", name="账号安全").click()
    expect(page.get_by_role("heading", level=1, name="账号安全")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="生成备用验证码").click()
    codes = page.locator("ol.backup-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", c) for c in codes), codes
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{base}/accounts/security/")  # shown once: not on the page any more
    expect(page.locator("ol.backup-codes")).to_have_count(0)
    expect(page.get_by_text("还剩 10 个备用验证码可用。")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()
    type_password(page, base, clerk.username)
    expect(page.get_by_role("heading", level=1, name="两步验证")).to_be_visible()
    page.keyboard.type(codes[0])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="工作台")).to_be_visible()
    page.context.close()

    actions = list(AuditLog.objects.filter(user=clerk).order_by("id").values_list("action", flat=True))
    assert actions == ["login_success", "otp_enrolled", "otp_success", "logout",
                       "login_success", "otp_failed", "otp_success", "otp_backup_generated", "logout",
                       "login_success", "otp_backup_used", "otp_success"]
