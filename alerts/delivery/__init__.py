"""Delivery: the dispatchers that read the alert stream and deliver each alert to its channels.

Public surface:

- `Dispatcher`: `run(stop_event)` for the daemon, `drain(timeout)` for `atalaia crawl`.
- `DispatcherOptions`, `DeliveryStats`, `DeliverySummary`.
- `deadletters`: list and re-queue dead letters, list and re-enable disabled channels
  (synchronous, for the CLI and `atalaia status`).
- `send_sample`: deliver a sample alert to one channel now (`atalaia deliveries test`).

Inside: `senders` (the Sender protocol, one per kind of channel, and the registry
that builds each channel's route), `digests` (the digest policy and batches),
`courier` (one alert to one channel, and its outcome), `store` (the state in Redis).
"""

from alerts.delivery.dispatcher import Dispatcher, DispatcherOptions
from alerts.delivery.sample import SampleReport, send_sample
from alerts.delivery.stats import DeliveryStats, DeliverySummary

__all__ = [
    "DeliveryStats",
    "DeliverySummary",
    "Dispatcher",
    "DispatcherOptions",
    "SampleReport",
    "send_sample",
]
