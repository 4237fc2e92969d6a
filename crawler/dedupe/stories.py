"""Story dedupe after extraction: one story however many URLs and outlets carry it.

The body text is fingerprinted by one-permutation MinHash: 32 minimum hashes over
the word 3-shingles of its normalised words. The share of equal minimums estimates
the Jaccard similarity of two texts, which stays high under small edits (another
headline, an added credit line, a trimmed paragraph); two articles whose
signatures agree in at least 70% of the positions are one story (distinct articles
built on one template, such as match reports, stay below that). To find them
without a scan, signatures are banded (8 bands of 4 hashes) and each band value is
a Redis set of the stories that have it: a near copy shares at least one band with
high probability (≥ 0.98 at similarity 0.8). Lookup and registration run in one
Lua script, so two crawlers ingesting the same wire copy at once still make one
story. Texts too short for MinHash only match exact copies.

A story counts as seen once it has been handed on (`mark_handed`, in the same
transaction as the hand-off): an article whose hand-off failed is new again when
it is fetched again.

A copy found on another outlet is recorded on the story (`also_in`), never
silently dropped.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import redis

from atalaia.redis_keys import Keys
from atalaia.redis_streams import text, texts

SHINGLE = 3
MIN_WORDS = 40
HASHES = 32
BANDS = 8
ROWS = HASHES // BANDS
SAME_STORY = 0.7  # the least estimated Jaccard similarity of two copies of one story
EMPTY = 0xFFFFFFFF
MIN_BINS = 8
_BIN_SHIFT = 64 - 5  # 32 bins
_LOW = 0xFFFFFFFE  # the low 32 bits, never EMPTY
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_REGISTER_CALLS = 10
"""Calls of the register script before giving up while other crawlers keep adding to
the article's bands (each call is given the band members the last one reported)."""
KNOWN_BANDS = 50_000
"""Band sets whose members an index remembers (a few hundred bytes each): enough for a
few days of one crawler's stories, so that most articles are registered in one call."""


_REGISTER = """
-- KEYS[1]: the story; KEYS[2 .. 1 + bands]: its band sets; then, for each candidate
-- named in ARGV[10 ..], its story hash and its copies hash. A band member that is not
-- a candidate is returned as {'', member, ...}: the caller adds it and calls again.
local MIN_BINS = 8
local id = ARGV[1]
local signature = ARGV[2]
local outlet = ARGV[3]
local url = ARGV[4]
local ttl = tonumber(ARGV[6])
local share = tonumber(ARGV[7])
local bands = tonumber(ARGV[9])
local hashes = string.len(signature) / 4
local empty = string.char(255, 255, 255, 255)
local slot = {}
for i = 10, #ARGV do slot[ARGV[i]] = bands + 2 * (i - 10) + 2 end
local missing, listed = {''}, {}
for b = 2, bands + 1 do
  for _, other in ipairs(redis.call('SMEMBERS', KEYS[b])) do
    if other ~= id and not slot[other] and not listed[other] then
      listed[other] = true
      missing[#missing + 1] = other
    end
  end
end
if #missing > 1 then return missing end
local function similar(other)
  local same, compared = 0, 0
  for i = 0, hashes - 1 do
    local a = string.sub(other, i * 4 + 1, i * 4 + 4)
    local b = string.sub(signature, i * 4 + 1, i * 4 + 4)
    if a ~= empty and b ~= empty then
      compared = compared + 1
      if a == b then same = same + 1 end
    end
  end
  return compared >= MIN_BINS and same >= share * compared
end
for b = 2, bands + 1 do
  for _, other in ipairs(redis.call('SMEMBERS', KEYS[b])) do
    if other ~= id then
      local story, also = KEYS[slot[other]], KEYS[slot[other] + 1]
      local f = redis.call('HMGET', story, 'signature', 'outlet', 'url')
      if not f[1] then
        redis.call('SREM', KEYS[b], other)
      elseif similar(f[1]) then
        if f[2] ~= outlet then
          redis.call('HSETNX', also, outlet, url)
          redis.call('EXPIRE', also, math.max(ttl, tonumber(ARGV[8])))
        end
        return {other, 0, f[2], f[3]}
      end
    end
  end
end
local story = KEYS[1]
if redis.call('EXISTS', story) == 1 then
  -- The same page again: a copy once handed on; new again if its hand-off never happened.
  local f = redis.call('HMGET', story, 'outlet', 'url', 'handed')
  if f[3] then return {id, 0, f[1], f[2]} end
  return {id, 1, f[1], f[2]}
end
redis.call('HSET', story, 'signature', signature, 'outlet', outlet, 'url', url,
  'first_seen', ARGV[5])
redis.call('EXPIRE', story, ttl)
for b = 2, bands + 1 do
  redis.call('SADD', KEYS[b], id)
  redis.call('EXPIRE', KEYS[b], ttl)
end
return {id, 1, outlet, url}
"""


@dataclass(frozen=True)
class StoryVerdict:
    """Where an article stands: a new story, or a copy of the story `story_id`."""

    story_id: str
    new: bool
    first_outlet: str
    first_url: str


def normalized_words(text: str) -> list[str]:
    """Lowercased words with accents removed: the text fingerprints see."""
    ascii_text = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore")
    return _WORD.findall(ascii_text.decode("ascii"))


def minhash(words: list[str]) -> list[int]:
    """One-permutation MinHash: each shingle's 64-bit hash picks one of 32 bins by its
    top bits, and each bin keeps the smallest low 32 bits it sees (EMPTY if none).

    One hash per shingle instead of 32, with the same estimate of Jaccard similarity.
    """
    mins = [EMPTY] * HASHES
    for i in range(len(words) - SHINGLE + 1):
        shingle = " ".join(words[i : i + SHINGLE]).encode("utf-8")
        value = int.from_bytes(hashlib.blake2b(shingle, digest_size=8).digest(), "big")
        bin_, low = value >> _BIN_SHIFT, value & _LOW
        if low < mins[bin_]:
            mins[bin_] = low
    return mins


def signature_of(title: str, body: str) -> list[int]:
    """The story fingerprint: MinHash of the body, or for short texts an exact hash."""
    words = normalized_words(body)
    if len(words) >= MIN_WORDS:
        return minhash(words)
    exact = " ".join(normalized_words(title) + words).encode("utf-8")
    return [int.from_bytes(hashlib.blake2b(exact, digest_size=4).digest(), "big") & _LOW] * HASHES


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures (bins empty in
    either do not count)."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if EMPTY not in (x, y)]
    return sum(x == y for x, y in pairs) / len(pairs) if len(pairs) >= MIN_BINS else 0.0


class StoryIndex:
    """Registers articles as stories in Redis and finds the copies of a story.

    The register script must be given the keys of every story in the article's band
    sets (all keys go in KEYS[]); one it was not given costs another call. So the
    index remembers the band sets of the stories it registered itself and gives those
    stories with the first call: a crawler registering articles that share band
    values with its earlier ones (a copy, a common template) needs one call, not two.
    Only stories other crawlers registered cost the second call. A remembered story
    that has expired costs only unused keys (the script drops it from its bands).
    """

    def __init__(
        self, client: redis.Redis, keys: Keys, *, ttl: float, also_ttl: float = 0.0
    ) -> None:
        """`ttl`: how long a story's copies are recognised; `also_ttl`: how long its
        list of copies (`also_in`) is kept, at least `ttl` (the story is browsable that
        long: alerts.archive)."""
        self.client = client
        self.keys = keys
        self.ttl = ttl
        self.also_ttl = max(ttl, also_ttl)
        self._register = client.register_script(_REGISTER)
        self._band_members: OrderedDict[str, set[str]] = OrderedDict()

    def register(
        self, story_id: str, outlet: str, url: str, signature: Sequence[int], now: float
    ) -> StoryVerdict:
        """Record the article as a new story, or as a copy of the story it repeats.

        `signature` is `signature_of(title, body)` of the article.
        """
        packed = struct.pack(f">{HASHES}I", *signature)
        bands = [
            self.keys.story_band(f"{band}:" + packed[band * ROWS * 4 : (band + 1) * ROWS * 4].hex())
            for band in range(BANDS)
        ]
        args: list[str | bytes | int | float] = [
            story_id, packed, outlet, url, f"{now:.3f}", int(self.ttl), SAME_STORY,
            int(self.also_ttl), BANDS,
        ]  # fmt: skip
        own = [self.keys.story(story_id), *bands]
        candidates = self._known_members(bands, story_id)
        for _ in range(MAX_REGISTER_CALLS):
            copies = [k for c in candidates for k in (self.keys.story(c), self.keys.story_also(c))]
            result = texts(self._register(keys=[*own, *copies], args=[*args, *candidates]))
            if result[0]:
                break
            candidates += result[1:]  # stories in its bands this call was not given: again
        else:
            raise RuntimeError(f"story {story_id}: its bands kept changing; not registered")
        found_id, new, first_outlet, first_url = result
        if found_id == story_id and int(new):
            self._remember_members(bands, story_id)
        return StoryVerdict(found_id, bool(int(new)), first_outlet, first_url)

    def _known_members(self, bands: Sequence[str], story_id: str) -> list[str]:
        """The stories this index has seen in any of `bands`, but `story_id` itself."""
        known: dict[str, None] = {}
        for band in bands:
            members = self._band_members.get(band)
            if members is not None:
                self._band_members.move_to_end(band)
                known.update(dict.fromkeys(members))
        known.pop(story_id, None)
        return list(known)

    def _remember_members(self, bands: Sequence[str], story_id: str) -> None:
        """Remember `story_id` as a member of `bands`, forgetting the longest unused band
        sets beyond KNOWN_BANDS."""
        for band in bands:
            self._band_members.setdefault(band, set()).add(story_id)
            self._band_members.move_to_end(band)
        while len(self._band_members) > KNOWN_BANDS:
            self._band_members.popitem(last=False)

    def mark_handed(
        self, pipe: redis.client.Pipeline, story_id: str, published_at: datetime | None
    ) -> None:
        """Record (in the caller's transaction) that the story went on to the next stage,
        and when it was published: with `first_seen`, the story's freshness record (its
        alerts' delivery times are in their delivery state)."""
        key = self.keys.story(story_id)
        pipe.hset(key, "handed", 1)
        if published_at is not None:
            pipe.hset(key, "published_at", published_at.isoformat())

    def also_in(self, story_id: str) -> list[dict[str, str]]:
        """The other outlets that carried the story, with their URLs."""
        raw = self.client.hgetall(self.keys.story_also(story_id)) or {}
        return [{"outlet": text(k), "url": text(v)} for k, v in sorted(raw.items())]


def story_id_for(canonical: str) -> str:
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=8).hexdigest()
