"""Which outlet owns a link: homepage hosts, `domains:`, ports, the most specific wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from atalaia.errors import ConfigErrors
from crawler.catalogue import load_catalogue

CATALOGUE = """\
outlets:
  - id: uol
    name: UOL
    homepage: https://www.uol.com.br/
    feeds: [https://rss.uol.com.br/feed/noticias.xml]
  - id: folha
    name: Folha
    homepage: https://www.folha.uol.com.br/
    domains: [folha.com.br, redir.folha.com.br]
    feeds: [https://feeds.folha.uol.com.br/emcimadahora/rss091.xml]
  - id: local
    name: Local newsroom
    homepage: http://127.0.0.1:8123/
    allow_private_network: true
    feeds: [http://127.0.0.1:8123/feed/]
"""


@pytest.fixture
def catalogue_path(tmp_path: Path) -> Path:
    path = tmp_path / "outlets.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def test_homepage_host_and_subdomains_are_owned(catalogue_path: Path) -> None:
    uol = load_catalogue(catalogue_path).by_id["uol"]
    assert uol.owns("https://noticias.uol.com.br/internacional/2026/11/30/x.htm")
    assert uol.owns("https://uol.com.br/")
    assert not uol.owns("https://www.estadao.com.br/x")
    assert not uol.owns("https://notuol.com.br/x")


def test_most_specific_owner_wins(catalogue_path: Path) -> None:
    catalogue = load_catalogue(catalogue_path)
    owner = catalogue.owner_of("https://www1.folha.uol.com.br/mundo/2026/11/x.shtml")
    assert owner is not None and owner.id == "folha"
    owner = catalogue.owner_of("https://redir.folha.com.br/redirect/x")
    assert owner is not None and owner.id == "folha"
    owner = catalogue.owner_of("https://economia.uol.com.br/x")
    assert owner is not None and owner.id == "uol"
    assert catalogue.owner_of("https://www.publico.pt/x") is None


def test_a_host_with_a_port_owns_that_port_only(catalogue_path: Path) -> None:
    local = load_catalogue(catalogue_path).by_id["local"]
    assert local.allow_private_network
    assert local.owns("http://127.0.0.1:8123/2026/11/30/artigo.html")
    assert not local.owns("http://127.0.0.1:8124/admin")
    assert not local.owns("http://127.0.0.2:8123/")
    assert not local.owns("http://localhost:8123/")


def test_a_domain_without_a_host_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "outlets.yaml"
    path.write_text(CATALOGUE.replace("[folha.com.br, redir.folha.com.br]", "['http://']"))
    with pytest.raises(ConfigErrors) as caught:
        load_catalogue(path)
    assert "domains" in str(caught.value) and ":9: outlets[1].domains" in str(caught.value)
