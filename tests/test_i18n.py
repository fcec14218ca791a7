"""The UI speaks Simplified Chinese by default, English on request, and viewflow's strings too."""
import pytest
from django.urls import reverse
from django.utils import translation


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
