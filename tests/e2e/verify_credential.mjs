// An independent check of the credentials Fellowship issues: Fellowship signs them in Python with joserfc; this
// verifies them in JavaScript with panva's jose, following Open Badges 3.0 (VC-JWT) and the W3C Bitstring
// Status List. The tests hand it, on standard input, {"token", "keys", "statusLists", "now"}:
//   keys         the public JWK found at each key address (the header's kid), as the installation serves it;
//   statusLists  the status list credential (itself a VC-JWT) found at each statusListCredential address;
//   now          the time to check dates against, in seconds.
// It prints {"ok": true, "credential": {...}} or {"ok": false, "reason": "..."} and always exits 0.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { compactVerify, decodeProtectedHeader, importJWK } from "jose";

const VC_V2 = "https://www.w3.org/ns/credentials/v2";
const OB_CONTEXT = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context-3\.0\.\d+\.json$/;
const MIN_BITS = 131072;

class Refused extends Error {}

function refuse(reason) {
  throw new Refused(reason);
}

async function verifyJwt(token, keys) {
  if (typeof token !== "string" || token.split(".").length !== 3) refuse("not a compact JWS");
  const header = decodeProtectedHeader(token);
  if (header.alg !== "EdDSA" && header.alg !== "Ed25519") refuse(`unexpected algorithm ${header.alg}`);
  const extra = Object.keys(header).filter((name) => !["alg", "kid", "jwk", "typ"].includes(name));
  if (extra.length) refuse(`header members the specification does not allow: ${extra.join(", ")}`);
  if (header.typ !== undefined && header.typ !== "JWT") refuse("typ must be JWT");
  const jwk = keys[header.kid];
  if (!jwk) refuse("unknown key");
  if ("d" in jwk) refuse("a published key has its private part");
  let verified;
  try {
    verified = await compactVerify(token, await importJWK(jwk, "EdDSA"), { algorithms: ["EdDSA", "Ed25519"] });
  } catch (error) {
    refuse(`signature: ${error.code || error.message}`);
  }
  return JSON.parse(new TextDecoder().decode(verified.payload));
}

function checkClaims(vc, now) {
  const issuer = typeof vc.issuer === "string" ? vc.issuer : vc.issuer?.id;
  if (vc.iss !== issuer) refuse("iss does not match issuer.id");
  if (vc.jti !== vc.id) refuse("jti does not match id");
  if (vc.credentialSubject?.id !== undefined && vc.sub !== vc.credentialSubject.id) {
    refuse("sub does not match credentialSubject.id");
  }
  const validFrom = Date.parse(vc.validFrom) / 1000;
  if (vc.nbf !== validFrom) refuse("nbf does not match validFrom");
  if (validFrom > now) refuse("not yet valid");
  if (vc.validUntil !== undefined || vc.exp !== undefined) {
    if (vc.exp !== Date.parse(vc.validUntil) / 1000) refuse("exp does not match validUntil");
    if (vc.exp <= now) refuse("expired");
  }
}

async function isRevoked(entry, vc, input) {
  if (entry.type !== "BitstringStatusListEntry" || entry.statusPurpose !== "revocation") {
    refuse("unexpected status entry");
  }
  const list = await verifyJwt(input.statusLists?.[entry.statusListCredential], input.keys);
  checkClaims(list, input.now);
  if (list.id !== entry.statusListCredential) refuse("the status list is not the one named");
  if (!list.type?.includes("BitstringStatusListCredential")) refuse("not a status list credential");
  if ((list.issuer?.id ?? list.issuer) !== (vc.issuer?.id ?? vc.issuer)) refuse("status list from another issuer");
  const subject = list.credentialSubject;
  if (subject.type !== "BitstringStatusList" || subject.statusPurpose !== "revocation") refuse("not a revocation list");
  if (!subject.encodedList.startsWith("u")) refuse("encodedList is not multibase base64url");
  const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), "base64url"));
  if (bits.length * 8 < MIN_BITS) refuse("status list shorter than the minimum");
  const index = Number.parseInt(entry.statusListIndex, 10);
  if (!(index >= 0 && index < bits.length * 8)) refuse("status index outside the list");
  return ((bits[index >> 3] >> (7 - (index & 7))) & 1) === 1;
}

async function main() {
  const input = JSON.parse(readFileSync(0, "utf8"));
  const vc = await verifyJwt(input.token, input.keys);
  checkClaims(vc, input.now);
  if (vc["@context"]?.[0] !== VC_V2 || !vc["@context"].some((c) => OB_CONTEXT.test(c))) refuse("contexts");
  if (!vc.type?.includes("VerifiableCredential") || !vc.type.includes("OpenBadgeCredential")) refuse("type");
  if (!vc.credentialSubject?.achievement?.criteria) refuse("no achievement criteria");
  if (vc.credentialStatus && (await isRevoked(vc.credentialStatus, vc, input))) refuse("revoked");
  return { ok: true, credential: vc };
}

main()
  .then((result) => console.log(JSON.stringify(result)))
  .catch((error) => {
    if (!(error instanceof Refused)) throw error;
    console.log(JSON.stringify({ ok: false, reason: error.message }));
  });
