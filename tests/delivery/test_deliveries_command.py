"""`atalaia deliveries`: list, retry, test and enable, through its argument parser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
import redis

from alerts.delivery.deadletters import disabled_channels, list_dead_letters
from atalaia.errors import AtalaiaError
from atalaia.redis_keys import Keys
from atalaia.settings import Settings
from scheduler.commands.deliveries import register

from .helpers import BASE, Clock, drain, enqueue, make_alert, new_secret, webhook
from .receiver import Answer, Receiver
from .smtp_server import SmtpServer


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Parse and run like `scheduler.cli.main` does, with only this command registered."""
    parser = argparse.ArgumentParser(prog="atalaia")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--watchlists", type=Path)
    common.add_argument("--redis-url")
    common.add_argument("--redis-prefix")
    register(parser.add_subparsers(dest="command", required=True), common)
    args = parser.parse_args(argv)
    settings = Settings.from_environment(
        {}, watchlists_path=args.watchlists, redis_url=args.redis_url,
        redis_prefix=args.redis_prefix,
    )  # fmt: skip
    code = int(args.handler(args, settings))
    return code, capsys.readouterr().out


def dead_letters(client: redis.Redis, redis_url: str, keys: Keys, count: int) -> None:
    with Receiver(responder=lambda r, s: Answer(503)) as rx:
        enqueue(client, keys, [make_alert(n) for n in range(count)])
        drain(redis_url, keys, {"equipe": webhook(rx.url, retry=[])}, Clock(BASE.timestamp()))


def test_list_retry_and_enable(
    redis_client: redis.Redis, redis_url: str, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--redis-url", redis_url, "--redis-prefix", keys.prefix]
    assert run(["deliveries", *common], capsys) == (0, "no dead letters\n")
    dead_letters(redis_client, redis_url, keys, 3)

    code, out = run(["deliveries", *common], capsys)
    assert code == 0
    assert out.count("equipe") == 3 and "HTTP 503" in out

    code, out = run(["deliveries", "list", "--json", *common], capsys)
    data = json.loads(out)
    assert [d["attempts"] for d in data["dead_letters"]] == [1, 1, 1]
    assert data["dead_letters"][0]["error"] == "HTTP 503"
    assert data["dead_letters"][0]["title"].startswith("Coreia do Norte e Rússia")
    first = data["dead_letters"][0]["id"]

    assert run(["deliveries", "retry", first, *common], capsys) == (
        0, "1 dead letters back in the queue\n",
    )  # fmt: skip
    assert len(list_dead_letters(redis_client, keys)) == 2
    assert run(["deliveries", "retry", "--all", *common], capsys)[0] == 0
    assert list_dead_letters(redis_client, keys) == []
    with pytest.raises(AtalaiaError, match="no dead letter with id 1-1"):
        run(["deliveries", "retry", "1-1", *common], capsys)
    with pytest.raises(AtalaiaError, match="ids or --all"):
        run(["deliveries", "retry", *common], capsys)

    redis_client.hset(keys.disabled_channels(), "equipe", '{"since": 0, "reason": "410 Gone"}')
    code, out = run(["deliveries", *common], capsys)
    assert "channel equipe disabled since 1970-01-01 00:00 UTC: 410 Gone" in out
    assert run(["deliveries", "enable", "equipe", *common], capsys) == (
        0, "channel equipe enabled\n",
    )  # fmt: skip
    assert disabled_channels(redis_client, keys) == []


def test_test_sends_a_sample_and_reports_the_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = new_secret()

    def answer(request: object, seen: int) -> Answer:
        return Answer(200, body=b"obrigado") if seen == 0 else Answer(500, body=b"quebrou")

    with Receiver(secret, answer) as rx:
        watchlists = tmp_path / "watchlists.yaml"
        watchlists.write_text(
            f"channels:\n  equipe:\n    type: webhook\n    url: {rx.url}\n"
            f"    secret: {secret}\nwatchlists: []\n",
            encoding="utf-8",
        )
        args = ["deliveries", "test", "equipe", "--watchlists", str(watchlists)]
        code, out = run(args, capsys)
        assert code == 0
        assert "channel equipe: accepted: HTTP 200" in out and "answer: obrigado" in out
        assert len(rx.accepted()) == 1
        payload = json.loads(rx.requests[0].body)
        assert payload["type"] == "watchlist.match"

        rx.responder = lambda request, seen: Answer(500, body=b"quebrou")
        code, out = run(args, capsys)
        assert code == 2
        assert "NOT accepted: HTTP 500" in out and "quebrou" in out
        assert secret not in out
        with pytest.raises(AtalaiaError, match="no channel 'outro'"):
            run(["deliveries", "test", "outro", "--watchlists", str(watchlists)], capsys)


def test_unknown_dead_letters_and_channels_are_clear_errors(
    redis_client: redis.Redis, redis_url: str, keys: Keys, tmp_path: Path
) -> None:
    from tests.crawl.crawling import atalaia

    watchlists = tmp_path / "watchlists.yaml"
    watchlists.write_text(
        "channels:\n  equipe:\n    type: webhook\n    url: https://h.example/x\n", "utf-8"
    )
    for missing in ("UNKNOWN-ID", "1-1", "99999999999999-0"):
        retry = atalaia("deliveries", "retry", missing, redis_url=redis_url, keys=keys)
        assert retry.returncode == 2, retry.stderr
        assert retry.stderr == f"atalaia: error: no dead letter with id {missing}\n"
    enable = atalaia(
        "deliveries", "enable", "UNKNOWN", "--watchlists", str(watchlists),
        redis_url=redis_url, keys=keys,
    )  # fmt: skip
    assert enable.returncode == 2
    assert enable.stderr == (
        f"atalaia: error: no channel 'UNKNOWN' in {watchlists} (channels: equipe), "
        "and none by that name is disabled\n"
    )
    known = atalaia(
        "deliveries", "enable", "equipe", "--watchlists", str(watchlists),
        redis_url=redis_url, keys=keys,
    )  # fmt: skip
    assert known.returncode == 0 and known.stdout == "channel equipe was not disabled\n"


def test_test_reports_the_id_the_receiver_saw_for_each_kind_of_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sample goes through each kind's sender: a webhook's `webhook-id` marks it as a
    test, a mail keeps its own Message-ID; `--json` names the one the receiver saw."""
    secret = new_secret()
    with Receiver(secret) as rx, SmtpServer() as smtp:
        watchlists = tmp_path / "watchlists.yaml"
        watchlists.write_text(
            f"channels:\n  equipe:\n    type: webhook\n    url: {rx.url}\n"
            f"    secret: {secret}\n    format: slack\n"
            f"  analistas:\n    type: email\n    to: [analistas@example.org]\n"
            f"    from: atalaia@example.org\n    smtp_url: {smtp.url}\n    mode: digest\n"
            "watchlists: []\n",
            encoding="utf-8",
        )
        code, out = run(
            ["deliveries", "test", "equipe", "--json", "--watchlists", str(watchlists)], capsys
        )
        hook = json.loads(out)
        assert code == 0 and hook["ok"]
        [request] = rx.accepted()
        assert hook["message_id"] == request.webhook_id and request.webhook_id.startswith(
            "msg_test_"
        )
        assert "blocks" in json.loads(request.body)  # the channel's format: slack

        code, out = run(
            ["deliveries", "test", "analistas", "--json", "--watchlists", str(watchlists)], capsys
        )
        mail = json.loads(out)
        assert code == 0 and mail["ok"]
        [sent] = smtp.mails  # at once, although the channel is a digest one
        assert mail["message_id"] == sent.message["Message-ID"]
        assert "Teste de entrega" in str(sent.message["Subject"])
