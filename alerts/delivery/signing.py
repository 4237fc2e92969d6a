"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

The signed content is `<webhook-id>.<webhook-timestamp>.<body>`; each secret
`whsec_<base64 key>` contributes one `v1,<base64 HMAC-SHA256>`, and the
`webhook-signature` header lists them separated by spaces, so a receiver that
knows either the old or the new secret accepts the request during a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"


def webhook_id(alert_id: str, channel: str) -> str:
    """The message id: the same for every attempt of one alert to one channel."""
    digest = hashlib.blake2b(f"{alert_id}\0{channel}".encode(), digest_size=16)
    return "msg_" + digest.hexdigest()


def signing_key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4))


def signature(secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for `body` (empty when no secret is set)."""
    content = b"%s.%d.%s" % (message_id.encode(), timestamp, body)
    signatures = []
    for secret in secrets:
        mac = hmac.new(signing_key(secret), content, hashlib.sha256).digest()
        signatures.append("v1," + base64.b64encode(mac).decode("ascii"))
    return " ".join(signatures)
