"""Every Redis key the delivery stage uses, in one place.

All live under the deployment's prefix (`Keys`):

- `alerts`                      the alert stream (consumer group "dispatchers"), from alerts.queue
- `delivery:<alert id>`         hash: per channel its state (`delivered`, `retry`, `digest`,
                                `dead`), `<channel>:attempts`, `<channel>:error`, and `alert`
                                (the alert's JSON, kept for retries and digests); expires
- `delivery:retries`            sorted set of due retries, member `<alert id>|<channel>`,
                                score = when it is due (or, while an attempt is in flight,
                                when its lease ends)
- `delivery:deadletters`        stream of dead letters (alert id, channel, attempts, error, alert)
- `delivery:disabled`           hash: channel -> JSON {since, reason} (410 Gone)
- `delivery:digest:<channel>`   sorted set of alert ids waiting for the next digest mail
- `delivery:digest:<channel>:sending`   the batch being mailed (renamed from the above)
- `delivery:digest:<channel>:due`       when the next digest (or its retry) is due
- `delivery:digest:<channel>:attempts`  failed attempts of the batch being mailed
- `delivery:digest:<channel>:lock`      held by the dispatcher mailing the digest
- `delivery:rate:<channel>:<hour>`      instant mails sent in that hour (for `max_per_hour`)
"""

from __future__ import annotations

from dataclasses import dataclass

from atalaia.redis_connection import Keys


@dataclass(frozen=True)
class DeliveryKeys:
    keys: Keys

    @property
    def stream(self) -> str:
        return self.keys("alerts")

    def state(self, alert_id: str) -> str:
        return self.keys("delivery", alert_id)

    @property
    def retries(self) -> str:
        return self.keys("delivery", "retries")

    @property
    def dead_letters(self) -> str:
        return self.keys("delivery", "deadletters")

    @property
    def disabled(self) -> str:
        return self.keys("delivery", "disabled")

    def digest(self, channel: str, part: str = "") -> str:
        parts = ("delivery", "digest", channel, part) if part else ("delivery", "digest", channel)
        return self.keys(*parts)

    def rate(self, channel: str, hour: int) -> str:
        return self.keys("delivery", "rate", channel, str(hour))


def retry_member(alert_id: str, channel: str) -> str:
    return f"{alert_id}|{channel}"


def split_member(member: str) -> tuple[str, str]:
    alert_id, _, channel = member.partition("|")
    return alert_id, channel
