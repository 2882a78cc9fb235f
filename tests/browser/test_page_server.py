"""The page server's answers and headers, and which origins Rasa lets a browser talk from."""
import pytest
import requests
import yaml

from chat_page import PROJECT

WORDS = yaml.safe_load((PROJECT / "content" / "web_widget.yml").read_text(encoding="utf-8"))
OTHER_SITE = "http://elsewhere.example"


def get(url, **kwargs):
    return requests.get(url, timeout=10, allow_redirects=False, **kwargs)


@pytest.mark.parametrize("path", ["/", "/widget/chat-widget.js", "/widget/chat-widget.css", "/widget/config.json", "/nothing-here"])
def test_every_answer_has_the_security_headers(servers, path):
    response = get(servers.page_url + path)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert f"connect-src 'self' {servers.rasa_url} {servers.rasa_url.replace('http', 'ws', 1)}" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_page_and_files(servers):
    page = get(servers.page_url + "/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in page.text
    assert f"<title>{WORDS['page_title']}</title>" in page.text
    assert get(servers.page_url + "/widget/chat-widget.js").headers["Content-Type"].startswith("text/javascript")
    assert get(servers.page_url + "/widget/chat-widget.css").headers["Content-Type"].startswith("text/css")


def test_config_carries_the_words_and_rasas_address(servers):
    config = get(servers.page_url + "/widget/config.json").json()
    assert config == {"socketUrl": servers.rasa_url, "words": WORDS}


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/widget/../webchat/server.py"),
        ("GET", "/widget/%2e%2e%2fserver.py"),
        ("GET", "/widget/node_modules"),
        ("GET", "/summary/anything"),
        ("GET", "/%00"),
        ("POST", "/"),
        ("PUT", "/widget/config.json"),
        ("DELETE", "/"),
    ],
)
def test_bad_requests_get_4xx_not_5xx(servers, method, path):
    request = requests.Request(method, servers.page_url + path).prepare()
    request.url = servers.page_url + path  # keep "..": no client-side clean-up
    response = requests.Session().send(request, timeout=10, allow_redirects=False)
    assert 400 <= response.status_code < 500, (path, response.status_code)


def test_config_is_shared_only_with_configured_origins(servers):
    allowed = get(servers.page_url + "/widget/config.json", headers={"Origin": servers.page_url})
    assert allowed.headers["Access-Control-Allow-Origin"] == servers.page_url
    other = get(servers.page_url + "/widget/config.json", headers={"Origin": OTHER_SITE})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_rasa_allows_browsers_only_from_the_chat_page(servers):
    handshake = servers.rasa_url + "/socket.io/?EIO=4&transport=polling"
    allowed = get(handshake, headers={"Origin": servers.page_url})
    assert allowed.status_code == 200
    assert allowed.headers.get("Access-Control-Allow-Origin") == servers.page_url
    other = get(handshake, headers={"Origin": OTHER_SITE})
    assert other.headers.get("Access-Control-Allow-Origin") not in (OTHER_SITE, "*")
