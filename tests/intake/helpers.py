"""Valid answers for each step of the complaint wizard, as the browser posts them."""
import datetime

from django.urls import reverse

from tests.factories import credit_code, id_number, patent_number


def step_url(draft, step):
    return reverse("intake:complaint_step", args=[draft.pk, step])


def applicant_post(**overrides):
    return {
        "kind": "person", "name": "李明", "id_number": id_number(), "phone": "13812345678",
        "email": "liming@example.cn", "address": "重庆市璧山区璧泉街道东林大道1号", "action": "continue",
        **overrides,
    }


def formset_post(prefix, rows, **extra):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "1", f"{prefix}-MAX_NUM_FORMS": "20", "action": "continue",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    data.update(extra)
    return data


def respondent_row(**overrides):
    return {"kind": "organization", "name": "重庆某某机械有限公司", "identifier": credit_code(),
            "address": "重庆市璧山区青杠街道工业园2号", "phone": "023-41234567", **overrides}


def right_row(**overrides):
    return {"kind": "utility_model", "number": patent_number(kind_digit=2), "title": "一种电池包液冷散热装置",
            "holder": "李明", **overrides}


def dispute_post(**overrides):
    return {
        "dispute_type": "infringement", "industry": "",
        "facts": "被申请人未经许可，在其网店大量销售落入我方实用新型专利保护范围的电池包散热装置。",
        "claim_stop": "on", "claim_damages": "on", "damages_amount": "50,000",
        "amount_in_dispute": "50000",
        "knowledge_date": (datetime.date.today() - datetime.timedelta(days=30)).isoformat(),
        "court_involved": "no", "preferred_route": "adjudication", "action": "continue", **overrides,
    }


def fill_all_steps(client, draft, *, respondents=1):
    """Post every data step with valid answers; returns the responses."""
    responses = [
        client.post(step_url(draft, "applicant"), applicant_post()),
        client.post(step_url(draft, "respondents"), formset_post(
            "respondents", [respondent_row(name=f"重庆被申请人{i}有限公司") for i in range(respondents)],
        )),
        client.post(step_url(draft, "rights"), formset_post("rights", [right_row()])),
        client.post(step_url(draft, "dispute"), dispute_post()),
    ]
    for response in responses:
        assert response.status_code == 302, response.content.decode()[-3000:]
    return responses
