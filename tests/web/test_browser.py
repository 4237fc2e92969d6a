"""A real browser (Debian's Chromium, driven by Playwright) on the web app after a crawl
of the newsroom: the latest alerts, a filter, a story, the chart, the Atom feed, and a
hostile headline. Saves its screenshots in the test's own folder, or, with
ATALAIA_SCREENSHOTS=DIR (`make screenshots`), where the README shows them
(docs/screenshots/), so an ordinary run leaves the checkout as it was."""

from __future__ import annotations

import base64
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
import redis
import yaml

from alerts.alert import Alert, Hit
from alerts.archive import Archive
from alerts.queue import AlertQueue
from atalaia.article import Article
from atalaia.redis_keys import Keys
from tests.crawl.crawling import ROOT
from tests.daemon.daemon_process import free_port, wait_until
from tests.delivery.receiver import Receiver
from tests.newsroom import DEFAULT_SPECS, Newsroom
from tests.newsroom.text import Newsdesk

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ZONE = "America/Sao_Paulo"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> Coreia do Norte em alerta'

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium is not installed (apt-get install chromium; CI does)"
)


class Stage:
    """The newsroom, a webhook receiver, the files, and the commands, on one Redis prefix."""

    def __init__(self, tmp_path: Path, redis_url: str, keys: Keys) -> None:
        self.room = Newsroom(outlets=DEFAULT_SPECS[:4], seed=3, articles_per_outlet=6)
        secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
        self.receiver = Receiver(secret=secret)
        self.catalogue = tmp_path / "outlets.yaml"
        self.watchlists = tmp_path / "watchlists.yaml"
        self.env = {
            **os.environ,
            "ATALAIA_REDIS_URL": redis_url,
            "ATALAIA_REDIS_PREFIX": keys.prefix,
            "ATALAIA_WATCHLISTS": str(self.watchlists),
            "ATALAIA_OUTLETS": str(self.catalogue),
            "ATALAIA_SITEMAP_WINDOW": "3650d",
            "ATALAIA_TIMEZONE": ZONE,
            "ATALAIA_TEST_SECRET": secret,
        }
        self.keys = keys
        self.redis_url = redis_url
        self.web: subprocess.Popen[bytes] | None = None
        self.port = free_port()

    def __enter__(self) -> Stage:
        self.room.start()
        self.receiver.start()
        self.room.write_catalogue(self.catalogue)
        files: dict[str, Any] = {
            "channels": {"equipe": {"type": "webhook", "url": self.receiver.url,
                                    "secret": "${ATALAIA_TEST_SECRET}"}},
            "watchlists": [
                {"id": "coreia", "name": "Coreia do Norte", "notify": ["equipe"],
                 "terms": ["Coreia do Norte", "Kim Jong-un", "Pyongyang"]},
                {"id": "russia", "name": "Rússia e Kremlin", "query": "Rússia OR Kremlin",
                 "exclude": ["Bielorrússia"]},
            ],
        }  # fmt: skip
        self.watchlists.write_text(yaml.safe_dump(files, allow_unicode=True), "utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.web is not None and self.web.poll() is None:
            self.web.terminate()
            self.web.wait(15)
        self.receiver.stop()
        self.room.stop()

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "scheduler.cli", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result

    def crawl(self) -> None:
        self.run("crawl", "--deliver-timeout", "20")

    def start_web(self) -> str:
        self.web = subprocess.Popen(
            [sys.executable, "-m", "scheduler.cli", "web", "--web-address",
             f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{self.port}"

        def answers() -> bool:
            assert self.web is not None and self.web.poll() is None, "atalaia web exited"
            try:
                import urllib.request

                with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                    return int(answer.status) == 200
            except OSError:
                return False

        wait_until(answers, 30, what="atalaia web to answer /healthz")
        return base

    def history(self, days: int = 89) -> None:
        """Alerts of past days, made through the alert queue as replay would, so the
        chart has a season to show (alerts older than the 30 days kept leave the lists,
        their daily counts stay)."""
        client = redis.Redis.from_url(self.redis_url)
        queue = AlertQueue(client, self.keys, archive=Archive(self.keys, zone=ZoneInfo(ZONE)))
        desk = Newsdesk(7)
        rng = random.Random(11)
        outlets = list(self.room.outlets)
        now = datetime.now(UTC)
        serial = 90_000
        for back in range(days, 0, -1):
            wave = 2.5 + 2 * (1 if 20 < back < 35 else 0) + (1.5 if back < 8 else 0)
            for _ in range(max(0, round(rng.gauss(wave, 1.4)))):
                serial += 1
                when = now - timedelta(days=back, hours=rng.uniform(0, 12))
                story = desk.story("coreia", serial, when.astimezone(ZoneInfo(ZONE)), f"h{serial}")
                title = story.headlines[0]
                article = Article(
                    url=f"{self.room.url(outlets[serial % len(outlets)])}/arquivo/{serial}",
                    outlet=outlets[serial % len(outlets)], title=title, lead=story.lead,
                    published_at=when - timedelta(minutes=20),
                )  # fmt: skip
                hit = "Coreia do Norte" if "Coreia do Norte" in title else title.split()[0]
                start = title.find(hit)
                queue.create(Alert(
                    id=Alert.id_for("coreia", f"h{serial}"), watchlist_id="coreia",
                    watchlist_name="Coreia do Norte", story_id=f"h{serial}", article=article,
                    matches=(Hit("Coreia do Norte", "title", title, start,
                                        start + len(hit)),),
                    created_at=when, channels=(),
                ))  # fmt: skip
        client.close()


@pytest.fixture
def stage(tmp_path: Path, redis_url: str, keys: Keys) -> Iterator[Stage]:
    with Stage(tmp_path, redis_url, keys) as on_stage:
        yield on_stage


def test_a_press_officer_browses_what_was_caught(stage: Stage, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    outlets = list(stage.room.outlets)
    stage.room.publish_wire(outlets[:3], topic="russia")
    stage.room.publish(outlets[1], topic="coreia")
    stage.history()
    stage.crawl()
    assert stage.receiver.accepted(), "the crawl delivered the Coreia alerts to the webhook"
    base = stage.start_web()
    shots = Path(os.environ.get("ATALAIA_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="pt-BR", timezone_id=ZONE
        )
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))

        # the latest alerts, newest first, in Portuguese
        page.goto(base + "/")
        assert page.locator("h1").inner_text() == "Últimos alertas"
        rows = page.locator("li.alert")
        assert rows.count() >= 5
        assert page.locator("li.alert .state-delivered").count() >= 1
        assert page.locator("li.alert .copies").count() >= 1  # the wire story
        page.screenshot(path=str(shots / "alerts.png"))

        # filter by watchlist
        page.select_option("select[name=watchlist]", "russia")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/?watchlist=russia*")
        tags = page.locator("li.alert .tag").all_inner_texts()
        assert tags and set(tags) == {"Rússia e Kremlin"}

        # open a story: its snippets, its copies on other outlets
        page.locator("li.alert:has(.copies) .headline").first.click()
        page.wait_for_url("**/stories/*")
        assert page.locator("mark").count() >= 1
        assert page.locator(".copies-list li").count() == 2
        page.screenshot(path=str(shots / "story.png"), full_page=True)

        # the watchlist: one bar per day over 90 days, its channel, its feed
        page.goto(base + "/watchlists/coreia")
        assert page.locator("svg.bars rect.bar").count() == 90
        heights = [float(h) for h in page.locator("rect.bar").evaluate_all(
            "bars => bars.map(b => b.getAttribute('height'))")]  # fmt: skip
        assert max(heights) > 10 and heights[-1] > 1  # history, and today's alerts
        assert page.locator("table .state-delivered").count() == 1  # channel equipe is ok
        page.screenshot(path=str(shots / "watchlist.png"))
        feed_url = page.locator("a[type='application/atom+xml']").get_attribute("href")
        answer = page.request.get(base + str(feed_url))
        feed = feedparser.parse(answer.body())
        assert feed.version == "atom10" and not feed.bozo
        assert len(feed.entries) == 50 and feed.feed.title == "Atalaia: Coreia do Norte"

        page.goto(base + "/outlets")
        assert page.locator("tr[data-outlet]").count() == 4
        assert page.locator(".outlet-ok").count() == 4
        page.screenshot(path=str(shots / "outlets.png"), full_page=True)

        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="pt-BR", timezone_id=ZONE,
            device_scale_factor=2, is_mobile=True, has_touch=True,
        )  # fmt: skip
        small = phone.new_page()
        small.goto(base + "/")
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page fits a phone's width"
        small.screenshot(path=str(shots / "alerts-phone.png"))

        # a hostile headline is shown as text, and runs nothing
        stage.room.publish(outlets[0], topic="coreia", title=HOSTILE)
        stage.crawl()
        page.goto(base + "/")
        hostile = page.locator("li.alert .headline").first
        assert hostile.inner_text() == HOSTILE
        assert page.locator("li.alert img").count() == 0
        page.goto(base + "/stories/" + str(hostile.get_attribute("href")).rsplit("/", 1)[1])
        assert page.locator("h1").inner_text() == HOSTILE
        assert problems == [], problems
        browser.close()
