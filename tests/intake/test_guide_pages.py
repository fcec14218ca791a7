"""维权导航 pages: public, plain words, and a way into the complaint form."""
import re

import pytest
from django.urls import reverse

from cases.intake.models import ComplaintDraft
from cases.models import User

pytestmark = pytest.mark.django_db

PATENT_QUICK = {"right": "utility_model", "happened": "infringement", "wants": "stop", "court": "no",
                "other_side": "unknown", "quick_order": "yes"}


def test_the_guide_is_public_and_accessible(client):
    response = client.get("/guide/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "维权导航" in html
    assert "不需要注册" in html
    assert "<legend>1. 您的哪种权利受到了侵害或发生了争议？</legend>" in html
    assert re.search(
        r'<label class="choice" for="id_right_0"><input type="radio" name="right" value="invention_patent"', html,
    )
    assert 'aria-describedby="id_quick_order_helptext"' in html
    assert "<script" not in html and 'style="' not in html and " onclick" not in html
    assert "建议的途径" not in html


def test_answers_show_the_recommendation(client):
    response = client.get(reverse("intake:guide"), PATENT_QUICK)
    assert response.status_code == 200
    html = response.content.decode()
    assert "建议的途径" in html
    assert "行政裁决（速裁）" in html
    assert "专利证书" in html and "年费" in html
    assert "接下来会发生什么" in html
    assert "开始网上申请" in html
    assert f'action="{reverse("intake:guide_start")}"' in html
    assert 'value="utility_model"' in html


def test_trademark_answers_recommend_mediation(client):
    html = client.get(reverse("intake:guide"), {**PATENT_QUICK, "right": "trademark"}).content.decode()
    assert "<h2 id=\"result-heading\" class=\"guide-route\">调解（快调）</h2>" in html
    assert "商标注册证" in html


def test_missing_answers_are_shown_per_question(client):
    response = client.get(reverse("intake:guide"), {"right": "trademark"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请选择发生的情况。" in html and "请选择是否已经起诉到法院。" in html
    assert "建议的途径" not in html


def test_start_from_the_guide_registers_and_prefills_the_wizard(client, roles, centre):
    response = client.post(reverse("intake:guide_start"), PATENT_QUICK)
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:register") + "?next=" + reverse("intake:complaint_start")
    assert client.session["intake_guide_answers"]["right"] == "utility_model"

    response = client.post(reverse("intake:register"), {
        "full_name": "陈芳", "phone": "13600001111", "password1": "Bishan-Patent-2026",
        "password2": "Bishan-Patent-2026", "agree": "on", "next": reverse("intake:complaint_start"),
    })
    assert response["Location"] == reverse("intake:complaint_start")
    response = client.get(response["Location"])
    user = User.objects.get(phone="13600001111")
    draft = ComplaintDraft.objects.get(owner=user)
    assert response["Location"] == reverse("intake:complaint_step", args=[draft.pk, "applicant"])
    assert "intake_guide_answers" not in client.session
    assert draft.data["applicant"]["name"] == "陈芳"
    assert draft.data["applicant"]["phone"] == "13600001111"
    assert draft.data["rights"][0]["kind"] == "utility_model"
    assert draft.data["dispute"]["preferred_route"] == "adjudication"
    assert draft.data["completed"] == []

    html = client.get(reverse("intake:complaint_step", args=[draft.pk, "rights"])).content.decode()
    assert '<option value="utility_model" selected>' in html
    html = client.get(reverse("intake:complaint_step", args=[draft.pk, "dispute"])).content.decode()
    assert re.search(r'value="infringement"[^>]*checked', html)
    assert re.search(r'value="no"[^>]*checked', html)
    assert re.search(r'value="adjudication"[^>]*checked', html)


def test_signed_in_user_goes_straight_to_the_wizard(client, applicant_user):
    client.force_login(applicant_user)
    response = client.post(reverse("intake:guide_start"), {**PATENT_QUICK, "right": "trademark", "court": "yes"})
    assert response["Location"] == reverse("intake:complaint_start")
    client.get(response["Location"])
    draft = ComplaintDraft.objects.get(owner=applicant_user)
    assert draft.data["rights"][0]["kind"] == "trademark"
    assert draft.data["dispute"] == {"dispute_type": "infringement", "preferred_route": "litigation",
                                     "court_involved": "yes"}


def test_guide_start_with_bad_answers_returns_to_the_guide(client):
    response = client.post(reverse("intake:guide_start"), {"right": "nonsense"})
    assert response["Location"] == reverse("intake:guide")
