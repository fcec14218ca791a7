"""The UI speaks Simplified Chinese by default, English on request, and viewflow's strings too;
dates follow the UI language (config/formats/): 2026年3月5日 in Chinese, 5 Mar 2026 in English."""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from cases.models import Case, Organization, Role
from cases.services.organizations import organization_create
from mediation import services as mediation_services
from tests.factories import DistrictFactory, complainant, make_case, staff
from tests.mediation import conftest as mediation_world

# The mediation tier's fixtures, for the mediator's pages.
med, people = mediation_world.med, mediation_world.people


def test_viewflow_strings_are_translated_by_the_project():
    with translation.override("zh-hans"):
        assert translation.gettext("Assign") == "认领"
        assert translation.gettext("Inbox") == "待办"


@pytest.mark.django_db
def test_chinese_is_the_default_and_english_is_switchable(client):
    page = client.get(reverse("login"))
    assert 'lang="zh-hans"' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get(reverse("login")).content.decode()


SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日")
TIME_ELEMENT = re.compile(r'<time[^>]*\sdatetime="([^"]+)"[^>]*>([^<]+)</time>')


def _as_shown(value, language):
    """Every way a page may show ``value`` (a date, or a datetime in Shanghai) in ``language``."""
    if isinstance(value, datetime.datetime):
        local = value.astimezone(SHANGHAI)
        day, clock = local.date(), f"{local:%H:%M}"
        if language == "en":
            date_text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
            return {date_text, f"{date_text}, {clock}", f"{date_text} {local:%H:%M:%S}",
                    f"{day.day} {MONTHS[day.month - 1]}"}
        date_text = f"{day.year}年{day.month}月{day.day}日"
        return {date_text, f"{date_text} {clock}", f"{date_text} {local:%H:%M:%S}", f"{day.month}月{day.day}日"}
    if language == "en":
        return {f"{value.day} {MONTHS[value.month - 1]} {value.year}", f"{value.day} {MONTHS[value.month - 1]}"}
    return {f"{value.year}年{value.month}月{value.day}日", f"{value.month}月{value.day}日"}


def _check_time_elements(html, language):
    """Each ``<time datetime=…>`` shows its own machine value, in the page's language; returns how many."""
    found = TIME_ELEMENT.findall(html)
    for machine, shown in found:
        value = (datetime.date.fromisoformat(machine) if len(machine) == 10
                 else datetime.datetime.fromisoformat(machine))
        assert shown.strip() in _as_shown(value, language), (machine, shown)
    return len(found)


def _page(client, url, language, via="cookie"):
    if via == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
    else:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    return html


@pytest.mark.django_db
def test_date_formats_follow_the_active_language():
    moment = datetime.datetime(2026, 3, 5, 9, 7, tzinfo=SHANGHAI)
    with translation.override("zh-hans"):
        assert [date_format(moment, f) for f in ("DATE_FORMAT", "DATETIME_FORMAT", "MONTH_DAY_FORMAT")] == [
            "2026年3月5日", "2026年3月5日 09:07", "3月5日"]
    with translation.override("en"):
        assert [date_format(moment, f) for f in ("DATE_FORMAT", "DATETIME_FORMAT", "MONTH_DAY_FORMAT")] == [
            "5 Mar 2026", "5 Mar 2026, 09:07", "5 Mar"]


@pytest.mark.django_db
def test_a_complainant_reads_dates_in_the_chosen_language(client, roles):
    user = complainant(full_name="李明")
    case = make_case(applicant_user=user)
    Case.objects.filter(pk=case.pk).update(submitted_at=datetime.datetime(2026, 3, 5, 10, 30, tzinfo=SHANGHAI))
    client.force_login(user)
    for url in (reverse("home"), reverse("cases:detail", args=[case.pk])):
        english = _page(client, url, "en")
        assert "5 Mar 2026" in english and "2026年3月5日" not in english
        assert not CHINESE_DATE.search(english), CHINESE_DATE.search(english)
        _check_time_elements(english, "en")
        chinese = _page(client, url, "zh-hans")
        assert "2026年3月5日" in chinese and "5 Mar 2026" not in chinese
        _check_time_elements(chinese, "zh-hans")
    # the case page's timeline and deadlines are <time> elements too: all of them were checked
    assert _check_time_elements(english, "en") >= 3


@pytest.mark.django_db
def test_a_mediator_reads_sessions_and_deadlines_in_english(client, med, people):
    case = mediation_world.in_mediation(med, people)
    mediation_services.mediation_claim(actor=med.expert, case=case)
    starts = (timezone.now() + datetime.timedelta(days=40)).astimezone(SHANGHAI).replace(
        hour=14, minute=5, second=0, microsecond=0)
    mediation_services.session_schedule(actor=med.expert, case=case, mode="in_person", place="第一调解室",
                                        starts_at=starts)
    english_session = f"{starts.day} {MONTHS[starts.month - 1]} {starts.year}, 14:05"
    chinese_session = f"{starts.year}年{starts.month}月{starts.day}日 14:05"
    client.force_login(med.expert)
    for url in (reverse("mediation:home"), reverse("mediation:work", args=[case.pk])):
        english = _page(client, url, "en", via="header")
        assert english_session in english and chinese_session not in english
        assert _check_time_elements(english, "en") >= 1
        chinese = _page(client, url, "zh-hans", via="header")
        assert chinese_session in chinese
        _check_time_elements(chinese, "zh-hans")
    assert not CHINESE_DATE.search(_page(client, reverse("mediation:home"), "en", via="header"))


@pytest.mark.django_db
def test_the_statistics_dashboard_states_its_period_in_the_chosen_language(client, roles):
    office = organization_create(name="璧山区知识产权统计监督办公室", kind=Organization.Kind.SUPERVISION,
                                 district=DistrictFactory(), number_abbr="璧知统", address="重庆市璧山区",
                                 phone="023-41400000")
    client.force_login(staff(Role.SUPERVISOR, office))
    url = reverse("statistics:dashboard") + "?period=custom&date_from=2026-03-05&date_to=2026-03-31"
    english = _page(client, url, "en")
    assert "5 Mar 2026 to 31 Mar 2026" in english
    assert not CHINESE_DATE.search(english)
    # the monthly table names the 12 months up to the period's end; the chart's axis the months alone
    assert ">April 2025</th>" in english and ">March 2026</th>" in english and "2026年3月" not in english
    assert re.search(r"<text[^>]*>Mar</text>", english) and not re.search(r"<text[^>]*>3月</text>", english)
    chinese = _page(client, url, "zh-hans")
    assert "2026年3月5日至2026年3月31日" in chinese
    assert ">2025年4月</th>" in chinese and ">2026年3月</th>" in chinese and "March 2026" not in chinese
    assert re.search(r"<text[^>]*>3月</text>", chinese)


@pytest.mark.django_db
def test_a_form_hint_made_now_follows_the_language_too():
    from cases.adjudication.forms import HearingForm

    earliest = datetime.date(2026, 3, 5)
    with translation.override("en"):
        hint = str(HearingForm(earliest=earliest).fields["day"].help_text)
        assert "5 Mar 2026" in hint and not CHINESE_DATE.search(hint)
    with translation.override("zh-hans"):
        assert "2026年3月5日" in str(HearingForm(earliest=earliest).fields["day"].help_text)
