"""Certificates become signed Open Badges 3.0 credentials that an independent verifier (jose, in Node.js)
accepts, and refuses once tampered with, signed by another key, expired or revoked; rotating the key keeps
older credentials valid."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from joserfc.jwk import OKPKey

from fellowship.core import audit, signing_keys
from fellowship.core.audit import AuditEntry
from fellowship.credentials import document, services, status
from fellowship.credentials.models import Credential
from fellowship.extensions import db
from fellowship.impact.models import Certificate
from tests.conftest import World
from tests.credentials.verifier import needs_verifier, verify
from tests.impact.test_certificates import completed_certificate


def payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def header(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture
def issued(world: World, client_as: Any) -> tuple[Certificate, str]:
    """The fellow's certificate, its credential asked for and downloaded from the certificate page."""
    certificate = completed_certificate(world, client_as)
    holder = client_as("fellow")
    page = holder.get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert "Issue my credential" in page
    assert holder.post(f"/certificates/{certificate.code}/credential").status_code == 302
    page = holder.get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert f'href="/certificates/{certificate.code}/credential.jwt"' in page
    download = holder.get(f"/certificates/{certificate.code}/credential.jwt")
    assert download.status_code == 200
    assert (
        download.headers["Content-Disposition"] == f'attachment; filename="credential-{certificate.code}.jwt"'
    )
    return certificate, download.get_data(as_text=True)


def now() -> float:
    return dt.datetime.now(dt.UTC).timestamp()


@needs_verifier
def test_the_independent_verifier_accepts_an_issued_credential(app: Any, client: Any, issued: Any) -> None:
    certificate, token = issued
    base = app.config["FELLOWSHIP_BASE_URL"]
    result = verify(token, client, base, now())
    assert result["ok"], result
    vc = result["credential"]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["id"] == f"{base}/credentials/issuer"
    assert vc["credentialSubject"]["identifier"] == [
        {"type": "IdentityObject", "identityHash": "Fiona Fellow", "identityType": "name", "hashed": False}
    ]
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert certificate.cohort in achievement["criteria"]["narrative"]
    assert header(token) == {"alg": "EdDSA", "kid": header(token)["kid"], "typ": "JWT"}
    assert header(token)["kid"].startswith(f"{base}/credentials/keys/")
    assert client.get("/credentials/issuer").get_json()["id"] == vc["issuer"]["id"]


@needs_verifier
def test_a_changed_credential_fails(app: Any, client: Any, issued: Any) -> None:
    _certificate, token = issued
    head, body, signature = token.split(".")
    claims = payload(token)
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    result = verify(f"{head}.{forged}.{signature}", client, app.config["FELLOWSHIP_BASE_URL"], now())
    assert result == {"ok": False, "reason": "signature: ERR_JWS_SIGNATURE_VERIFICATION_FAILED"}


@needs_verifier
def test_a_credential_signed_with_another_key_fails(app: Any, client: Any, issued: Any) -> None:
    _certificate, token = issued
    base = app.config["FELLOWSHIP_BASE_URL"]
    stranger = OKPKey.generate_key("Ed25519", parameters={"kid": "not-ours"}, private=True)
    claims = payload(token)
    # Signed by a key of its own, under this installation's key address: the signature does not hold.
    posing = document.sign(claims, stranger, header(token)["kid"])
    assert verify(posing, client, base, now())["reason"] == "signature: ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    # Signed by a key this installation never published.
    unknown = document.sign(claims, stranger, f"{base}/credentials/keys/not-ours")
    assert verify(unknown, client, base, now()) == {"ok": False, "reason": "unknown key"}
    assert client.get("/credentials/keys/not-ours").status_code == 404


@needs_verifier
def test_an_expired_credential_fails(app: Any, client: Any, issued: Any) -> None:
    """Fellowship's credentials do not expire; one that did (a validUntil, signed by this installation's own
    key) is refused once the date has passed, and accepted before it."""
    _certificate, token = issued
    base = app.config["FELLOWSHIP_BASE_URL"]
    claims = payload(token)
    until = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    claims.update(validUntil="2025-01-01T00:00:00Z", exp=int(until.timestamp()))
    with app.test_request_context():
        from fellowship.credentials import keys

        key = keys.ring().signing
    signed = document.sign(claims, key, header(token)["kid"])
    assert verify(signed, client, base, now()) == {"ok": False, "reason": "expired"}
    assert verify(signed, client, base, until.timestamp() - 60)["ok"]


@needs_verifier
def test_an_administrator_revokes_with_a_reason_and_verifiers_see_it(
    app: Any, client: Any, world: World, client_as: Any, issued: Any
) -> None:
    certificate, token = issued
    base = app.config["FELLOWSHIP_BASE_URL"]
    url = f"/certificates/{certificate.code}/credential/revoke"
    assert client_as("facilitator").post(url, data={"reason": "Issued by mistake."}).status_code == 403
    admin = client_as("admin")
    refused = admin.post(url, data={"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the credential is revoked." in refused.get_data(as_text=True)
    assert verify(token, client, base, now())["ok"]
    assert admin.post(url, data={"reason": "Attendance was recorded in error."}).status_code == 302
    credential = db.session.scalar(sa.select(Credential))
    assert credential.revoked_reason == "Attendance was recorded in error."
    [entry] = db.session.scalars(audit.history(credential)).all()
    assert (entry.action, entry.actor_id) == ("revoke", world.users["admin"].id)
    assert verify(token, client, base, now()) == {"ok": False, "reason": "revoked"}
    page = client_as("fellow").get(f"/certificates/{certificate.code}").get_data(as_text=True)
    assert (
        "This credential was revoked on" in page and "recorded in error" not in page
    )  # the reason stays staff's
    again = admin.post(url, data={"reason": "Again."})
    assert again.status_code == 409 and "This credential is already revoked." in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1


@needs_verifier
def test_after_a_key_rotation_old_and_new_credentials_both_verify(
    app: Any, client: Any, world: World, client_as: Any, issued: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    _certificate, old = issued
    base = app.config["FELLOWSHIP_BASE_URL"]
    ring = tmp_path / "credential-keys.json"  # this test's own copy of the key ring, rotated below
    ring.write_bytes(Path(app.config["FELLOWSHIP_CREDENTIAL_KEYS_FILE"]).read_bytes())
    monkeypatch.setitem(app.config, "FELLOWSHIP_CREDENTIAL_KEYS_FILE", str(ring))
    before = client.get("/credentials/keys").get_json()["keys"]
    result = app.test_cli_runner().invoke(args=["fellowship", "credentials", "rotate-key"])
    assert result.exit_code == 0 and "New signing key" in result.output
    keys = client.get("/credentials/keys").get_json()["keys"]
    assert keys[1:] == before and all("d" not in k for k in keys)
    other = Certificate(
        cohort_id=world.cohort.id,
        user_id=world.users["other_fellow"].id,
        code="NEWK-EYNE-WKEY",
        holder="Olga Outsider",
        program="P",
        cohort="C",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 6, 1),
        modules=[],
        issued_at=dt.datetime(2024, 6, 2, tzinfo=dt.UTC),
    )
    db.session.add(other)
    db.session.commit()
    with app.test_request_context():
        new = services.issue(other).token
        db.session.commit()
    assert header(new)["kid"] != header(old)["kid"] and header(new)["kid"].endswith(keys[0]["kid"])
    assert verify(old, client, base, now())["ok"] and verify(new, client, base, now())["ok"]


def test_the_revocation_list_is_the_minimum_length_with_random_positions(
    app: Any, client: Any, issued: Any
) -> None:
    token = client.get("/credentials/status/1").get_data(as_text=True)
    subject = payload(token)["credentialSubject"]
    bits = status.decode(subject["encodedList"])
    assert len(bits) * 8 == 131_072 and not any(bits)
    index = db.session.scalar(sa.select(Credential.status_index))
    assert 0 <= index < 131_072
    assert payload(db.session.scalar(sa.select(Credential.token)))["credentialStatus"][
        "statusListIndex"
    ] == str(index)
    assert client.get("/credentials/status/2").status_code == 404


def test_only_the_holder_downloads_and_asks(client_as: Any, issued: Any) -> None:
    certificate, _token = issued
    for role in ("other_fellow", "facilitator"):
        assert client_as(role).get(f"/certificates/{certificate.code}/credential.jwt").status_code == 404
    assert client_as("other_fellow").post(f"/certificates/{certificate.code}/credential").status_code == 404
    anonymous = client_as("anonymous").get(f"/certificates/{certificate.code}/credential.jwt")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


def test_dispatch_issues_every_certificates_credential_once(app: Any, world: World, client_as: Any) -> None:
    completed_certificate(world, client_as)
    runner = app.test_cli_runner()
    assert "credentials: 1" in runner.invoke(args=["fellowship", "dispatch"]).output
    assert "credentials: 0" in runner.invoke(args=["fellowship", "dispatch"]).output
    assert db.session.scalar(sa.select(sa.func.count(Credential.id))) == 1


def test_erasure_revokes_the_credential_and_drops_the_signed_copy(
    world: World, client_as: Any, issued: Any
) -> None:
    certificate, _token = issued
    fellow = world.users["fellow"]
    assert (
        client_as("admin").post(f"/admin/users/{fellow.id}/erase", data={"confirm": fellow.email}).status_code
        == 302
    )
    credential = db.session.scalar(sa.select(Credential))
    assert credential.revoked_at is not None and credential.token == ""
    assert "Fiona" not in json.dumps(
        [row._asdict() for row in db.session.execute(sa.select(Credential.token, Credential.revoked_reason))]
    )


def test_production_refuses_to_start_without_a_key_ring(tmp_path: Path) -> None:
    from fellowship import config

    env = {
        "FELLOWSHIP_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "FELLOWSHIP_VOTER_KEY_SECRET": "v" * 40,
        "FELLOWSHIP_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "FELLOWSHIP_BASE_URL": "https://fellowship.example.org",
        "FELLOWSHIP_CREDENTIAL_KEYS_FILE": str(tmp_path / "missing.json"),
    }
    with pytest.raises(config.ConfigError) as refused:
        config.load(str(tmp_path), env)
    assert any("FELLOWSHIP_CREDENTIAL_KEYS_FILE" in p for p in refused.value.problems)
    public_only = {
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": OKPKey.generate_key("Ed25519").as_dict()["x"], "kid": "a"}
        ]
    }
    (tmp_path / "public.json").write_text(json.dumps(public_only))
    with pytest.raises(config.ConfigError) as refused:
        config.load(str(tmp_path), {**env, "FELLOWSHIP_CREDENTIAL_KEYS_FILE": str(tmp_path / "public.json")})
    assert any("needs its private part" in p for p in refused.value.problems)
    signing_keys.add_new_key(tmp_path / "ring.json", dt.date(2026, 12, 2))
    loaded = config.load(
        str(tmp_path), {**env, "FELLOWSHIP_CREDENTIAL_KEYS_FILE": str(tmp_path / "ring.json")}
    )
    assert loaded["FELLOWSHIP_CREDENTIAL_KEYS_FILE"] == str(tmp_path / "ring.json")
    assert (tmp_path / "ring.json").stat().st_mode & 0o077 == 0  # readable by its owner only


def checked(client: Any, data: dict[str, Any]) -> tuple[int, str]:
    response = client.post("/credentials/verify", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def test_the_public_page_checks_a_pasted_or_uploaded_credential(
    app: Any, client: Any, client_as: Any, issued: Any
) -> None:
    certificate, token = issued
    page = client.get("/credentials/verify")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    status_code, body = checked(client, {"credential": token})
    assert status_code == 200 and "Valid: this site issued this credential" in body and "Fiona Fellow" in body
    status_code, body = checked(client, {"upload": (io.BytesIO(token.encode()), "credential.jwt")})
    assert status_code == 200 and "Valid: this site issued this credential" in body
    head, _body, signature = token.split(".")
    claims = payload(token)
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "<script>alert(1)</script>"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    status_code, body = checked(client, {"credential": f"{head}.{forged}.{signature}"})
    assert status_code == 200 and "The signature does not match" in body
    assert "<script>alert(1)" not in body and "&lt;script&gt;" not in body  # an unsigned claim is never shown
    stranger = OKPKey.generate_key("Ed25519", parameters={"kid": "x"}, private=True)
    status_code, body = checked(client, {"credential": document.sign(claims, stranger, header(token)["kid"])})
    assert "The signature does not match" in body
    status_code, body = checked(
        client, {"credential": document.sign(claims, stranger, "https://evil.test/k")}
    )
    assert "It is not signed with a key of this site." in body
    client_as("admin").post(
        f"/certificates/{certificate.code}/credential/revoke", data={"reason": "Issued to the wrong cohort."}
    )
    status_code, body = checked(client, {"credential": token})
    assert status_code == 200 and "Not valid." in body and "Not revoked: <strong>failed</strong>" in body


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "Paste the credential or choose its file."),
        ("not a credential", "This is not a credential in the JWT form"),
        ('{"@context": []}', "a .jwt file, not a JSON document"),
        ("a." * 40_000, "The credential is larger than 64 KB."),
    ],
)
def test_bad_input_on_the_check_page_is_refused_with_a_message(client: Any, given: str, message: str) -> None:
    status_code, body = checked(client, {"credential": given})
    assert status_code == 400 and message in body


def test_an_expired_credential_fails_the_dates_check(app: Any, client: Any, issued: Any) -> None:
    """Signed by this site, but its validUntil has passed (by the application's clock)."""
    from fellowship.core import clock

    _certificate, token = issued
    start, end = clock.now() - dt.timedelta(days=10), clock.now() - dt.timedelta(days=1)
    claims = payload(token)
    claims.update(
        validFrom=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        nbf=int(start.replace(microsecond=0).timestamp()),
        validUntil=end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        exp=int(end.timestamp()),
    )
    with app.test_request_context():
        from fellowship.credentials import keys

        signed = document.sign(claims, keys.ring().signing, header(token)["kid"])
    status_code, body = checked(client, {"credential": signed})
    assert "Dates: <strong>failed</strong>" in body and "Signature: <strong>passed</strong>" in body
