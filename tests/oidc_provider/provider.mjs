// A real OpenID Connect provider (oidc-provider, installed in tests/e2e/node_modules) for the sign-in tests.
//
//   PORT=5999 REDIRECT_URIS=http://fellowship.test/sign-in/oidc/acme/callback [ID_TOKEN_TTL=3600] node provider.mjs
//
// Issuer http://127.0.0.1:$PORT, one confidential client "fellowship", the built-in development login and
// consent pages (any password). Prints "ready <issuer>" on stdout once listening; everything else goes to
// stderr.

import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// oidc-provider prints its notices with console.info: keep stdout for the ready line alone.
console.info = (...args) => console.error(...args);

const here = dirname(fileURLToPath(import.meta.url));
const resolveFromE2e = createRequire(join(here, '..', 'e2e', 'package.json')).resolve;
const { default: Provider } = await import(pathToFileURL(resolveFromE2e('oidc-provider')).href);

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('PORT must be a port number');
  process.exit(2);
}
const redirectUris = (process.env.REDIRECT_URIS ?? '').split(',').map((uri) => uri.trim()).filter(Boolean);
if (!redirectUris.length) {
  console.error('REDIRECT_URIS must list at least one redirect URI');
  process.exit(2);
}
const idTokenTtl = Number(process.env.ID_TOKEN_TTL || 3600);
const issuer = `http://127.0.0.1:${port}`;

// Keyed by the name typed into the development login form, which oidc-provider keeps as the account id.
// "alice-renamed" is Alice after her address changed: same subject, new email.
const PEOPLE = {
  alice: { sub: 'alice-sub', email: 'alice@acme.example', email_verified: true, name: 'Alice Acme' },
  'alice-renamed': {
    sub: 'alice-sub', email: 'alice.new@acme.example', email_verified: true, name: 'Alice Acme',
  },
  uma: { sub: 'uma-sub', email: 'uma@acme.example', email_verified: false, name: 'Uma Unverified' },
  olly: { sub: 'olly-sub', email: 'olly@elsewhere.example', email_verified: true, name: 'Olly Outsider' },
  ada: { sub: 'ada-sub', email: 'ada@acme.example', email_verified: true, name: 'Ada Admin' },
  nina: { sub: 'nina-sub', email: 'nina@acme.example', email_verified: true, name: 'Nina Newcomer' },
  bea: { sub: 'bea-sub', email: 'bea@acme.example', email_verified: true, name: 'Bea Bound' },
};

function person(login) {
  return Object.hasOwn(PEOPLE, login)
    ? PEOPLE[login]
    : { sub: login, email: `${login}@acme.example`, email_verified: true, name: login };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

const client = {
  client_id: 'fellowship',
  client_secret: 'fellowship-test-secret',
  redirect_uris: redirectUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
  // oidc-provider always makes sub the account id (the login name); the only supported way to give two
  // logins one subject is a pairwise identifier, computed by pairwiseIdentifier below from the table.
  subject_type: 'pairwise',
};
if (new Set(redirectUris.map((uri) => new URL(uri).host)).size > 1) {
  // Pairwise clients with redirect URIs on several hosts must name an https sector; it is never fetched.
  client.sector_identifier_uri = 'https://sector.example/fellowship';
}

const provider = new Provider(issuer, {
  clients: [client],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['fellowship-oidc-test-cookie-key-1', 'fellowship-oidc-test-cookie-key-2'] },
  scopes: ['openid', 'email', 'profile'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Put the scopes' claims in the ID token too, not only in the userinfo response.
  conformIdTokenClaims: false,
  subjectTypes: ['public', 'pairwise'],
  sectorIdentifierUriValidate: () => false,
  pairwiseIdentifier: async (ctx, accountId) => person(accountId).sub,
  responseTypes: ['code'],
  pkce: { methods: ['S256'], required: () => false },
  features: { devInteractions: { enabled: true } },
  clientBasedCORS: () => false,
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    Grant: 3600,
    IdToken: idTokenTtl,
    Interaction: 3600,
    Session: 3600,
  },
  async findAccount(ctx, id) {
    const { email, email_verified: emailVerified, name } = person(id);
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: emailVerified, name };
      },
    };
  },
});

provider.on('server_error', (ctx, error) => console.error('server_error', error));

try {
  await provider.Client.find(client.client_id);
} catch (error) {
  console.error(`the client is invalid: ${error.message}${error.error_description ? `: ${error.error_description}` : ''}`);
  process.exit(2);
}

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
server.on('error', (error) => {
  console.error(error.message);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
