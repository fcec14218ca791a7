"""The survey panel on the case page: counts for staff (never scores), the own link for a signed-in party."""
import re

import pytest

from cases.surveys.links import invitation_from_token
from tests.statistics.world import answer

pytestmark = pytest.mark.django_db


def test_the_party_sees_a_link_to_the_own_survey(client, invited, world):
    client.force_login(world.who.applicant)
    html = client.get(f"/cases/{invited.case.pk}/").content.decode()
    tokens = re.findall(r'href="/survey/([^/"]+)/"', html)
    assert "满意度调查" in html and len(tokens) == 1
    assert "已邀请" not in html  # counts are for staff: a party could tell whether the other side answered
    assert invitation_from_token(tokens[0]) == invited.applicant  # never the respondent's
    answer(invited.applicant, (4, 4, 4, 4, 4))
    html = client.get(f"/cases/{invited.case.pk}/").content.decode()
    assert "您已提交评价" in html and "/survey/" not in html


def test_staff_see_counts_and_never_scores(client, invited, world):
    answer(invited.applicant, (1, 2, 3, 4, 5), comment="一条不该出现在案件页上的意见")
    client.force_login(world.who.mediator)
    html = client.get(f"/cases/{invited.case.pk}/").content.decode()
    assert "已评价 1 名，待评价 1 名，已过期 0 名" in html
    assert "一条不该出现在案件页上的意见" not in html and "/survey/" not in html
    assert "当事人提交满意度评价" in html and "发送满意度调查" in html  # timeline labels


def test_no_panel_before_the_invitation(client, mediated, world):
    client.force_login(world.who.mediator)
    assert "满意度调查" not in client.get(f"/cases/{mediated.pk}/").content.decode()
