"""Invitation on closure (by the beat task), one per party, reminders once, expiry after 30 days."""
from datetime import timedelta

import pytest

from cases.models import CaseEvent, CaseStatus, Notification
from cases.surveys.models import SurveyInvitation
from cases.surveys.services import survey_invite_case
from cases.surveys.tasks import invite_closed_cases, remind_and_expire
from tests.statistics.world import accept, at, close_intake, new_case

pytestmark = pytest.mark.django_db


def test_closing_a_case_invites_each_party_once_when_the_task_runs(
    mediated, world, clock, sms_outbox, mailoutbox, django_capture_on_commit_callbacks,
):
    assert not SurveyInvitation.objects.exists()  # closing alone does nothing: the beat task invites
    clock.set(at(3, 12).replace(minute=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_closed_cases.delay().get() == 2
    invitations = list(SurveyInvitation.objects.select_related("party").order_by("party__role"))
    assert [i.party.role for i in invitations] == ["applicant", "respondent"]  # the agent is not asked
    for invitation in invitations:
        assert invitation.state == "pending"
        assert invitation.tier == "mediation" and invitation.organization == world.orgs.committee
        assert invitation.closed_status == CaseStatus.MEDIATED
        assert list(invitation.staff.all()) == [world.who.mediator]  # the handler, captured now
        assert invitation.invited_at == clock.now
        assert invitation.expires_at == clock.now + timedelta(days=30)
    applicant = invitations[0]
    # the applicant: in-app (has an account), SMS (mobile) and e-mail; the respondent company has a landline only
    assert applicant.channels == "email,in_app,sms"
    assert invitations[1].channels == ""
    assert len(sms_outbox) == 1 and "/survey/" in sms_outbox[0]["text"] and mediated.number in sms_outbox[0]["text"]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["liming@example.cn"]
    in_app = Notification.objects.get(channel="in_app", user=world.who.applicant)
    assert in_app.link.startswith("/survey/")
    event = CaseEvent.objects.get(case=mediated, kind="survey_invited")
    assert event.after == {"invitations": 2} and not event.public

    # the task runs every 5 minutes: nothing more is sent, nothing doubled
    clock.set(at(3, 12).replace(minute=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_closed_cases.delay().get() == 0
        assert survey_invite_case(case=mediated, actor=None) == []
    assert SurveyInvitation.objects.count() == 2 and len(sms_outbox) == 1 and len(mailoutbox) == 1
    assert CaseEvent.objects.filter(case=mediated, kind="survey_invited").count() == 1


def test_a_refused_complaint_invites_the_applicant_only(world, clock):
    case = new_case(clock, at(3, 2), world.orgs.centre)
    clock.set(at(3, 3))
    close_intake(case, to=CaseStatus.REFUSED, actor=world.who.clerk)
    invite_closed_cases.delay()
    assert [i.party.role for i in SurveyInvitation.objects.filter(case=case)] == ["applicant"]
    assert SurveyInvitation.objects.get(case=case).tier == "intake"


def test_open_cases_and_long_closed_ones_are_not_invited(world, clock):
    open_case = new_case(clock, at(3, 2), world.orgs.centre)
    clock.set(at(3, 3))
    accept(open_case, to=CaseStatus.MEDIATION_ASSIGNMENT, org=world.orgs.committee, actor=world.who.clerk)
    old = new_case(clock, at(1, 2), world.orgs.centre)
    clock.set(at(1, 3))
    close_intake(old, to=CaseStatus.WITHDRAWN, actor=world.who.clerk)
    clock.set(at(3, 4))  # more than 30 days after the withdrawal: an invitation would expire at once
    assert invite_closed_cases.delay().get() == 0
    assert survey_invite_case(case=open_case, actor=None) == []
    assert not SurveyInvitation.objects.exists()


def test_a_withdrawal_invites_every_party(world, clock):
    case = new_case(clock, at(3, 2), world.orgs.centre)
    clock.set(at(3, 3))
    close_intake(case, to=CaseStatus.WITHDRAWN, actor=world.who.clerk)
    invite_closed_cases.delay()
    assert sorted(i.party.role for i in SurveyInvitation.objects.filter(case=case)) == ["applicant", "respondent"]


def test_later_changes_of_the_handlers_do_not_move_the_attribution(invited, world):
    from cases.services.access import case_revoke_user

    case_revoke_user(case=invited.case, user=world.who.mediator, actor=world.who.director)
    assert list(invited.applicant.staff.all()) == [world.who.mediator]


def test_the_reminder_goes_once_after_three_days(invited, clock, sms_outbox, django_capture_on_commit_callbacks):
    sms_outbox.clear()
    clock.set(at(3, 15))  # 2 days 23 hours 55 minutes after the invitation: too early
    assert remind_and_expire.delay().get() == {"reminded": 0, "expired": 0}
    clock.set(at(3, 15, 11))
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_and_expire.delay().get() == {"reminded": 2, "expired": 0}
    assert len(sms_outbox) == 1 and "尚未" in sms_outbox[0]["text"] and "/survey/" in sms_outbox[0]["text"]
    assert Notification.objects.filter(idempotency_key__startswith="survey-remind:").count() == 3  # sms, mail, app
    for _ in range(3):  # the hourly task keeps running: still one reminder each
        clock.set(clock.now + timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert remind_and_expire.delay().get()["reminded"] == 0
    assert len(sms_outbox) == 1
    invited.applicant.refresh_from_db()
    assert invited.applicant.reminded_at == at(3, 15, 11)


def test_an_answered_invitation_gets_no_reminder(invited, clock, sms_outbox, django_capture_on_commit_callbacks):
    from tests.statistics.world import answer

    answer(invited.applicant, (4, 4, 4, 4, 4))
    sms_outbox.clear()
    clock.set(at(3, 20))
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_and_expire.delay().get()["reminded"] == 1  # the respondent only
    assert sms_outbox == []  # the respondent has no mobile number


def test_invitations_expire_after_thirty_days(invited, clock):
    clock.set(at(4, 11))  # 3-12 10:05 + 30 days = 4-11 10:05
    assert remind_and_expire.delay().get()["expired"] == 0
    clock.set(at(4, 11).replace(minute=5))
    result = remind_and_expire.delay().get()
    assert result == {"reminded": 0, "expired": 2}
    assert set(SurveyInvitation.objects.values_list("state", flat=True)) == {"expired"}
    assert remind_and_expire.delay().get() == {"reminded": 0, "expired": 0}
