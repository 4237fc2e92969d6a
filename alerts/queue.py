"""The alert queue: alert records in Redis and the stream the dispatchers read.

`create` is idempotent and atomic: the record `alert:<id>` is written and the
alert appended to the `alerts` stream only if no alert with that id exists, so a
(watchlist, story) pair makes one alert however many processes see the story.
Dispatchers read the stream through the consumer group `dispatchers`. The stream
is never trimmed by length (that could drop undelivered alerts): dispatchers
delete an entry once every channel has it delivered or dead-lettered.

The same script keeps the new alert for browsing and counts it (alerts.archive).
"""

from __future__ import annotations

import redis

from alerts.alert import Alert
from alerts.archive import ALERT_SCRIPT, Archive
from atalaia.redis_keys import Keys
from atalaia.redis_streams import ensure_group

DISPATCHERS = "dispatchers"

_CREATE = (
    """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  return 0
end
redis.call('XADD', KEYS[2], '*', 'alert', ARGV[3])
"""
    + ALERT_SCRIPT
    + """
return 1
"""
)


class AlertQueue:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        *,
        ttl: float = 30 * 86400,
        archive: Archive | None = None,
    ) -> None:
        self.client = client
        self.keys = keys
        self.ttl = int(ttl)
        self.archive = archive or Archive(keys)
        self._create = client.register_script(_CREATE)

    @property
    def stream(self) -> str:
        return self.keys.alerts()

    def record_key(self, alert_id: str) -> str:
        return self.keys.alert(alert_id)

    def create(self, alert: Alert) -> bool:
        """Record and enqueue `alert`; False when an alert with its id already exists."""
        keys, args = self._arguments(alert)
        return bool(self._create(keys=keys, args=args))

    def queue_create(self, pipe: redis.client.Pipeline, alert: Alert) -> None:
        """`create`, queued in the caller's transaction.

        Queued as EVAL with the script's text, not as the registered script: a
        pipeline holding a registered script asks Redis whether it has it (SCRIPT
        EXISTS) before every execute, one more round trip per story that matches, and
        EVALSHA queued in a transaction could fail alone on NOSCRIPT while the rest of
        the hand-off ran. Redis caches the text's compiled script either way."""
        keys, args = self._arguments(alert)
        pipe.eval(_CREATE, len(keys), *keys, *args)

    def _arguments(self, alert: Alert) -> tuple[list[str], list[str | float]]:
        kept_keys, kept_args = self.archive.alert_arguments(alert)
        keys = [self.record_key(alert.id), self.stream, *kept_keys]
        return keys, [alert.created_at.timestamp(), self.ttl, alert.to_json(), *kept_args]

    def ensure_group(self) -> None:
        """Create the dispatchers' consumer group (from the start of the stream) if missing."""
        ensure_group(self.client, self.stream, DISPATCHERS)
