"""The security audit log: what is recorded, that it cannot be changed, who can read it."""
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from cases.audit.models import AuditLog
from cases.audit.services import audit_record
from cases.models import Role
from tests.factories import OrganizationFactory, UserFactory, complainant, make_case, staff
from tests.markers import postgres_only

PASSWORD = "Correct-Horse-42"
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) " + "x" * 400


@pytest.mark.django_db
def test_login_failure_lockout_success_and_logout_are_recorded(client, roles):
    org = OrganizationFactory()
    clerk = staff(Role.INTAKE_CLERK, org, username="clerk")
    post = lambda password: client.post(reverse("login"), {"username": "clerk", "password": password},  # noqa: E731
                                        HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.1.2.3")
    post("wrong-password-1")
    assert post(PASSWORD).status_code == 302
    client.post(reverse("logout"))
    failed = AuditLog.objects.get(action="login_failed")
    assert failed.username == "clerk" and failed.user is None and failed.ip == "10.1.2.3"
    assert len(failed.user_agent) == 255 and failed.user_agent.startswith("Mozilla/5.0 (iPhone")
    assert "wrong-password-1" not in str(failed.detail)
    success = AuditLog.objects.get(action="login_success")
    assert success.user == clerk and success.roles == ["intake_clerk"] and success.organization == org
    assert AuditLog.objects.filter(action="logout", user=clerk).count() == 1
    for _ in range(5):
        post("wrong-password-1")
    assert AuditLog.objects.filter(action="lockout", username="clerk").exists()


@pytest.mark.django_db
def test_a_probe_for_someone_elses_case_is_recorded_once(client, roles):
    owner, prober = complainant(), complainant()
    case = make_case(applicant_user=owner)
    client.force_login(prober)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert APIClient(enforce_csrf_checks=False).get(reverse("v1:case-detail", args=[case.pk])).status_code in (401, 403)
    denied = AuditLog.objects.filter(action="permission_denied", user=prober)
    assert denied.count() == 1
    assert denied.get().object_id == f"case_id={case.pk}" and denied.get().result == "denied"


@pytest.mark.django_db
def test_a_wrong_role_is_recorded(client, roles):
    party = complainant()
    client.force_login(party)
    assert client.get(reverse("statistics:dashboard")).status_code == 403
    assert AuditLog.objects.filter(action="permission_denied", user=party, detail__status=403).count() == 1


@pytest.mark.django_db
def test_views_of_personal_data_are_recorded_and_without_a_record_nothing_is_shown(client, roles, monkeypatch):
    applicant = complainant()
    case = make_case(applicant_user=applicant)
    client.force_login(applicant)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("v1:case-detail", args=[case.pk])).status_code == 200
    views = AuditLog.objects.filter(action="view_personal_data", user=applicant, object_id=str(case.pk))
    assert sorted(views.values_list("detail__view", flat=True)) == ["cases:detail", "v1:case-detail"]

    def broken(self, *args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(AuditLog, "save", broken)
    # Login still works when the log is down (best effort for authentication events) ...
    other = APIClient()
    assert other.post(reverse("login"), {"username": applicant.username, "password": PASSWORD}).status_code == 302
    # ... but personal data is not shown without its record.
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 503
    assert "李明" not in response.content.decode()


@pytest.mark.django_db
def test_rows_cannot_be_changed_or_deleted_through_the_application(roles):
    entry = audit_record(action="login_failed", username="x")
    entry.username = "y"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        AuditLog.objects.filter(pk=entry.pk).update(username="y")
    with pytest.raises(ValidationError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).username == "x"


@postgres_only
@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_of_audit_rows(roles):
    entry = audit_record(action="login_failed", username="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditlog SET username = 'y' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditlog WHERE id = %s", [entry.pk])
    assert AuditLog.objects.filter(pk=entry.pk, username="x").exists()


@pytest.mark.django_db
def test_password_change_is_recorded_but_account_creation_is_not(roles):
    user = UserFactory(username="wang")
    user.set_password("A-new-long-passphrase-9")
    user.save()
    assert list(AuditLog.objects.values_list("action", "object_id")) == [("password_changed", str(user.pk))]


@pytest.mark.django_db
def test_retention_command_reports_the_oldest_row(roles, capsys):
    call_command("audit_retention")
    assert "empty" in capsys.readouterr().out
    audit_record(action="login_failed", username="x")
    call_command("audit_retention")
    out = capsys.readouterr().out
    assert "oldest" in out and "retention 183 days" in out


@pytest.mark.django_db
def test_only_system_administrators_read_the_log_and_nobody_edits_it(client, roles):
    org = OrganizationFactory()
    entry = audit_record(action="login_failed", username="13812345678")
    director = staff(Role.COMMITTEE_DIRECTOR, org, is_staff=True)
    client.force_login(director)
    assert client.get(reverse("admin:audit_auditlog_changelist")).status_code == 403
    sysadmin = staff(Role.SYSADMIN, org, is_staff=True)
    client.force_login(sysadmin)
    page = client.get(reverse("admin:audit_auditlog_changelist"))
    assert page.status_code == 200
    assert "13812345678" not in page.content.decode()  # a phone number typed as the login name is masked
    assert client.post(reverse("admin:audit_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()
