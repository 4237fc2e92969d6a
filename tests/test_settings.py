"""Settings: one model, read from the environment, the command line winning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.crawler import Crawler

from atalaia.errors import AtalaiaError
from atalaia.settings import Settings, variable
from crawler.scrapy_settings import scrapy_settings
from crawler.services import context_for
from crawler.spiders.outlet import OutletSpider

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_without_any_variable() -> None:
    settings = Settings.from_environment({})
    assert settings.outlets_path == Path("seeds/outlets.yaml")
    assert settings.redis_url is None
    assert settings.dedupe_ttl == 30 * 86400
    assert settings.claim_lease == 900
    assert settings.max_links_per_source == 500


def test_variables_override_defaults_and_the_command_line_wins() -> None:
    environ = {
        "ATALAIA_OUTLETS": "/etc/atalaia/outlets.yaml",
        "ATALAIA_CLAIM_LEASE": "5m",
        "ATALAIA_SITEMAP_WINDOW": "3d",
        "ATALAIA_MAX_LINKS_PER_SOURCE": "50",
        "ATALAIA_REDIS_PREFIX": "from-env:",
        "ATALAIA_TIMEZONE": "America/Manaus",
        "UNRELATED": "x",
    }
    settings = Settings.from_environment(environ, redis_prefix="from-flag:", data_dir=None)
    assert settings.outlets_path == Path("/etc/atalaia/outlets.yaml")
    assert settings.claim_lease == 300
    assert settings.sitemap_window == 3 * 86400
    assert settings.max_links_per_source == 50
    assert settings.redis_prefix == "from-flag:"  # the flag wins
    assert settings.data_dir == Path("var")  # a flag not given leaves the default
    assert settings.zone.key == "America/Manaus"


@pytest.mark.parametrize(
    ("variable_name", "value", "complaint"),
    [
        ("ATALAIA_CLAIM_LEASE", "soon", "not a duration"),
        ("ATALAIA_LEASE_TTL", "0s", "more than zero"),
        ("ATALAIA_TIMEZONE", "Mars/Olympus", "unknown timezone"),
        ("ATALAIA_MAX_LINKS_PER_SOURCE", "many", "integer"),
        ("ATALAIA_CRAWL_CONCURRENCY", "0", "greater than 0"),
    ],
)
def test_a_value_that_does_not_fit_names_its_variable(
    variable_name: str, value: str, complaint: str
) -> None:
    with pytest.raises(AtalaiaError) as caught:
        Settings.from_environment({variable_name: value})
    assert str(caught.value).startswith(f"{variable_name}: ")
    assert complaint in str(caught.value)


def test_run_refuses_a_crawl_concurrency_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    """The flag goes through the setting's check: 0 would start a daemon that never
    crawls."""
    from scheduler.cli import main

    assert main(["run", "--no-web", "--crawl-concurrency", "0"]) == 2
    assert "ATALAIA_CRAWL_CONCURRENCY: Input should be greater than 0" in capsys.readouterr().err


def test_the_web_token_is_never_shown() -> None:
    settings = Settings.from_environment({"ATALAIA_WEB_TOKEN": "s3cret-token-value"})
    assert settings.web_token == "s3cret-token-value"
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)


def test_settings_are_immutable() -> None:
    settings = Settings.from_environment({})
    with pytest.raises(ValueError):
        settings.redis_prefix = "other:"
    assert settings.model_copy(update={"redis_prefix": "x:"}).redis_prefix == "x:"


def test_every_variable_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`(ATALAIA_[A-Z_]+)`", readme))
    missing = {variable(name) for name in Settings.model_fields} - documented
    assert not missing, f"README does not document {sorted(missing)}"


def test_scrapy_settings_are_derived_from_the_model() -> None:
    settings = Settings.from_environment(
        {"ATALAIA_DOWNLOAD_TIMEOUT": "7s", "ATALAIA_USER_AGENT": "TestBot/1"}
    )
    derived = scrapy_settings(settings, log_level="ERROR")
    assert derived.getfloat("DOWNLOAD_TIMEOUT") == 7
    assert derived.get("USER_AGENT") == "TestBot/1"
    assert derived.get("LOG_LEVEL") == "ERROR"
    assert derived.getbool("ROBOTSTXT_OBEY")  # the module's manners stay
    # Atalaia's own settings are not Scrapy settings: components read the model
    assert derived.get("ATALAIA_SITEMAP_WINDOW") is None


def test_scrapy_crawl_dash_s_sets_atalaia_settings_for_the_crawl() -> None:
    """Under `scrapy crawl` no one attaches a context: the crawler's -s values and
    the environment make one."""
    derived = scrapy_settings(Settings.from_environment({}))
    derived.set("ATALAIA_SITEMAP_WINDOW", "3650d", priority="cmdline")
    derived.set("ATALAIA_REDIS_PREFIX", "dash-s:", priority="cmdline")
    crawler = Crawler(OutletSpider, derived)
    context = context_for(crawler)
    assert context.settings.sitemap_window == 3650 * 86400
    assert context.settings.redis_prefix == "dash-s:"
    assert context_for(crawler) is context  # made once
