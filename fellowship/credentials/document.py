"""What a credential says, and how it is signed.

**Securing mechanism: VC-JWT** (Open Badges 3.0 §"JSON Web Token Proof Format"). The credential, an
OpenBadgeCredential in the VC Data Model 2.0, is the JWT payload, with the claims the specification requires
beside it (``iss`` = issuer.id, ``jti`` = id, ``sub`` = credentialSubject.id, ``nbf`` = validFrom), signed
with the installation's Ed25519 key as a compact JWS (header: ``alg`` EdDSA, ``kid`` the address of the public
key, ``typ`` JWT; no other header is allowed). Why not a Data Integrity proof: it signs the RDF canonical form
of the JSON-LD document, which needs every JSON-LD context at signing and at checking time and a canonicaliser
on both sides, while a JWS signs exactly the bytes it carries and every JOSE library checks it; the file a
holder downloads is the compact JWS itself, as the specification's "File Format" section asks (``.jwt``).

``EdDSA`` is the algorithm name Open Badges verifiers know; RFC 9864 (2025) prefers the fully-specified
``Ed25519`` for new protocols. The signature is the same; the name is the one verifiers accept today.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class Issuer:
    base_url: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.base_url}/credentials/issuer"

    def key_url(self, kid: str) -> str:
        return f"{self.base_url}/credentials/keys/{kid}"

    def status_list_url(self, number: int) -> str:
        return f"{self.base_url}/credentials/status/{number}"

    def profile(self) -> dict[str, Any]:
        """The issuer's Profile, served at its id."""
        return {
            "@context": [VC_V2, OB_CONTEXT],
            "id": self.id,
            "type": ["Profile"],
            "name": self.name,
            "url": f"{self.base_url}/",
        }


@dataclass(frozen=True)
class Achievement:
    """What the holder achieved, as the certificate records it: the completion of a cohort."""

    cohort_id: int
    program: str
    cohort: str
    starts_on: dt.date
    ends_on: dt.date
    min_attendance_rate: int
    modules: list[str]

    achievement_type = "Certificate"

    @property
    def name(self) -> str:
        """The cohort, and its program when the cohort's name does not already start with it (as the
        certificate says it)."""
        return self.cohort if self.cohort.startswith(self.program) else f"{self.program}: {self.cohort}"

    @property
    def description(self) -> str:
        return f"Completion of the {self.cohort} cohort of {self.program}."

    @property
    def activity(self) -> tuple[dt.date | None, dt.date]:
        return self.starts_on, self.ends_on

    def criteria(self) -> str:
        parts = [
            f"Took part in the {self.cohort} cohort of {self.program}, {self.starts_on} to {self.ends_on}"
        ]
        if self.min_attendance_rate:
            parts.append(f"attended at least {self.min_attendance_rate} % of its sessions")
        if self.modules:
            parts.append("had these worksheets approved by a facilitator: " + "; ".join(self.modules))
        return ", ".join(parts) + "."

    def identifier(self, issuer: Issuer) -> str:
        """One stable identifier per cohort's completion, whoever holds it."""
        return _stable_urn(f"{issuer.base_url}/cohorts/{self.cohort_id}#completion")


@dataclass(frozen=True)
class ModuleAchievement:
    """A module's worksheet, approved by a facilitator, in a cohort that chose module badges."""

    cohort_id: int
    slug: str
    title: str
    version: int
    program: str
    cohort: str
    approved_on: dt.date

    achievement_type = "Badge"

    @property
    def name(self) -> str:
        return self.title

    @property
    def description(self) -> str:
        return f'The module "{self.title}" of {self.program}, completed in the {self.cohort} cohort.'

    @property
    def activity(self) -> tuple[dt.date | None, dt.date]:
        return None, self.approved_on

    def criteria(self) -> str:
        return (
            f'Completed the worksheet of the module "{self.title}" (version {self.version}) in the '
            f"{self.cohort} cohort of {self.program}, and had it approved by a facilitator on "
            f"{self.approved_on}."
        )

    def identifier(self, issuer: Issuer) -> str:
        """One stable identifier per module in a cohort, whoever holds it."""
        return _stable_urn(f"{issuer.base_url}/cohorts/{self.cohort_id}/modules/{self.slug}#approved")


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _stable_urn(name: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def credential(
    issuer: Issuer,
    credential_uuid: str,
    holder: str,
    achievement: Achievement | ModuleAchievement,
    valid_from: dt.datetime,
    status_list: int,
    status_index: int,
) -> dict[str, Any]:
    """The OpenBadgeCredential with its JWT claims. The holder is identified by name (an IdentityObject of
    type "name", not hashed: the certificate already shows it); the subject's id is a random URN of this
    credential's own, so two credentials cannot be linked by it."""
    subject_id = "urn:uuid:" + str(uuid.uuid5(uuid.UUID(credential_uuid), "subject"))
    status_url = issuer.status_list_url(status_list)
    started, ended = achievement.activity
    activity = {"activityEndDate": f"{ended.isoformat()}T00:00:00Z"}
    if started is not None:
        activity = {"activityStartDate": f"{started.isoformat()}T00:00:00Z", **activity}
    body = {
        "@context": [VC_V2, OB_CONTEXT],
        "id": f"urn:uuid:{credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": f"{issuer.base_url}/"},
        "validFrom": _when(valid_from),
        "name": achievement.name,
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityHash": holder, "identityType": "name", "hashed": False}
            ],
            **activity,
            "achievement": {
                "id": achievement.identifier(issuer),
                "type": ["Achievement"],
                "achievementType": achievement.achievement_type,
                "name": achievement.name,
                "description": achievement.description,
                "criteria": {"narrative": achievement.criteria()},
            },
        },
        "credentialStatus": {
            "id": f"{status_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    return _with_claims(body, subject_id)


def status_list(issuer: Issuer, number: int, encoded: str, valid_from: dt.datetime) -> dict[str, Any]:
    """The BitstringStatusListCredential that holds the revocation bits."""
    url = issuer.status_list_url(number)
    body = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": _when(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    return _with_claims(body, f"{url}#list")


def _with_claims(body: dict[str, Any], subject: str) -> dict[str, Any]:
    issuer = body["issuer"]["id"] if isinstance(body["issuer"], dict) else body["issuer"]
    valid_from = dt.datetime.fromisoformat(body["validFrom"].replace("Z", "+00:00"))
    return {**body, "iss": issuer, "jti": body["id"], "sub": subject, "nbf": int(valid_from.timestamp())}


def sign(payload: dict[str, Any], key: OKPKey, key_url: str) -> str:
    header = {"alg": ALGORITHM, "kid": key_url, "typ": "JWT"}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc's notice about the EdDSA name (see the module's docstring)
        return jws.serialize_compact(header, data, key, algorithms=[ALGORITHM])


def read(token: str, key: OKPKey) -> dict[str, Any]:
    """The payload of a token signed with ``key``; raises ``JoseError`` or ``ValueError`` otherwise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = jws.deserialize_compact(token, key, algorithms=[ALGORITHM])
    payload = json.loads(found.payload)
    if not isinstance(payload, dict):
        raise ValueError("the payload is not a JSON object")
    return payload


__all__ = [
    "JoseError",
    "Achievement",
    "ModuleAchievement",
    "Issuer",
    "credential",
    "read",
    "sign",
    "status_list",
]
