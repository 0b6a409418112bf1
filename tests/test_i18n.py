"""The default language is Simplified Chinese, from the compiled catalogue; English on request."""

import pytest
from django.test import Client


@pytest.mark.zh
@pytest.mark.django_db
def test_the_login_page_is_in_chinese_by_default():
    body = Client().get("/login/").content.decode()
    assert 'lang="zh-hans"' in body
    assert "登录" in body


@pytest.mark.zh
@pytest.mark.django_db
def test_validation_messages_are_translated(world):
    from anlao.core.errors import ValidationFailed
    from anlao.people.services import elder_create

    with pytest.raises(ValidationFailed) as exc:
        elder_create(actor=world.worker_a1, data={"name": "", "id_number": "110105194912310021",
                                                  "residence_area": world.community_a1.code})
    messages = " ".join(m for ms in exc.value.errors.values() for m in ms)
    assert "身份证" in messages or "校验" in messages


@pytest.mark.zh
@pytest.mark.django_db
def test_english_is_served_when_the_browser_asks_for_it():
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get("/login/").content.decode()
    assert 'lang="en"' in body
    assert "Log in" in body
