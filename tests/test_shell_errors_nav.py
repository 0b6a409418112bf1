"""The site's shell: styled Chinese error pages, and a navigation that offers only what the
role may open (issue 20, "Every page reads as finished Chinese")."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from tests import assessment_personas
from tests.personas import World


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _nav_links(body: str) -> list[str]:
    """Every link of the main navigation and of the user menu (not '#', not forms)."""
    nav = body.split('id="mainnav"', 1)[1].split("</nav>", 1)[0]
    tabs = re.findall(r'<ul class="nav nav-tabs[^"]*">(.*?)</ul>', body, re.S)
    links = re.findall(r'href="(/[^"#]*)"', nav + "".join(tabs))
    return sorted(set(links))


def _users(world: World) -> dict:
    aw = assessment_personas.build(world)
    return {**world.users, "assessor_1": aw.assessor_1}


@pytest.mark.zh
@pytest.mark.django_db
def test_a_refused_page_is_the_styled_chinese_403(world):
    body = _client(world.auditor).get("/benefits/simulate/")
    assert body.status_code == 403
    html = body.content.decode()
    assert 'id="mainnav"' in html  # the site's base template
    assert "无权" in html
    assert "Forbidden" not in html


@pytest.mark.zh
@pytest.mark.django_db
def test_an_unknown_page_is_the_styled_chinese_404(world):
    body = _client(world.worker_a1).get("/no-such-page/")
    assert body.status_code == 404
    html = body.content.decode()
    assert 'id="mainnav"' in html
    assert "找不到" in html
    assert "Not Found" not in html


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]


@pytest.mark.zh
@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_is_the_styled_chinese_500():
    c = Client(raise_request_exception=False)
    response = c.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "anlao.css" in html  # styled
    assert "服务器" in html


@pytest.mark.django_db
def test_the_auditor_is_not_offered_the_simulation_tab(world):
    html = _client(world.auditor).get("/benefits/").content.decode()
    assert "/benefits/simulate/" not in html


@pytest.mark.django_db
def test_every_navigation_link_of_every_role_opens(world):
    failures = []
    for name, user in _users(world).items():
        c = _client(user)
        home = c.get("/", follow=True)
        assert home.status_code == 200, name
        pages = {"/": home.content.decode()}
        for link in _nav_links(pages["/"]):
            if link.startswith(("/i18n/", "/logout/")):
                continue
            response = c.get(link, follow=True)
            if response.status_code != 200:
                failures.append((name, link, response.status_code))
                continue
            # the tabs of a section the nav opens are navigation too
            for tab in _nav_links(response.content.decode()):
                if tab.startswith(("/i18n/", "/logout/")) or tab in pages:
                    continue
                pages[tab] = ""
                status = c.get(tab, follow=True).status_code
                if status != 200:
                    failures.append((name, tab, status))
    assert failures == []
