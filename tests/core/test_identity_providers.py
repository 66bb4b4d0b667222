"""Identity providers as the environment configures them (``core.identity_providers``)."""

from __future__ import annotations

from fellowship.core import identity_providers
from fellowship.core.identity_providers import Provider

ACME = {
    "FELLOWSHIP_OIDC_PROVIDERS": "acme",
    "FELLOWSHIP_OIDC_ACME_ISSUER": "https://id.acme.example/realms/staff",
    "FELLOWSHIP_OIDC_ACME_CLIENT_ID": "fellowship",
    "FELLOWSHIP_OIDC_ACME_CLIENT_SECRET": "s3cret",
    "FELLOWSHIP_OIDC_ACME_NAME": "Acme Works",
    "FELLOWSHIP_OIDC_ACME_DOMAINS": "acme.example, ACME.co.uk",
    "FELLOWSHIP_OIDC_ACME_CREATE_ACCOUNTS": "1",
}


def load(env: dict[str, str], production: bool = False) -> tuple[list[Provider], list[str]]:
    problems: list[str] = []
    return identity_providers.load(env, production, problems), problems


def test_a_provider_is_read_from_the_environment() -> None:
    assert load(ACME) == (
        [
            Provider(
                key="acme",
                issuer="https://id.acme.example/realms/staff",
                client_id="fellowship",
                client_secret="s3cret",
                name="Acme Works",
                domains=("acme.example", "acme.co.uk"),
                create_accounts=True,
            )
        ],
        [],
    )


def test_no_providers_by_default() -> None:
    assert load({}) == ([], [])


def test_every_missing_or_wrong_setting_is_named() -> None:
    env = {
        "FELLOWSHIP_OIDC_PROVIDERS": "acme, Bad Key",
        "FELLOWSHIP_OIDC_ACME_DOMAINS": "acme.example, not a domain",
    }
    _providers, problems = load(env)
    assert problems == [
        "FELLOWSHIP_OIDC_ACME_ISSUER must be set for the provider 'acme'",
        "FELLOWSHIP_OIDC_ACME_CLIENT_ID must be set for the provider 'acme'",
        "FELLOWSHIP_OIDC_ACME_CLIENT_SECRET must be set for the provider 'acme'",
        "FELLOWSHIP_OIDC_ACME_DOMAINS must list the email domains the provider may sign in, separated by "
        "commas (not not, a, domain)",
        "FELLOWSHIP_OIDC_PROVIDERS: 'bad key' is not a provider key (a letter, then letters, digits, - or _)",
    ]


def test_production_wants_an_https_issuer() -> None:
    _providers, problems = load(
        {**ACME, "FELLOWSHIP_OIDC_ACME_ISSUER": "http://id.acme.example"}, production=True
    )
    assert problems == ["FELLOWSHIP_OIDC_ACME_ISSUER must be an https:// address in production"]


def test_a_provider_allows_its_own_domains_exactly() -> None:
    [provider], _problems = load(ACME)
    allowed = [
        provider.allows(a)
        for a in ("x@acme.example", "X@ACME.CO.UK", "x@sub.acme.example", "x@acme.examples")
    ]
    assert allowed == [True, True, False, False]
