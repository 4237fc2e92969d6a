"""Delivery: the dispatchers that read the alert stream and deliver each alert to its channels.

Public surface:

- `Dispatcher`: `run(stop_event)` for the daemon, `drain(timeout)` for `atalaia crawl`.
- `DispatcherOptions`, `DeliveryStats`, `DeliverySummary`.
- `deadletters`: list and re-queue dead letters, list and re-enable disabled channels
  (synchronous, for the CLI and `atalaia status`).
- `send_sample`: deliver a sample alert to one channel now (`atalaia deliveries test`).
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
