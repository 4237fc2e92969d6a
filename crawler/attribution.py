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
from dataclasses import dataclass

from crawler.catalogue import Catalogue, Outlet
from crawler.ownership import best_match


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
    owner = catalogue.owner_of(url) if catalogue is not None else None
    if owner is None or owner.id == outlet.id or _shared(url, outlet, owner):
        if outlet.owns(url):
            return Attribution(Place.OWN, outlet)
        return Attribution(Place.OFFSITE, None)
    if not owner.enabled:
        return Attribution(Place.DISABLED, owner)
    return Attribution(Place.ATTRIBUTED, owner)


def _shared(url: str, outlet: Outlet, owner: Outlet) -> bool:
    """Whether `outlet` owns `url`'s host just as specifically as `owner` does: two
    editions on one host (RFI's www.rfi.fr/br/ and /pt/) each keep their own links."""
    mine = best_match(outlet.owned_hosts, url)
    return mine is not None and mine == best_match(owner.owned_hosts, url)
