"""Django's own messages, dates and numbers follow the user's language (Vietnamese first,
English when switched), and so do the labels and messages of our forms; error pages too."""
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from chungtay.households.models import Household


@pytest.fixture
def hh(my_commune):
    return Household.objects.filter(commune=my_commune).order_by("id").first()


def _post_member(client, hh, lang, **data):
    client.cookies["chungtay_lang"] = lang
    return client.post(reverse("member_add", args=[hh.pk]), data).content.decode()


def test_required_and_number_errors_are_vietnamese_by_default(as_commune_officer, hh):
    html = _post_member(as_commune_officer, hh, "vi", birth_year="abc")
    assert "Trường này là bắt buộc." in html          # Django's vi locale
    assert "Điền vào một số nguyên." in html or "Nhập một số nguyên." in html
    assert "This field is required." not in html
    assert "Họ và tên" in html and "Năm sinh" in html  # our labels


def test_the_same_errors_are_english_when_switched(as_commune_officer, hh):
    html = _post_member(as_commune_officer, hh, "en", birth_year="abc")
    assert "This field is required." in html and "Enter a whole number." in html
    assert "Trường này là bắt buộc." not in html
    assert "Full name" in html and "Year of birth" in html and "Họ và tên" not in html


def test_choices_follow_the_language(as_commune_officer, hh):
    as_commune_officer.cookies["chungtay_lang"] = "en"
    html = as_commune_officer.get(reverse("member_add", args=[hh.pk])).content.decode()
    assert ">Female<" in html and ">Head of household<" in html


def test_the_login_error_follows_the_language(db):
    c = Client()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in c.post(
        reverse("login"), {"username": "xa", "password": "wrong"}).content.decode()
    c.cookies["chungtay_lang"] = "en"
    assert "Wrong user name or password." in c.post(
        reverse("login"), {"username": "xa", "password": "wrong"}).content.decode()


def test_django_formats_dates_and_numbers_in_the_active_language(as_commune_officer):
    from django.template import Context, Template
    from django.utils import translation
    import datetime
    t = Template("{{ d|date }} {{ x }}")
    ctx = Context({"d": datetime.date(2025, 3, 4), "x": 3.5})
    with translation.override("vi"):
        assert t.render(ctx) == "Ngày 04 tháng 3 năm 2025 3,5"
    with translation.override("en"):
        assert t.render(ctx) == "March 4, 2025 3.5"


def test_the_middleware_does_not_leak_the_language_past_the_request(as_commune_officer):
    from django.utils.translation import get_language
    as_commune_officer.cookies["chungtay_lang"] = "en"
    as_commune_officer.get(reverse("standards"))
    assert get_language() == "vi"


# ------------------------------------------------------------------ error pages

def test_404_is_styled_vietnamese_with_the_navigation(as_commune_officer):
    r = as_commune_officer.get("/households/999999999/")
    html = r.content.decode()
    assert r.status_code == 404
    assert "Không tìm thấy trang" in html and 'href="/households/"' in html and "app.css" in html


def test_404_is_english_when_switched(as_commune_officer):
    as_commune_officer.cookies["chungtay_lang"] = "en"
    r = as_commune_officer.get("/no/such/page/")
    assert r.status_code == 404 and "Page not found" in r.content.decode()


def test_403_is_styled_and_says_why(client, commune_officer, other_commune):
    client.force_login(commune_officer)
    r = client.get(reverse("unit", args=[other_commune.pk]))
    html = r.content.decode()
    assert r.status_code in (403, 404)
    assert ("Không có quyền truy cập" in html) if r.status_code == 403 else ("Không tìm thấy trang" in html)
    assert "app.css" in html


def test_a_csrf_failure_gets_a_styled_page(commune_officer, hh):
    c = Client(enforce_csrf_checks=True)
    c.force_login(commune_officer)
    r = c.post(reverse("member_add", args=[hh.pk]), {"full_name": "X"})
    assert r.status_code == 403
    assert "Phiên làm việc đã hết hạn" in r.content.decode()


def test_a_nul_character_gets_a_400_page_not_a_server_error(as_commune_officer):
    r = as_commune_officer.get(reverse("households"), {"q": "a\x00b"})
    assert r.status_code == 400 and "Yêu cầu không hợp lệ" in r.content.decode()


def test_the_500_page_renders_with_the_database_down(rf, monkeypatch):
    """No session, no user lookup, no query: a page even when the database cannot answer."""
    from chungtay.web import errors

    def refuse(*a, **k):
        raise AssertionError("the 500 page touched the database")
    request = rf.get("/")
    request.lang = "en"
    with connection.execute_wrapper(refuse):
        r = errors.server_error(request)
    assert r.status_code == 500
    html = r.content.decode()
    assert "Something went wrong" in html and "app.css" in html


def test_the_500_page_falls_back_to_plain_html_if_rendering_fails(rf, monkeypatch):
    from chungtay.web import errors
    monkeypatch.setattr(errors.loader, "render_to_string", lambda *a, **k: 1 / 0)
    r = errors.server_error(rf.get("/"))
    assert r.status_code == 500 and "Hệ thống gặp sự cố" in r.content.decode()


def test_an_unhandled_error_answers_the_styled_500_page(as_commune_officer, monkeypatch):
    from chungtay.web import views
    monkeypatch.setattr(views, "all_standards", lambda: 1 / 0)
    as_commune_officer.raise_request_exception = False
    r = as_commune_officer.get(reverse("standards"))
    assert r.status_code == 500 and "Hệ thống gặp sự cố" in r.content.decode()
    assert 'href="/households/"' in r.content.decode()      # the user was loaded: navigation shown
