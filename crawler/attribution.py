"""Whose article a link is: the outlet whose source listed it, another outlet of the
catalogue, or nobody we crawl.

Ownership of hosts is crawler.ownership's (homepage host and `domains:`, the most
specific entry winning). A portal's feed that lists a partner's story (UOL linking
Folha) gives that story to the partner, to be fetched and stored as the partner's
article, with its timezone and language; a link to a host no outlet owns is offsite,
skipped and counted; a link to a disabled outlet is skipped too (the reason it is
disabled, often its terms of use, holds whoever links to it).
"""

from __future__ import annotations

import enum
import functools
import weakref
from dataclasses import dataclass

from crawler.catalogue import Catalogue, Outlet
from crawler.ownership import HostPattern, url_host


class Place(enum.StrEnum):
    OWN = "own"  # the listing outlet's own article
    ATTRIBUTED = "attributed"  # another (enabled) outlet's article
    OFFSITE = "offsite"  # on a host no outlet of the catalogue owns
    DISABLED = "disabled"  # owned by an outlet that is switched off


@dataclass(frozen=True, slots=True)
class Attribution:
    place: Place
    owner: Outlet | None  # the outlet that owns the URL's host, if any

    @property
    def outlet(self) -> Outlet | None:
        """The outlet to crawl the article for, or None when it is not to be crawled."""
        return self.owner if self.place in (Place.OWN, Place.ATTRIBUTED) else None


def attribute(url: str, outlet: Outlet, catalogue: Catalogue | None) -> Attribution:
    """Whose article `url` is, when `outlet`'s feed, sitemap or section page lists it."""
    host, port = url_host(url)
    mine = _outlet_index(outlet).best(host, port)
    found = _catalogue_index(catalogue).best(host, port) if catalogue is not None else None
    owner = found[1] if found is not None else None
    # Two editions on one host (RFI's www.rfi.fr/br/ and /pt/): each keeps its links.
    shared = mine is not None and found is not None and mine[0] == found[0]
    if owner is None or owner.id == outlet.id or shared:
        return (
            Attribution(Place.OWN, outlet) if mine is not None else Attribution(Place.OFFSITE, None)
        )
    if not owner.enabled:
        return Attribution(Place.DISABLED, owner)
    return Attribution(Place.ATTRIBUTED, owner)


class OwnerIndex:
    """The hosts of a catalogue's outlets, indexed by host name, so that finding a URL's
    owner costs a few dictionary lookups instead of a pass over every outlet. It answers
    as Catalogue.owner_of does: the most specific entry, the first outlet on a tie."""

    def __init__(self, outlets: list[Outlet]) -> None:
        self.by_host: dict[str, list[tuple[HostPattern, int, Outlet]]] = {}
        for order, outlet in enumerate(outlets):
            for pattern in outlet.owned_hosts:
                self.by_host.setdefault(pattern.host, []).append((pattern, order, outlet))

    def best(self, host: str, port: int | None) -> tuple[HostPattern, Outlet] | None:
        """The most specific pattern that owns `host` (and `port`), with its outlet."""
        if not host:
            return None
        labels = host.split(".")
        found: list[tuple[HostPattern, int, Outlet]] = []
        for start in range(len(labels)):
            for entry in self.by_host.get(".".join(labels[start:]), ()):
                if entry[0].matches(host, port):
                    found.append(entry)
        if not found:
            return None
        pattern, _, outlet = min(
            found, key=lambda e: (not e[0].exact, -e[0].host.count("."), -len(e[0].host), e[1])
        )
        return pattern, outlet


_CATALOGUE_INDEXES: weakref.WeakKeyDictionary[Catalogue, OwnerIndex] = weakref.WeakKeyDictionary()


def _catalogue_index(catalogue: Catalogue) -> OwnerIndex:
    index = _CATALOGUE_INDEXES.get(catalogue)
    if index is None:
        index = _CATALOGUE_INDEXES[catalogue] = OwnerIndex(list(catalogue))
    return index


@functools.lru_cache(maxsize=1024)
def _outlet_index(outlet: Outlet) -> OwnerIndex:
    return OwnerIndex([outlet])
