"""Backup codes for the staff second factor (django-otp ``otp_static``) and the sysadmin's reset."""
import re

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from cases.audit.models import AuditLog, TokenVerification
from cases.models import Role
from tests.cases.security.test_otp import PASSWORD, code, enrolled
from tests.factories import OrganizationFactory, staff

CODE = re.compile(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>")


@pytest.fixture(autouse=True)
def _otp_on(settings):
    settings.IPDR_STAFF_OTP_REQUIRED = True


@pytest.fixture
def clerk(roles):
    return staff(Role.INTAKE_CLERK, OrganizationFactory(), username="clerk")


def _signed_in(client, user, device):
    """Password, then the authenticator's code: the session is verified."""
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert client.post(reverse("otp_verify"), {"token": code(device)}).status_code == 302


def _generate(client):
    page = client.post(reverse("otp_backup_codes"))
    assert page.status_code == 200
    return CODE.findall(page.content.decode())


@pytest.mark.django_db
def test_backup_codes_are_shown_once_stored_hashed_and_each_works_once(client, clerk):
    from django.test import Client

    device = enrolled(clerk)
    _signed_in(client, clerk, device)
    page = client.get(reverse("account_security"))
    assert page.status_code == 200 and "生成备用验证码" in page.content.decode()
    codes = _generate(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(StaticToken.objects.filter(device__user=clerk).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)  # never readable
    later = client.get(reverse("account_security")).content.decode()
    assert not CODE.findall(later) and "还剩 10 个备用验证码可用" in later  # shown once
    assert AuditLog.objects.filter(user=clerk, action="otp_backup_generated", detail__count=10).count() == 1

    # A new browser: password, then a backup code typed in capitals with a space instead of the hyphen.
    other = Client()
    other.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    typed = codes[3].upper().replace("-", " ")
    done = other.post(f"{reverse('otp_verify')}?next=/cases/", {"token": typed, "next": "/cases/"})
    assert done.status_code == 302 and done["Location"] == "/cases/"
    assert other.get(reverse("cases:list")).status_code == 200
    used = AuditLog.objects.get(user=clerk, action="otp_backup_used")
    assert used.detail == {"remaining": 9}
    assert "还剩 9 个备用验证码可用" in other.get(reverse("account_security")).content.decode()

    # The same code again, in a third browser: refused, and the failure is recorded.
    third = Client()
    third.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    again = third.post(reverse("otp_verify"), {"token": codes[3]})
    assert again.status_code == 400 and "已经用过" in again.content.decode()
    assert third.get(reverse("cases:list")).status_code == 302
    assert AuditLog.objects.filter(user=clerk, action="otp_failed", detail__backup=True).count() == 1


@pytest.mark.django_db
def test_regenerating_replaces_the_old_codes(client, clerk):
    from django.test import Client

    device = enrolled(clerk)
    _signed_in(client, clerk, device)
    old = _generate(client)
    new = _generate(client)
    assert not set(old) & set(new)
    assert StaticToken.objects.filter(device__user=clerk).count() == 10
    assert AuditLog.objects.filter(user=clerk, action="otp_backup_generated").count() == 2
    assert AuditLog.objects.filter(user=clerk, action="otp_backup_generated").first().detail["replaced"] == 10

    browser = Client()
    browser.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert browser.post(reverse("otp_verify"), {"token": old[0]}).status_code == 400
    StaticDevice.objects.get(user=clerk).throttle_reset()  # the wrong code made the next try wait
    assert browser.post(reverse("otp_verify"), {"token": new[0]}).status_code == 302


@pytest.mark.django_db
def test_no_codes_without_the_second_factor_passed(client, clerk, settings):
    """A password alone (second factor not passed in this session) cannot print codes."""
    settings.IPDR_STAFF_OTP_REQUIRED = False  # the middleware lets the page open without the code
    enrolled(clerk)
    client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    refused = client.post(reverse("otp_backup_codes"))
    assert refused.status_code == 400 and "完成两步验证" in refused.content.decode()
    assert not StaticToken.objects.exists() and not AuditLog.objects.filter(action="otp_backup_generated").exists()
    assert client.get(reverse("otp_backup_codes")).status_code == 405


@pytest.mark.django_db
def test_sysadmin_resets_a_lost_phone_and_the_user_enrols_again(client, clerk, roles):
    from django.test import Client

    device = enrolled(clerk)
    _signed_in(client, clerk, device)
    _generate(client)
    token = Token.objects.create(user=clerk)
    TokenVerification.objects.create(token=token, device=device.persistent_id)
    admin_user = staff(Role.SYSADMIN, OrganizationFactory(), username="sysadmin", is_staff=True)
    admin_user.user_permissions.add(*_user_admin_permissions())
    admin_browser = Client()
    _signed_in(admin_browser, admin_user, enrolled(admin_user))
    url = reverse("admin:cases_user_changelist")
    changelist = admin_browser.get(url)
    assert "reset_second_factor" in changelist.content.decode()
    done = admin_browser.post(url, {"action": "reset_second_factor", "_selected_action": [clerk.pk]}, follow=True)
    assert "已重置1个账号的两步验证" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=clerk).exists() and not StaticDevice.objects.filter(user=clerk).exists()
    assert not Token.objects.filter(user=clerk).exists()
    entry = AuditLog.objects.get(action="otp_reset")
    assert entry.user == admin_user and entry.object_id == str(clerk.pk)
    assert entry.detail["authenticators"] == 1 and entry.detail["backup_devices"] == 1
    # The clerk's old session no longer counts as verified; the next step is a new enrolment.
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))


@pytest.mark.django_db
def test_only_sysadmins_see_the_devices_and_the_reset(clerk, roles, rf):
    from django.test import Client

    enrolled(clerk)
    supervisor = staff(Role.SUPERVISOR, OrganizationFactory(), username="boss", is_staff=True)
    supervisor.user_permissions.add(*_all_device_permissions())
    browser = Client()
    _signed_in(browser, supervisor, enrolled(supervisor))
    assert browser.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403
    assert browser.get(reverse("admin:otp_static_staticdevice_changelist")).status_code == 403
    changelist = browser.get(reverse("admin:cases_user_changelist"))
    assert changelist.status_code == 200  # the user admin, but not the reset
    assert "deactivate_users" in changelist.content.decode()
    assert "reset_second_factor" not in changelist.content.decode()
    refused = browser.post(reverse("admin:cases_user_changelist"),
                           {"action": "reset_second_factor", "_selected_action": [clerk.pk]})
    assert refused.status_code == 302  # back to the list with "no action selected": not offered to them
    assert TOTPDevice.objects.filter(user=clerk).exists() and not AuditLog.objects.filter(action="otp_reset").exists()

    sysadmin = staff(Role.SYSADMIN, OrganizationFactory(), username="root", is_staff=True)
    sysadmin.user_permissions.add(*_user_admin_permissions())
    browser = Client()
    _signed_in(browser, sysadmin, enrolled(sysadmin))
    listing = browser.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listing.status_code == 200 and str(clerk) in listing.content.decode()
    clerk_device = TOTPDevice.objects.get(user=clerk)
    assert browser.get(reverse("admin:otp_totp_totpdevice_config", args=[clerk_device.pk])).status_code == 403
    assert browser.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[clerk_device.pk])).status_code == 403
    totp_admin = site._registry[TOTPDevice]
    request = rf.get("/")
    request.user = sysadmin
    assert not totp_admin.has_add_permission(request) and not totp_admin.has_delete_permission(request)
    assert not totp_admin.has_change_permission(request)


def _all_device_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label__in=["otp_totp", "otp_static", "cases"])


def _user_admin_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="cases", codename__in=["view_user", "change_user"])


@pytest.mark.django_db
def test_a_party_sees_the_page_but_has_no_codes_to_generate(client, roles):
    from tests.factories import complainant

    complainant(username="party")
    client.post(reverse("login"), {"username": "party", "password": PASSWORD})
    page = client.get(reverse("account_security"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "尚未绑定验证器" in html and reverse("otp_backup_codes") not in html
    refused = client.post(reverse("otp_backup_codes"))
    assert refused.status_code == 400 and "请先绑定验证器" in refused.content.decode()
    assert not StaticDevice.objects.exists()
