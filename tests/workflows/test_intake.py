"""The intake clerk's queue and the triage screen (受理、补正、不予受理)."""
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import calendar as workcal
from cases import services
from cases.documents.models import Document
from cases.intake.models import IntakeDecision
from cases.intake.tasks import lapse_overdue_supplements
from cases.models import CaseNumber, CaseStatus, Deadline, Notification, Organization, Role, Tier
from cases.services.organizations import organization_create
from mediation.models import MediationConsent
from tests.factories import complainant, id_number, make_case, patent_number, staff
from tests.workflows.conftest import respondent_of

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def _triage(case):
    return reverse("workflows:triage", args=[case.pk])


def _add_evidence(case, user):
    services.evidence_add(
        actor=user, case=case, description="公证书",
        uploaded_file=SimpleUploadedFile("公证书.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"),
    )


# ---------- the queue ----------

def test_queue_lists_own_organisation_by_due_date_with_overdue_marked(client, chain, new_case):
    now = timezone.now()
    recent = new_case(submitted_at=now - timedelta(days=1), respondent_name="重庆近期公司")
    overdue = new_case(submitted_at=now - timedelta(days=30), respondent_name="重庆逾期公司")
    middle = new_case(submitted_at=now - timedelta(days=3), respondent_name="重庆中间公司")
    waiting = new_case(respondent_name="重庆补正公司")
    services.case_change_status(case=waiting, actor=chain.clerk, to=CaseStatus.SUPPLEMENT_REQUESTED)
    other_org = organization_create(name="长寿区知识产权保护中心", kind=Organization.Kind.PROTECTION_CENTRE,
                                    district=chain.district, number_abbr="长知受")
    foreign = make_case(organization=other_org, applicant_user=complainant(), respondent_name="重庆外区公司")

    client.force_login(chain.clerk)
    response = client.get(reverse("workflows:intake_queue"))
    assert response.status_code == 200
    html = _html(response)
    assert foreign.number not in html
    positions = [html.index(c.number) for c in (overdue, middle, recent)]
    assert positions == sorted(positions), "soonest triage deadline first"
    overdue_row = re.search(r"<tr class=\"row-overdue\">.*?</tr>", html, re.S).group(0)
    assert overdue.number in overdue_row and "已逾期" in overdue_row
    recent_row = re.search(rf"<tr>\s*<td[^>]*><a href=\"{_triage(recent)}\">.*?</tr>", html, re.S).group(0)
    assert "已逾期" not in recent_row
    # Counts at the top; the supplement case in its own section.
    assert re.search(r'stat-number">3</span> <span class="stat-label">待受理', html)
    assert re.search(r'stat-number">1</span> <span class="stat-label"><span aria-hidden="true">! </span>审查逾期', html)
    assert re.search(r'stat-number">1</span> <span class="stat-label">待补正</span></li>', html)
    supplement_section = html[html.index("等待申请人补正"):]
    assert waiting.number in supplement_section
    assert waiting.number not in html[:html.index("等待申请人补正")]
    assert 'aria-current="page">受理队列' in html  # the nav item


def test_queue_paginates_by_25(client, chain, new_case):
    for _ in range(26):
        new_case()
    client.force_login(chain.clerk)
    response = client.get(reverse("workflows:intake_queue"))
    html = _html(response)
    assert html.count("（受理审查）") == 25 and 'rel="next"' in html
    second = _html(client.get(reverse("workflows:intake_queue"), {"after": response.context["page"].next_cursor}))
    assert second.count("（受理审查）") == 1 and 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize("who", ["complainant", "mediator"])
def test_queue_and_triage_are_for_intake_clerks(client, chain, new_case, applicant, who):
    case = new_case()
    user = applicant if who == "complainant" else chain.mediator
    client.force_login(user)
    assert client.get(reverse("workflows:intake_queue")).status_code == 403
    assert client.get(_triage(case)).status_code in (403, 404)
    assert client.post(_triage(case), {"decision": "refuse", "refuse-grounds": ["not_ip"]}).status_code in (403, 404)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_triage_of_another_organisations_case_is_404(client, chain):
    other_org = organization_create(name="长寿区知识产权保护中心", kind=Organization.Kind.PROTECTION_CENTRE,
                                    district=chain.district, number_abbr="长知受")
    case = make_case(organization=other_org, applicant_user=complainant())
    client.force_login(chain.clerk)
    assert client.get(_triage(case)).status_code == 404


def test_anonymous_is_sent_to_login(client, chain, new_case):
    response = client.get(reverse("workflows:intake_queue"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ---------- the triage page ----------

def test_triage_page_shows_complaint_checklist_duplicates_and_limitation(client, chain, new_case, applicant):
    case = new_case(knowledge_date=timezone.localdate() - timedelta(days=4 * 365))
    _add_evidence(case, applicant)
    respondent = respondent_of(case)
    number = case.ip_rights.get().number
    same = [
        {"role": "applicant", "kind": "person", "name": "王五", "id_number": id_number(), "phone": "13900000000"},
        {"role": "respondent", "kind": "organization", "name": respondent.name, "credit_code": respondent.credit_code},
    ]
    right = [{"kind": "utility_model", "number": number, "title": "同一专利"}]
    committee_case = make_case(organization=chain.committee, parties=same, ip_rights=right,
                               actor=chain.mediator)
    unrelated = make_case(organization=chain.centre, applicant_user=complainant(), respondent_name="重庆无关公司",
                          ip_rights=[{"kind": "utility_model", "number": patent_number(), "title": "另一专利"}])

    client.force_login(chain.clerk)
    response = client.get(_triage(case))
    assert response.status_code == 200
    html = _html(response)
    # The complaint, identifiers in full for the clerk, evidence downloadable.
    applicant_party = case.parties.get(role="applicant")
    assert applicant_party.id_number in html and "13812345678" in html
    assert respondent.credit_code in html and number in html
    assert "请求停止侵权并赔偿经济损失" in html
    evidence = case.evidence.get()
    assert reverse("cases:evidence_download", args=[evidence.pk]) in html
    # The checklist: limitation fails (warning), the rest passes.
    assert "完整性检查" in html and "诉讼时效" in html
    assert "不符合" in html and "符合" in html
    assert "可能已过诉讼时效" in html
    # The duplicate (same respondent credit code and patent number) in another organisation: listed, not linked.
    assert committee_case.number in html
    assert reverse("cases:detail", args=[committee_case.pk]) not in html
    assert "无权查看" in html
    assert unrelated.number not in html
    # Three decisions.
    assert 'name="decision" value="accept"' in html
    assert 'name="decision" value="supplement"' in html
    assert 'name="decision" value="refuse"' in html
    assert "<script" not in html and 'style="' not in html


def test_duplicate_the_clerk_may_see_is_linked(client, chain, new_case):
    case = new_case()
    respondent = respondent_of(case)
    twin = make_case(
        organization=chain.centre, applicant_user=complainant(), respondent_name=respondent.name,
        parties=[
            {"role": "applicant", "kind": "person", "name": "李明", "id_number": case.parties.get(
                role="applicant").id_number, "phone": "13812345678"},
            {"role": "respondent", "kind": "organization", "name": respondent.name,
             "credit_code": respondent.credit_code},
        ],
    )
    client.force_login(chain.clerk)
    html = _html(client.get(_triage(case)))
    assert reverse("cases:detail", args=[twin.pk]) in html


def test_supplement_items_missing_from_the_checklist_are_pre_ticked(client, chain, new_case):
    case = new_case()  # no evidence
    client.force_login(chain.clerk)
    html = _html(client.get(_triage(case)))
    assert re.search(r'<input type="checkbox" name="supplement-items" value="infringement_evidence"[^>]*checked', html)
    assert not re.search(r'<input type="checkbox" name="supplement-items" value="claims"[^>]*checked', html)
    assert "证据材料" in html and "至少提交一份证据。" in html


# ---------- accept ----------

def test_accept_to_mediation(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {
        "decision": "accept", "accept-route": "mediation", "accept-note": "同意受理",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("workflows:intake_queue")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_CONSENT
    assert case.organization == chain.committee
    assert CaseNumber.objects.filter(case=case, tier=Tier.MEDIATION, organization=chain.committee).exists()
    assert "璧知调" in case.number
    respondent = respondent_of(case)
    assert MediationConsent.objects.filter(case=case, party=respondent, answered_at=None).count() == 1
    invitation = Notification.objects.filter(case=case, subject="调解邀请").first()
    assert invitation is not None and invitation.link.startswith("/work/respond/")
    assert Document.objects.filter(case=case, doc_type="acceptance_notice").exists()
    assert IntakeDecision.objects.get(case=case).route == "mediation"
    html = _html(client.get(response["Location"]))
    assert "已受理，案件已转调解委员会" in html
    assert case.number not in html  # no longer in the queue


def test_accept_to_adjudication_for_a_patent_infringement(client, chain, new_case):
    case = new_case(preferred_route="adjudication")
    client.force_login(chain.clerk)
    html = _html(client.get(_triage(case)))
    assert re.search(r'value="adjudication"[^>]*checked', html)  # the applicant's wish is the default
    response = client.post(_triage(case), {"decision": "accept", "accept-route": "adjudication"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATION_REVIEW and case.organization == chain.office


def test_accept_to_litigation(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    client.post(_triage(case), {"decision": "accept", "accept-route": "litigation"})
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED and case.organization == chain.station


def test_adjudication_is_not_offered_nor_accepted_for_a_trademark_case(client, chain, new_case):
    case = new_case(ip_kind="trademark")
    client.force_login(chain.clerk)
    html = _html(client.get(_triage(case)))
    assert 'value="adjudication"' not in html
    assert "行政裁决仅适用于专利侵权纠纷" in html
    response = client.post(_triage(case), {"decision": "accept", "accept-route": "adjudication"})
    assert response.status_code == 400
    html = _html(response)
    assert "行政裁决只适用于专利侵权纠纷，请选择调解或移送法院。" in html
    assert 'aria-invalid="true"' in html or 'id="id_accept-route_error"' in html
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.organization == chain.centre
    assert not IntakeDecision.objects.filter(case=case).exists()
    assert not Document.objects.filter(case=case).exists()


def test_accept_without_a_route_is_a_field_error(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {"decision": "accept"})
    assert response.status_code == 400
    assert "请选择分流去向。" in _html(response)


def test_accept_when_the_district_has_no_committee_is_a_clear_error(client, chain, new_case):
    case = new_case()
    chain.committee.district = None
    chain.committee.save()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {"decision": "accept", "accept-route": "mediation"})
    assert response.status_code == 400
    assert "本区尚未设置" in _html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert not IntakeDecision.objects.filter(case=case).exists()


def test_double_submit_decides_once_and_says_so(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    data = {"decision": "accept", "accept-route": "mediation"}
    assert client.post(_triage(case), data).status_code == 302
    second = client.post(_triage(case), data, follow=True)
    assert second.status_code == 200
    html = _html(second)
    assert "本案已经作出决定（当前状态：征询调解意愿），无需重复提交。" in html
    assert 'name="decision"' not in html
    assert IntakeDecision.objects.filter(case=case).count() == 1
    assert MediationConsent.objects.filter(case=case).count() == 1


def test_unknown_decision_changes_nothing(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {"decision": "approve-everything"}, follow=True)
    assert "请选择受理、补正或不予受理中的一项决定。" in _html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


# ---------- supplement ----------

def test_supplement_stops_the_clock_and_gives_ten_days_then_lapses(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {
        "decision": "supplement", "supplement-items": ["infringement_evidence", "right_proof"],
        "supplement-note": "请提交专利年费缴纳凭证",
    })
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED
    triage_deadline = case.deadlines.get(kind="intake_triage")
    assert triage_deadline.state == Deadline.State.STOPPED
    supplement = case.deadlines.get(kind="intake_supplement")
    expected, _provisional = workcal.due_date_for(timezone.localdate(), "days", 10)
    assert supplement.due_date == expected and supplement.length == 10
    decision = IntakeDecision.objects.get(case=case)
    assert decision.missing_items == ["infringement_evidence", "right_proof"]
    assert decision.due_date == expected
    assert Document.objects.filter(case=case, doc_type="supplement_notice").exists()
    assert expected.strftime("%Y年%m月%d日") in _html(client.get(response["Location"]))

    # The triage page now shows the state and no forms.
    html = _html(client.get(_triage(case)))
    assert 'name="decision"' not in html and "待补正" in html

    # Not yet due: nothing lapses. Past due: the complaint lapses, once.
    assert lapse_overdue_supplements() == 0
    Deadline.objects.filter(pk=supplement.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    assert lapse_overdue_supplements() == 1
    assert lapse_overdue_supplements() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.LAPSED


def test_supplement_with_nothing_listed_is_refused(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {"decision": "supplement"})
    assert response.status_code == 400
    assert "请至少列出一项需要补正的材料。" in _html(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.deadlines.get(kind="intake_triage").state == Deadline.State.RUNNING


# ---------- refuse ----------

def test_refuse_other_without_text_is_an_error(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {"decision": "refuse", "refuse-grounds": ["other"]})
    assert response.status_code == 400
    html = _html(response)
    assert "选择“其他理由”时，请写明具体理由。" in html
    assert 'id="id_refuse-reason_text_error"' in html
    assert re.search(r'<textarea[^>]*aria-describedby="id_refuse-reason_text_helptext id_refuse-reason_text_error"',
                     html)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_refuse_without_grounds_is_an_error(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {"decision": "refuse", "refuse-reason_text": "不予受理"})
    assert response.status_code == 400
    assert "请至少选择一项不予受理的理由。" in _html(response)


def test_refuse_with_grounds(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    response = client.post(_triage(case), {
        "decision": "refuse", "refuse-grounds": ["not_ip", "other"], "refuse-reason_text": "属于一般合同纠纷",
    })
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED
    assert Document.objects.filter(case=case, doc_type="refusal_notice").exists()
    decision = IntakeDecision.objects.get(case=case)
    assert decision.grounds == ["not_ip", "other"] and decision.reason_text == "属于一般合同纠纷"
    html = _html(client.get(_triage(case)))
    assert "不属于知识产权纠纷" in html and "属于一般合同纠纷" in html  # the decision record


# ---------- home and navigation ----------

def test_home_card_and_nav_for_the_clerk(client, chain, new_case):
    new_case(submitted_at=timezone.now() - timedelta(days=30))
    new_case()
    client.force_login(chain.clerk)
    html = _html(client.get(reverse("home")))
    assert reverse("workflows:intake_queue") in html
    assert "进入受理队列" in html
    assert re.search(r'stat-number">2</span> <span class="stat-label">待受理', html)
    assert re.search(r'stat-number">1</span> <span class="stat-label"><span aria-hidden="true">! </span>审查逾期', html)


def test_counts_split_overdue_review_from_overdue_supplements(chain, new_case):
    from workflows.selectors import intake_counts

    late = new_case(submitted_at=timezone.now() - timedelta(days=30))
    new_case()
    waiting = new_case()
    services.case_change_status(case=waiting, actor=chain.clerk, to=CaseStatus.SUPPLEMENT_REQUESTED)
    services.deadline_open(case=waiting, kind="intake_supplement", label="补正材料", unit="days", length=10,
                           start_date=timezone.localdate() - timedelta(days=20))
    Deadline.objects.filter(case=waiting, kind="intake_triage").update(state=Deadline.State.STOPPED)
    assert intake_counts(chain.clerk) == {
        "pending": 2, "pending_overdue": 1, "supplement": 1, "supplement_overdue": 1, "overdue": 2,
    }
    from cases.intake.selectors import overdue_count

    assert overdue_count(chain.clerk) == 2
    assert late.pk


def test_no_queue_for_others(client, chain, applicant):
    for user in (applicant, chain.mediator, staff(Role.SUPERVISOR, chain.centre)):
        client.force_login(user)
        html = _html(client.get(reverse("home")))
        assert reverse("workflows:intake_queue") not in html


def test_case_page_links_the_clerk_to_triage(client, chain, new_case):
    case = new_case()
    client.force_login(chain.clerk)
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert _triage(case) in html


def test_sysadmin_may_open_the_queue(client, chain, new_case):
    case = new_case()
    admin = staff(Role.SYSADMIN, chain.centre)
    client.force_login(admin)
    response = client.get(reverse("workflows:intake_queue"))
    assert response.status_code == 200 and case.number in _html(response)

