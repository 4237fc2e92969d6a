"""What was caught, kept for browsing: alerts and stories for `keep_for` (30 days by
default), indexed by time, and daily counts for a year.

Written where alerts and stories are created, in the same Redis call, so what is
kept is exactly what was created:

- `alerts.queue` (its creation script) writes, for each new alert, the kept record
  `kept:alert:<alert id>` (the alert's JSON without the article body; the story
  keeps that) and its member in four time indexes, sorted sets scored by the
  creation time: `kept:alerts` (every alert), `kept:alerts:w:<watchlist>`,
  `kept:alerts:o:<outlet>` and `kept:alerts:w:<watchlist>:o:<outlet>`, so any
  filter the web app and `atalaia alerts` offer is one range read;
- `alerts.intake` (the story hand-off) appends the story to the stream of recent
  stories `stories` (its entry ids are first_seen times; trimmed by MINID to
  `keep_for`, and capped in length at `recent_stories`), and
  writes `kept:story:<story id>` (a hash: its stream `entry`, `first_seen`,
  `outlet`, and `alert:<watchlist>` for each alert made of it) and the index
  `kept:stories:o:<outlet>` (stream entry ids scored by first_seen);
- both add to the day's counts `counts:<YYYY-MM-DD>` (a hash: `w:<watchlist>`
  alerts, `om:<outlet>` alerts of the outlet's stories, `o:<outlet>` new stories),
  the day taken in the deployment's timezone, kept `COUNTS_TTL` (a year and a bit).

Trimming is automatic: records and story hashes expire after `keep_for`; each
write drops the index members older than `keep_for` and renews the index's expiry,
so an index no longer written to expires whole; readers ignore what is older.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from alerts.alert import Alert
from atalaia.redis_keys import Keys
from atalaia.story import Story

DEFAULT_KEEP_FOR = 30 * 86400.0
UTC_ZONE = ZoneInfo("UTC")
COUNTS_TTL = 400 * 86400
"""How long a day's counts are kept: a year, and a month of slack."""


def watchlist_count(watchlist: str) -> str:
    """The field of a day's counts hash holding a watchlist's alerts."""
    return f"w:{watchlist}"


def outlet_matches_count(outlet: str) -> str:
    return f"om:{outlet}"


def outlet_stories_count(outlet: str) -> str:
    return f"o:{outlet}"


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def days_back(today: date, count: int) -> list[date]:
    """`count` days ending with `today`, oldest first."""
    return [today - timedelta(days=count - 1 - i) for i in range(count)]


# -- alerts (KEYS and ARGV after the queue's own: see alerts.queue) ----------------------

ALERT_SCRIPT = """
local created = tonumber(ARGV[1])
local keep = tonumber(ARGV[5])
local cutoff = created - keep
redis.call('SET', KEYS[3], ARGV[4], 'EX', keep)
for i = 4, 7 do
  redis.call('ZADD', KEYS[i], created, ARGV[6])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. cutoff)
  redis.call('EXPIRE', KEYS[i], keep)
end
redis.call('HSET', KEYS[8], 'alert:' .. ARGV[7], ARGV[6])
redis.call('EXPIRE', KEYS[8], keep)
redis.call('HINCRBY', KEYS[9], ARGV[8], 1)
redis.call('HINCRBY', KEYS[9], ARGV[9], 1)
redis.call('EXPIRE', KEYS[9], ARGV[10])
"""
"""Runs inside the queue's creation script, only when the alert is new."""


@dataclass(frozen=True)
class Archive:
    """Where and for how long alerts and stories are kept; days in `zone`."""

    keys: Keys
    keep_for: float = DEFAULT_KEEP_FOR
    zone: ZoneInfo = UTC_ZONE

    def alert_arguments(self, alert: Alert) -> tuple[list[str], list[str | float]]:
        """KEYS[3..9] and ARGV[4..10] of ALERT_SCRIPT for `alert`."""
        k, watchlist, outlet = self.keys, alert.watchlist_id, alert.article.outlet
        keys = [
            k.kept_alert(alert.id),
            k.kept_alerts(),
            k.kept_alerts(watchlist=watchlist),
            k.kept_alerts(outlet=outlet),
            k.kept_alerts(watchlist=watchlist, outlet=outlet),
            k.kept_story(alert.story_id),
            k.day_counts(local_day(alert.created_at, self.zone)),
        ]
        args: list[str | float] = [
            kept_alert_json(alert.to_dict()),
            int(self.keep_for),
            alert.id,
            watchlist,
            watchlist_count(watchlist),
            outlet_matches_count(outlet),
            COUNTS_TTL,
        ]
        return keys, args

    def story_arguments(self, story: Story, max_recent: int) -> tuple[list[str], list[str | float]]:
        """KEYS and ARGV of STORY_SCRIPT for `story`."""
        k, outlet = self.keys, story.article.outlet
        first_seen = story.first_seen.timestamp()
        oldest_ms = int((first_seen - self.keep_for) * 1000)
        keys = [
            k.recent_stories(),
            k.kept_story(story.id),
            k.kept_outlet_stories(outlet),
            k.day_counts(local_day(story.first_seen, self.zone)),
        ]
        args: list[str | float] = [
            story.to_json(),
            outlet,
            max_recent,
            f"{first_seen:.3f}",
            int(self.keep_for),
            str(max(oldest_ms, 0)),
            outlet_stories_count(outlet),
            COUNTS_TTL,
            str(int(first_seen * 1000)),
        ]
        return keys, args


def kept_alert_json(alert_dict: dict[str, Any]) -> str:
    """The kept record of an alert: its JSON without the article's body."""
    article = {key: value for key, value in alert_dict["article"].items() if key != "body"}
    return json.dumps({**alert_dict, "article": article}, ensure_ascii=False, separators=(",", ":"))


# -- stories ------------------------------------------------------------------------------

STORY_SCRIPT = """
local first_seen = tonumber(ARGV[4])
local keep = tonumber(ARGV[5])
local cutoff = first_seen - keep
-- The entry's id is its first_seen time (never before the newest entry's), so
-- ranges of the stream are ranges of time whatever the server's clock says.
-- (An explicit ms-seq id: Redis 6.2, which the embedded server may be, has no ms-*.)
local id = ARGV[9] .. '-0'
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if top then
  local top_ms, top_seq = string.match(top[1], '^(%d+)-(%d+)$')
  if tonumber(top_ms) >= tonumber(ARGV[9]) then
    id = top_ms .. '-' .. string.format('%d', tonumber(top_seq) + 1)
  end
end
local entry = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[6], id,
  'story', ARGV[1], 'outlet', ARGV[2])
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[3])
redis.call('HSET', KEYS[2], 'entry', entry, 'first_seen', ARGV[4], 'outlet', ARGV[2])
redis.call('EXPIRE', KEYS[2], keep)
redis.call('ZADD', KEYS[3], first_seen, entry)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. cutoff)
redis.call('EXPIRE', KEYS[3], keep)
redis.call('HINCRBY', KEYS[4], ARGV[7], 1)
redis.call('EXPIRE', KEYS[4], ARGV[8])
return entry
"""
