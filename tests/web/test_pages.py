"""The web app's pages over HTTP (uvicorn on loopback, real Redis): what a reader sees,
escaping, the chart, feeds, languages, the token, CSRF."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import httpx
import pytest
import redis

from alerts.delivery.deadletters import list_dead_letters
from alerts.delivery.store import dead_letter_fields
from atalaia.redis_keys import Keys
from scheduler.web.app import create_app
from scheduler.web.security import CSRF_COOKIE, TokenRequired, require_token
from tests.crawl.crawling import ROOT

from .catching import Catcher, article, served, web_for

NOW = datetime(2025, 7, 15, 18, 0, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> Coreia do Norte'


def catch_some(catcher: Catcher) -> None:
    catcher.catch(article("Coreia do Norte testa míssil", "r7", n=1), NOW - timedelta(hours=3))
    catcher.catch(article("Kremlin responde", "publico", n=2), NOW - timedelta(hours=2))
    catcher.catch(article(HOSTILE, "r7", n=3), NOW - timedelta(hours=1))


def test_latest_alerts_filters_and_escaping(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys, files: tuple[Path, Path]
) -> None:
    catch_some(catcher)
    web = web_for(redis_client, keys, *files, now=NOW.timestamp())
    with served(create_app(web)) as base:
        page = httpx.get(base + "/")
        assert page.status_code == 200
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert page.headers["x-frame-options"] == "DENY"
        html = page.text
        # the hostile headline is text: escaped, never markup
        assert "<script>alert" not in html and "<img src=x" not in html
        assert (
            "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
            in html
        )
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
        headlines = re.findall(r'class="headline" href="/stories/\w+">([^<]+)<', html)
        assert headlines[1:] == ["Kremlin responde", "Coreia do Norte testa míssil"]
        assert "1–3 de 3" in html
        russia = httpx.get(base + "/?watchlist=russia").text
        assert re.findall(r'class="headline"[^>]*>([^<]+)<', russia) == ["Kremlin responde"]
        r7 = httpx.get(base + "/?outlet=r7&since=24h").text
        assert len(re.findall(r'class="headline"', r7)) == 2
        partial = httpx.get(base + "/?partial=1").text
        assert partial.startswith('<div id="alert-list"') and "<html" not in partial
        assert httpx.get(base + "/static/app.js").status_code == 200
        assert httpx.get(base + "/no/such/page").status_code == 404


def test_watchlist_page_chart_and_feeds(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys, files: tuple[Path, Path]
) -> None:
    catch_some(catcher)
    for i, days_ago in enumerate((5, 40, 40, 89)):
        catcher.catch(
            article(f"Coreia do Norte, {days_ago} dias", n=100 + i), NOW - timedelta(days=days_ago)
        )
    catcher.catch(article("Coreia do Norte, repetida", n=140), NOW - timedelta(days=40, hours=1))
    web = web_for(redis_client, keys, *files, now=NOW.timestamp())
    with served(create_app(web)) as base:
        html = httpx.get(base + "/watchlists/coreia").text
        bars = re.findall(r'<rect class="bar[^"]*" data-day="([\d-]+)" data-count="(\d+)"', html)
        assert len(bars) == 90
        assert bars[-1][0] == "2025-07-15" and bars[0][0] == "2025-04-17"
        counts = {day: int(n) for day, n in bars}
        assert counts["2025-07-15"] == 2  # the test missile and the hostile headline
        assert counts["2025-07-10"] == 1 and counts["2025-06-05"] == 3
        assert counts["2025-04-17"] == 1
        assert "equipe" in html and "127.0.0.1:9" in html  # its channel, host only
        for kind in ("atom", "rss"):
            answer = httpx.get(base + f"/watchlists/coreia/feed.{kind}")
            assert answer.status_code == 200
            feed = feedparser.parse(answer.content)
            assert not feed.bozo, feed.bozo_exception
            assert feed.version == ("atom10" if kind == "atom" else "rss20")
            titles = [entry.title for entry in feed.entries]
            assert titles[:2] == [HOSTILE, "Coreia do Norte testa míssil"]
            assert feed.entries[1].link == "https://example.r7.invalid/1"
        assert httpx.get(base + "/watchlists/nope").status_code == 404
        assert httpx.get(base + "/watchlists/coreia/feed.json").status_code == 404


def test_story_page(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys, files: tuple[Path, Path]
) -> None:
    story, alerts = catcher.catch(
        article("Coreia do Norte e Rússia assinam acordo", "r7", n=9), NOW - timedelta(hours=1)
    )
    redis_client.hset(keys.story_also(story.id), "publico", "https://publico.invalid/a")
    coreia = next(a for a in alerts if a.watchlist_id == "coreia")
    redis_client.xadd(
        keys.dead_letters(),
        dead_letter_fields(coreia, "equipe", 6, "HTTP 500 from receiver", NOW.timestamp()),
    )
    redis_client.hset(keys.delivery(coreia.id), mapping={"equipe": "dead",
                      "equipe:attempts": 6, "equipe:error": "HTTP 500 from receiver"})  # fmt: skip
    web = web_for(redis_client, keys, *files, now=NOW.timestamp())
    with served(create_app(web)) as base:
        html = httpx.get(base + f"/stories/{story.id}").text
        assert "Coreia do Norte e Rússia assinam acordo" in html
        assert "15/07/2025 14:09 +00:00" in html  # published, with its offset
        assert "Público" in html and "https://publico.invalid/a" in html  # also_in
        assert "<mark>Coreia do Norte</mark>" in html and "<mark>Rússia</mark>" in html
        assert "HTTP 500 from receiver" in html and ">6<" in html
        assert 'action="/actions/retry"' in html
        assert httpx.get(base + "/stories/unknown").status_code == 404


def test_language_follows_the_browser_and_the_readers_choice(
    redis_client: redis.Redis, keys: Keys, files: tuple[Path, Path]
) -> None:
    web = web_for(redis_client, keys, *files, now=NOW.timestamp())
    with served(create_app(web)) as base:
        assert "Últimos alertas" in httpx.get(base + "/").text
        english = httpx.get(base + "/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
        assert "Latest alerts" in english and 'lang="en"' in english
        mixed = httpx.get(base + "/", headers={"Accept-Language": "fr, pt-BR;q=0.8, en;q=0.5"})
        assert "Últimos alertas" in mixed.text
        chosen = httpx.get(base + "/lang/en?back=/outlets", follow_redirects=False)
        assert chosen.status_code == 303 and chosen.headers["location"] == "/outlets"
        page = httpx.get(base + "/outlets", cookies={"lang": "en"},
                         headers={"Accept-Language": "pt-BR"})  # fmt: skip
        assert "Stories today" in page.text
        evil = httpx.get(base + "/lang/en?back=//evil.example/", follow_redirects=False)
        assert evil.headers["location"] == "/"
    english_default = web_for(redis_client, keys, *files)
    english_default.language = "en"
    with served(create_app(english_default)) as base:
        assert "Latest alerts" in httpx.get(base + "/").text


def test_a_token_guards_every_page_but_healthz(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys, files: tuple[Path, Path]
) -> None:
    catch_some(catcher)
    web = web_for(redis_client, keys, *files, token="s3cret-token", now=NOW.timestamp())
    with served(create_app(web)) as base:
        for path in ("/", "/outlets", "/metrics", "/watchlists/coreia/feed.atom"):
            answer = httpx.get(base + path)
            assert answer.status_code == 401, path
            assert answer.headers["www-authenticate"].startswith("Bearer")
            assert "content-security-policy" in answer.headers
        browser = httpx.get(base + "/outlets", headers={"Accept": "text/html"})
        assert browser.status_code == 401 and 'name="token"' in browser.text
        assert httpx.get(base + "/healthz").status_code == 200
        bearer = {"Authorization": "Bearer s3cret-token"}
        assert httpx.get(base + "/", headers=bearer).status_code == 200
        assert httpx.get(base + "/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert (
            httpx.get(base + "/watchlists/coreia/feed.atom?token=s3cret-token").status_code == 200
        )
        assert httpx.get(base + "/?token=s3cret-token").status_code == 401  # feeds only
        with httpx.Client(base_url=base) as client:  # the login form, as a browser uses it
            form = client.get("/login")
            csrf = client.cookies[CSRF_COOKIE]
            assert f'value="{csrf}"' in form.text
            wrong = client.post("/login", data={"csrf": csrf, "token": "nope", "back": "/"})
            assert wrong.status_code == 401
            signed = client.post("/login", data={"csrf": csrf, "token": "s3cret-token",
                                                  "back": "/outlets"})  # fmt: skip
            assert signed.status_code == 303 and signed.headers["location"] == "/outlets"
            assert "s3cret-token" not in str(client.cookies)
            assert client.get("/outlets").status_code == 200


def test_beyond_loopback_a_token_is_required(redis_url: str, keys: Keys, tmp_path: Path) -> None:
    require_token("127.0.0.1", None)
    require_token("::1", None)
    require_token("localhost", None)
    for host in ("0.0.0.0", "192.168.1.10", "::", "atalaia.example.org"):
        with pytest.raises(TokenRequired, match="ATALAIA_WEB_TOKEN"):
            require_token(host, None)
    refused = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "web", "--web-address", "0.0.0.0:9410"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"PATH": "/usr/bin:/bin", "ATALAIA_REDIS_URL": redis_url,
             "ATALAIA_REDIS_PREFIX": keys.prefix},
    )  # fmt: skip
    assert refused.returncode == 2
    assert "set ATALAIA_WEB_TOKEN" in refused.stderr and "Traceback" not in refused.stderr


def test_posts_need_the_csrf_value_and_this_origin(
    catcher: Catcher, redis_client: redis.Redis, keys: Keys, files: tuple[Path, Path]
) -> None:
    _, alerts = catcher.catch(article("Coreia do Norte", n=5), NOW)
    redis_client.xadd(
        keys.dead_letters(),
        dead_letter_fields(alerts[0], "equipe", 3, "HTTP 500", NOW.timestamp()),
    )
    redis_client.hset(keys.disabled_channels(), "equipe", '{"since": 0, "reason": "410"}')
    web = web_for(redis_client, keys, *files, now=NOW.timestamp())
    with served(create_app(web)) as base, httpx.Client(base_url=base) as client:
        client.get("/watchlists/coreia")
        csrf = client.cookies[CSRF_COOKIE]
        forged = client.post("/actions/enable", data={"channel": "equipe"})
        assert forged.status_code == 403
        other_site = client.post(
            "/actions/enable", data={"channel": "equipe", "csrf": csrf},
            headers={"Origin": "https://evil.example"},
        )  # fmt: skip
        assert other_site.status_code == 403
        assert redis_client.hexists(keys.disabled_channels(), "equipe")
        done = client.post("/actions/enable", data={"channel": "equipe", "csrf": csrf,
                                                     "back": "/watchlists/coreia"})  # fmt: skip
        assert done.status_code == 303 and done.headers["location"] == "/watchlists/coreia"
        assert not redis_client.hexists(keys.disabled_channels(), "equipe")
        assert len(list_dead_letters(redis_client, keys)) == 1
        assert client.post("/actions/retry", data={"channel": "equipe"}).status_code == 403
        retried = client.post("/actions/retry", data={"channel": "equipe", "csrf": csrf},
                              headers={"Origin": base})  # fmt: skip
        assert retried.status_code == 303
        assert list_dead_letters(redis_client, keys) == []
        assert redis_client.zcard(keys.retries()) == 1
