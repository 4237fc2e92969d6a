"""Every Redis key Atalaia uses: its name, type, lifetime and owner, in one table.

`SCHEMA` lists the key families; `Keys` builds their names under the deployment's
prefix (`atalaia:` by default, so deployments and tests sharing a server never
collide) and is the only place a key name is made: every module, and every Lua
script through its KEYS[], gets its keys from here. docs/redis-keys.md is this
table (tests/test_redis_keys.py checks the two agree, and that a crawl-and-deliver
run creates no key outside it, of another type, or with another lifetime).

Redis Cluster: every script declares its keys, but a script's keys must share a
hash slot there; a prefix with a hash tag (`{atalaia}:`) puts them all in one.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from typing import Literal

DEFAULT_PREFIX = "atalaia:"

RedisType = Literal["string", "hash", "set", "zset", "stream"]
DigestPart = Literal["", "sending", "due", "retry_at", "batch", "attempts", "lock"]

PARTS = {
    "outlet": r"[a-z0-9][a-z0-9_-]*",
    "watchlist": r"[A-Za-z0-9][A-Za-z0-9_.-]*",
    "channel": r"[^:]+",
    "story": r"[0-9a-f]{16}",
    "alert": r"alert_[0-9a-f]{24}",
    "band": r"[0-9]+:[0-9a-f]+",
    "epoch_day": r"[0-9]+",
    "epoch_hour": r"[0-9]+",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
"""What each `{part}` of a pattern looks like (the channel: any name without a colon)."""


@dataclass(frozen=True)
class KeyFamily:
    """Keys of one shape: `pattern` (after the prefix) with `{parts}` from PARTS."""

    pattern: str
    type: RedisType
    ttl: str | None
    """What sets its expiry, or None: it never expires (`why` says why that is safe)."""
    written_by: str
    read_by: str
    why: str

    @property
    def expires(self) -> bool:
        return self.ttl is not None

    def name(self, prefix: str, **parts: str) -> str:
        return prefix + self.pattern.format(**parts)

    def regex(self, prefix: str) -> re.Pattern[str]:
        """Matches the whole name of a key of this family under `prefix`."""
        out = [re.escape(prefix)]
        for literal, part, _, _ in string.Formatter().parse(self.pattern):
            out.append(re.escape(literal))
            if part is not None:
                out.append(f"(?:{PARTS[part]})")
        return re.compile("".join(out))


def _family(
    pattern: str, type_: RedisType, ttl: str | None, written_by: str, read_by: str, why: str
) -> KeyFamily:
    return KeyFamily(pattern, type_, ttl, written_by, read_by, why)


DEDUPE_TTL = "the dedupe window (`dedupe_ttl`, 30 d)"
STORY_TTL = "the story window (`story_ttl`, 7 d)"
KEEP_FOR = "`keep_for` (30 d), renewed on each write"
STATE_TTL = "the delivery state TTL (30 d), renewed on each write"
SCHEDULER = "scheduler.crawl_jobs"
RUNNER = "crawler.runner"
STATUS = "atalaia status, metrics"
DELIVERY = "alerts.delivery.store"
DIGESTS = "alerts.delivery.digests"

CRAWL_JOBS = _family(
    "crawl-jobs", "stream", None, SCHEDULER, "crawlers (group `crawlers`), status",
    "crawl requests; an entry is deleted once its crawl is done",
)  # fmt: skip
CRAWL_JOB = _family(
    "crawl-job:{outlet}", "string", "`max_age` (1 h), set with the flag", SCHEDULER, SCHEDULER,
    "an outlet has one job queued or running at a time; outlives a crawler that died",
)  # fmt: skip
LEADER = _family(
    "scheduler:leader", "string", "the lease (15 s), renewed by the holder", "scheduler.leader",
    "scheduler.leader", "which scheduler enqueues crawl jobs",
)  # fmt: skip
NEXT_RUNS = _family(
    "schedule:next", "hash", None, "scheduler.daemon (the leader)", STATUS,
    "outlet -> next crawl (epoch s); one field per outlet, rewritten every few seconds",
)  # fmt: skip
OUTLET = _family(
    "outlet:{outlet}", "hash", None, RUNNER, STATUS,
    "last crawl, success, error and summary; one per outlet, a status record kept for good",
)  # fmt: skip
OUTLET_STORIES = _family(
    "outlet:{outlet}:stories:{date}", "string", "8 days", RUNNER, STATUS,
    "new stories of the outlet that day (its timezone)",
)  # fmt: skip
OUTLET_POLL = _family(
    "outlet:{outlet}:poll", "hash", DEDUPE_TTL + ", renewed when a pass changes it",
    "crawler.poll_state", "crawler.poll_state, atalaia status",
    "`v:<url>` -> ETag, Last-Modified and body hash of each feed, sitemap or section "
    "last processed; `s:<source>` -> its run of empty passes",
)  # fmt: skip
SEEN = _family(
    "seen:{epoch_day}", "hash", "the end of the day plus the dedupe window (EXPIREAT)",
    "crawler.dedupe.seen_urls", "crawler.dedupe.seen_urls, atalaia discover",
    "URL fingerprint -> claimed / done / released, one hash per day",
)  # fmt: skip
PENDING = _family(
    "pending:{outlet}", "zset", None, "crawler.dedupe.seen_urls", "crawler.dedupe.seen_urls",
    "claimed URLs not done yet, by when they are due again; a URL leaves once done or given up",
)  # fmt: skip
ATTEMPTS = _family(
    "attempts:{outlet}", "hash", DEDUPE_TTL, "crawler.dedupe.seen_urls",
    "crawler.dedupe.seen_urls", "URL -> failed fetches, to give up after `max_attempts`",
)  # fmt: skip
STORY = _family(
    "story:{story}", "hash", STORY_TTL, "crawler.dedupe.stories",
    "crawler.dedupe.stories, history", "a story's signature, first outlet and URL, handed flag",
)  # fmt: skip
STORY_ALSO = _family(
    "story:{story}:also", "hash", "`keep_for`, at least the story window",
    "crawler.dedupe.stories", "delivery (also_in), history", "outlet -> URL of the story's copies",
)  # fmt: skip
STORY_BAND = _family(
    "storyband:{band}", "set", STORY_TTL, "crawler.dedupe.stories", "crawler.dedupe.stories",
    "stories whose MinHash band has this value: near copies without a scan",
)  # fmt: skip
RECENT_STORIES = _family(
    "stories", "stream", None, "alerts.intake", "replay, history (web, atalaia stories)",
    "new stories, full JSON; trimmed to `keep_for` (MINID) and `recent_stories` (MAXLEN)",
)  # fmt: skip
KEPT_STORY = _family(
    "kept:story:{story}", "hash", KEEP_FOR, "alerts.intake, alerts.queue", "alerts.history",
    "a kept story's stream entry, first_seen, outlet and its alerts",
)  # fmt: skip
KEPT_OUTLET_STORIES = _family(
    "kept:stories:o:{outlet}", "zset", KEEP_FOR, "alerts.intake", "alerts.history",
    "an outlet's stories (stream entry ids) by first_seen",
)  # fmt: skip
DAY_COUNTS = _family(
    "counts:{date}", "hash", "400 days", "alerts.intake, alerts.queue", "alerts.history (charts)",
    "a day's alerts per watchlist and outlet, new stories per outlet",
)  # fmt: skip
ALERT = _family(
    "alert:{alert}", "string", DEDUPE_TTL, "alerts.queue", "alerts.queue",
    "an alert's JSON; its existence makes creation idempotent",
)  # fmt: skip
ALERTS = _family(
    "alerts", "stream", None, "alerts.queue", "dispatchers (group `dispatchers`), status",
    "alerts to deliver; an entry is deleted once every channel has it settled",
)  # fmt: skip
KEPT_ALERT = _family(
    "kept:alert:{alert}", "string", KEEP_FOR, "alerts.queue", "alerts.history",
    "a kept alert's JSON without the article body",
)  # fmt: skip
KEPT_ALERTS = _family(
    "kept:alerts", "zset", KEEP_FOR, "alerts.queue", "alerts.history", "every alert by time",
)  # fmt: skip
KEPT_ALERTS_W = _family(
    "kept:alerts:w:{watchlist}", "zset", KEEP_FOR, "alerts.queue", "alerts.history",
    "a watchlist's alerts by time",
)  # fmt: skip
KEPT_ALERTS_O = _family(
    "kept:alerts:o:{outlet}", "zset", KEEP_FOR, "alerts.queue", "alerts.history",
    "an outlet's alerts by time",
)  # fmt: skip
KEPT_ALERTS_WO = _family(
    "kept:alerts:w:{watchlist}:o:{outlet}", "zset", KEEP_FOR, "alerts.queue", "alerts.history",
    "a watchlist's alerts from one outlet by time",
)  # fmt: skip
DELIVERY_STATE = _family(
    "delivery:{alert}", "hash", STATE_TTL, f"{DELIVERY}, {DIGESTS}", "dispatcher, history",
    "per channel its state, attempts and error; the alert JSON for retries and digests",
)  # fmt: skip
RETRIES = _family(
    "delivery:retries", "zset", None, DELIVERY, f"{DELIVERY}, status",
    "`<alert>|<channel>` by when due; a member leaves when delivered or dead",
)  # fmt: skip
DEAD_LETTERS = _family(
    "delivery:deadletters", "stream", None, f"{DELIVERY}, {DIGESTS}",
    "atalaia deliveries, web, status", "failed deliveries, kept until replayed or deleted by hand",
)  # fmt: skip
DISABLED = _family(
    "delivery:disabled", "hash", None, DELIVERY, "dispatcher, atalaia deliveries, status",
    "channel -> since and reason (410 Gone); cleared by `atalaia deliveries --enable`",
)  # fmt: skip
DIGEST = _family(
    "delivery:digest:{channel}", "zset", None, DELIVERY, DIGESTS,
    "alerts waiting for the channel's next digest; renamed to `:sending` when it goes out",
)  # fmt: skip
DIGEST_SENDING = _family(
    "delivery:digest:{channel}:sending", "zset", None, DIGESTS, DIGESTS,
    "the batch being mailed; deleted once mailed or dead-lettered",
)  # fmt: skip
DIGEST_DUE = _family(
    "delivery:digest:{channel}:due", "string", None, DELIVERY, DIGESTS,
    "when the waiting batch is due; deleted when it is taken",
)  # fmt: skip
DIGEST_RETRY_AT = _family(
    "delivery:digest:{channel}:retry_at", "string", None, DIGESTS, DIGESTS,
    "when the failed batch is tried again; deleted with the batch",
)  # fmt: skip
DIGEST_BATCH = _family(
    "delivery:digest:{channel}:batch", "string", None, DIGESTS, DIGESTS,
    "the batch's id (its Message-ID), one per channel, replaced by the next batch",
)  # fmt: skip
DIGEST_ATTEMPTS = _family(
    "delivery:digest:{channel}:attempts", "string", None, DIGESTS, DIGESTS,
    "failed attempts of the batch being mailed; deleted with the batch",
)  # fmt: skip
DIGEST_LOCK = _family(
    "delivery:digest:{channel}:lock", "string", "the lock lease (5 min)", DIGESTS, DIGESTS,
    "held by the dispatcher mailing the digest",
)  # fmt: skip
RATE = _family(
    "delivery:rate:{channel}:{epoch_hour}", "string", "2 hours", DELIVERY, DELIVERY,
    "instant mails sent that hour, for `max_per_hour`",
)  # fmt: skip

SCHEMA: tuple[KeyFamily, ...] = (
    CRAWL_JOBS, CRAWL_JOB, LEADER, NEXT_RUNS, OUTLET, OUTLET_STORIES, OUTLET_POLL,
    SEEN, PENDING, ATTEMPTS, STORY, STORY_ALSO, STORY_BAND, RECENT_STORIES,
    KEPT_STORY, KEPT_OUTLET_STORIES, DAY_COUNTS, ALERT, ALERTS, KEPT_ALERT, KEPT_ALERTS,
    KEPT_ALERTS_W, KEPT_ALERTS_O, KEPT_ALERTS_WO, DELIVERY_STATE, RETRIES, DEAD_LETTERS,
    DISABLED, DIGEST, DIGEST_SENDING, DIGEST_DUE, DIGEST_RETRY_AT, DIGEST_BATCH,
    DIGEST_ATTEMPTS, DIGEST_LOCK, RATE,
)  # fmt: skip
"""Every key family, in the order data flows."""

_DIGEST_PARTS: dict[DigestPart, KeyFamily] = {
    "": DIGEST,
    "sending": DIGEST_SENDING,
    "due": DIGEST_DUE,
    "retry_at": DIGEST_RETRY_AT,
    "batch": DIGEST_BATCH,
    "attempts": DIGEST_ATTEMPTS,
    "lock": DIGEST_LOCK,
}


@dataclass(frozen=True)
class Keys:
    """The names of a deployment's keys: one method per family of SCHEMA."""

    prefix: str = DEFAULT_PREFIX

    def family_of(self, key: str) -> KeyFamily | None:
        """The family a key under this prefix belongs to (None: not in the schema)."""
        for family in SCHEMA:
            if family.regex(self.prefix).fullmatch(key):
                return family
        return None

    # -- scheduling -----------------------------------------------------------------

    def crawl_jobs(self) -> str:
        return CRAWL_JOBS.name(self.prefix)

    def crawl_job(self, outlet: str) -> str:
        return CRAWL_JOB.name(self.prefix, outlet=outlet)

    def leader(self) -> str:
        return LEADER.name(self.prefix)

    def next_runs(self) -> str:
        return NEXT_RUNS.name(self.prefix)

    # -- outlets --------------------------------------------------------------------

    def outlet(self, outlet: str) -> str:
        return OUTLET.name(self.prefix, outlet=outlet)

    def outlet_stories(self, outlet: str, day: date) -> str:
        return OUTLET_STORIES.name(self.prefix, outlet=outlet, date=day.isoformat())

    def outlet_poll(self, outlet: str) -> str:
        return OUTLET_POLL.name(self.prefix, outlet=outlet)

    # -- dedupe ---------------------------------------------------------------------

    def seen(self, epoch_day: int) -> str:
        return SEEN.name(self.prefix, epoch_day=str(epoch_day))

    def pending(self, outlet: str) -> str:
        return PENDING.name(self.prefix, outlet=outlet)

    def attempts(self, outlet: str) -> str:
        return ATTEMPTS.name(self.prefix, outlet=outlet)

    def story(self, story_id: str) -> str:
        return STORY.name(self.prefix, story=story_id)

    def story_also(self, story_id: str) -> str:
        return STORY_ALSO.name(self.prefix, story=story_id)

    def story_band(self, band: str) -> str:
        return STORY_BAND.name(self.prefix, band=band)

    # -- stories and alerts kept ----------------------------------------------------

    def recent_stories(self) -> str:
        return RECENT_STORIES.name(self.prefix)

    def kept_story(self, story_id: str) -> str:
        return KEPT_STORY.name(self.prefix, story=story_id)

    def kept_outlet_stories(self, outlet: str) -> str:
        return KEPT_OUTLET_STORIES.name(self.prefix, outlet=outlet)

    def day_counts(self, day: date) -> str:
        return DAY_COUNTS.name(self.prefix, date=day.isoformat())

    def alert(self, alert_id: str) -> str:
        return ALERT.name(self.prefix, alert=alert_id)

    def alerts(self) -> str:
        return ALERTS.name(self.prefix)

    def kept_alert(self, alert_id: str) -> str:
        return KEPT_ALERT.name(self.prefix, alert=alert_id)

    def kept_alerts(self, watchlist: str | None = None, outlet: str | None = None) -> str:
        """The time index of the alerts of `watchlist` and/or `outlet` (None: any)."""
        if watchlist and outlet:
            return KEPT_ALERTS_WO.name(self.prefix, watchlist=watchlist, outlet=outlet)
        if watchlist:
            return KEPT_ALERTS_W.name(self.prefix, watchlist=watchlist)
        if outlet:
            return KEPT_ALERTS_O.name(self.prefix, outlet=outlet)
        return KEPT_ALERTS.name(self.prefix)

    # -- delivery -------------------------------------------------------------------

    def delivery(self, alert_id: str) -> str:
        return DELIVERY_STATE.name(self.prefix, alert=alert_id)

    def retries(self) -> str:
        return RETRIES.name(self.prefix)

    def dead_letters(self) -> str:
        return DEAD_LETTERS.name(self.prefix)

    def disabled_channels(self) -> str:
        return DISABLED.name(self.prefix)

    def digest(self, channel: str, part: DigestPart = "") -> str:
        return _DIGEST_PARTS[part].name(self.prefix, channel=channel)

    def rate(self, channel: str, epoch_hour: int) -> str:
        return RATE.name(self.prefix, channel=channel, epoch_hour=str(epoch_hour))
