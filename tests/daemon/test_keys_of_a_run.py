"""Every key a crawl-and-deliver run leaves in Redis is in the key schema
(atalaia.redis_keys), of its type, and expires exactly when the schema says.

The daemon crawls the newsroom, where two outlets carry one wire story, and
delivers to channels that take every path: a webhook that answers, one that never
does (retried, then dead-lettered), one that is gone (410: disabled), an instant
mail capped at one an hour (the rest held for the next hour) and a daily digest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from atalaia.redis_keys import Keys
from tests.delivery.receiver import Answer, Receiver
from tests.delivery.smtp_server import SmtpServer
from tests.test_redis_keys import schema_problems

from .daemon_process import free_port, wait_until
from .stage import CHANNEL, SECRET_VARIABLE, WATCHLIST, Stage

# What this run must have written, at least (the rest depends on timing).
WRITTEN = {
    "crawl-jobs", "schedule:next", "outlet:{outlet}", "outlet:{outlet}:stories:{date}",
    "seen:{epoch_day}", "story:{story}", "storyband:{band}", "stories", "kept:story:{story}",
    "kept:stories:o:{outlet}", "counts:{date}", "alert:{alert}", "alerts",
    "kept:alert:{alert}", "kept:alerts", "kept:alerts:w:{watchlist}", "kept:alerts:o:{outlet}",
    "kept:alerts:w:{watchlist}:o:{outlet}", "delivery:{alert}", "delivery:deadletters",
    "delivery:disabled", "delivery:digest:{channel}", "delivery:digest:{channel}:due",
    "delivery:rate:{channel}:{epoch_hour}", "story:{story}:also", "scheduler:leader",
}  # fmt: skip
WIRE_COPY = " ".join(
    f"A agência relata, no parágrafo {n}, que a Coreia do Norte lançou mais um míssil "
    "de teste sobre o mar, segundo fontes militares da região."
    for n in range(6)
)


def test_a_run_leaves_only_keys_of_the_schema(tmp_path: Path, redis_url: str, keys: Keys) -> None:
    gone = Receiver(responder=lambda request, count: Answer(410))
    with Stage(tmp_path, redis_url, keys) as stage, gone, SmtpServer() as smtp:
        _add_channels(stage, gone.url, smtp.url)
        daemon = stage.start("all", E2E_SMTP=smtp.url)
        first = stage.publish(body=WIRE_COPY)
        stage.publish()
        stage.publish(stage.outlet_ids[1], title=first.title, body=WIRE_COPY)  # a copy
        stage.wait_delivered()
        client = stage.client
        copies = keys.story_also("*")  # on the story of whichever outlet was crawled first
        wait_until(
            lambda: any(client.scan_iter(match=copies)), 30, what=f"the copy\n{stage.logs()}"
        )

        def settled() -> bool:
            return bool(
                client.xlen(keys.dead_letters())
                and client.hexists(keys.disabled_channels(), "sumiu")
                and client.exists(keys.digest("analistas"))
                and client.exists(keys.digest("plantao"))
            )

        wait_until(settled, 30, interval=0.2, what=f"every channel to settle\n{stage.logs()}")
        # (the capped channel's first alert is counted before its mail is sent, so the
        # overflow can reach the digest first)
        wait_until(lambda: bool(smtp.mails), 15, what="the capped instant channel's mail")
        running, seen_running = schema_problems(client, keys)
        assert keys.family_of(keys.leader()) in seen_running
        code, _ = daemon.terminate()
        assert code == 0, stage.logs()
        stopped, seen = schema_problems(client, keys)
        assert running + stopped == [], "\n".join(running + stopped)
        written = {family.pattern for family in seen | seen_running}
        assert not WRITTEN - written, f"the run wrote none of {sorted(WRITTEN - written)}"


def _add_channels(stage: Stage, gone_url: str, smtp_url: str) -> None:
    """The stage's webhook, plus four channels the run's alerts also go to."""
    config = yaml.safe_load(stage.watchlists.read_text("utf-8"))
    secret = "${" + SECRET_VARIABLE + "}"
    mail = {"type": "email", "from": "atalaia@example.org", "smtp_url": "${E2E_SMTP}"}
    tomorrow = datetime.now(UTC) + timedelta(hours=12)
    config["channels"].update({
        "fora": {"type": "webhook", "url": f"http://127.0.0.1:{free_port()}/hook",
                 "secret": secret, "retry": ["1s"]},
        "sumiu": {"type": "webhook", "url": gone_url, "secret": secret},
        "plantao": {**mail, "to": ["plantao@example.org"], "max_per_hour": 1},
        "analistas": {**mail, "to": ["analistas@example.org"], "mode": "digest",
                      "at": tomorrow.strftime("%H:%M"), "timezone": "UTC"},
    })  # fmt: skip
    (watchlist,) = config["watchlists"]
    assert watchlist["id"] == WATCHLIST and watchlist["notify"] == [CHANNEL]
    watchlist["notify"] = [CHANNEL, "fora", "sumiu", "plantao", "analistas"]
    stage.watchlists.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
