import {
  detectSecret,
  detectSecretByHeuristics,
  findKnownTokens,
  looksLikeSecret,
} from './secrets';

// Fake credentials in the shapes the providers issue; none of them is real.
const PEM_BODY =
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n'.repeat(
    3,
  );
const FAKE = {
  github: `ghp_${'a1B2c3D4e5F6'.repeat(3)}`,
  slack: 'xoxb-123456789012-abcdefghijkl',
  stripe: `sk_live_${'wHeT0z39vXIHpKIzn9NqiAkt'}`,
  npm: `npm_${'M9HhqjF2fbO0JW8HIcNvD4ikWnazlg72KBLP'}`,
  privateKey: `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}-----END RSA PRIVATE KEY-----`,
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
};

describe('detectSecret: known formats, from secretlint', () => {
  it.each([
    ['GH', FAKE.github, 'GitHub Token'],
    ['SLACK_HOOK', FAKE.slack, 'slack token'],
    ['PAYMENTS', FAKE.stripe, 'Stripe Live Secret Key'],
    ['REGISTRY', FAKE.npm, 'npm access token'],
    ['TLS_KEY_PEM', FAKE.privateKey, 'private key'],
    // secretlint's AWS rule needs the variable name as context, which detectSecret supplies.
    ['AWS_SECRET_ACCESS_KEY', FAKE.awsSecret, 'AWS Secret Access Key'],
    [
      'DATABASE_URL',
      'postgres://app:s3cr3t@db.payments:5432/app',
      'PostgreSQL connection string',
    ],
    [
      'GIT_REMOTE',
      'https://ci:hunter2@git.example.com/x',
      'basic auth credential',
    ],
  ])('catches %s holding %s', async (name, value, reason) => {
    expect(await detectSecret(name, value)).toBe(
      `a known credential (${reason})`,
    );
  });

  it('finds every credential in a longer text, with its position', async () => {
    const text = `webhook: https://hooks.example.com\ntoken: ${FAKE.slack}\n`;
    expect(await findKnownTokens(text)).toEqual([
      {
        range: [text.indexOf('xoxb'), text.indexOf('xoxb') + FAKE.slack.length],
        what: 'a known credential (slack token)',
      },
    ]);
    expect(
      await findKnownTokens(
        '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----',
      ),
    ).toEqual([]);
  });
});

describe('detectSecret: what is specific to env vars', () => {
  it.each([
    ['SIGNING_MATERIAL', 'Qm9vdHN0cmFwS2V5MjAyNkFUb25peFNlcnZlcmxlc3M'],
    ['SESSION', FAKE.jwt],
  ])('catches a random token by its entropy: %s', async (name, value) => {
    expect(await detectSecret(name, value)).toBe(
      'a random token (high entropy)',
    );
  });

  it.each([
    ['DB_PASSWORD', 'hunter2'],
    ['STRIPE_API_KEY', 'not-so-random'],
    ['oauth_client_secret', 'abc'],
    ['SERVICE_TOKEN', 'letmein'],
    ['ADMIN_PASSWORD', '30seconds'],
  ])(
    'catches a secret-named variable with a literal value: %s',
    async (name, value) => {
      expect(await detectSecret(name, value)).toBe(
        `a secret: ${name} names a secret and has a literal value`,
      );
    },
  );

  it.each([
    // numbers: a TTL, a minimum length, a count
    ['TOKEN_REFRESH_SECONDS', '3600'],
    ['PASSWORD_MIN_CHARS', '12'],
    ['SECRET_ROTATION_RATIO', '0.5'],
    // booleans
    ['AUTH_REQUIRED', 'yes'],
    ['TOKEN_CACHE', 'disabled'],
    // durations
    ['TOKEN_TIMEOUT', '30s'],
    ['SESSION_SECRET_ROTATION', '1h30m'],
    ['PASSWORD_RESET_WINDOW', 'PT15M'],
    // quantities with a unit
    ['TOKEN_BUCKET_SIZE', '512Mi'],
    ['SECRET_CACHE_LIMIT', '10MB'],
    ['AUTH_SAMPLE_RATE', '25%'],
  ])(
    'leaves a secret-named variable with a harmless shape alone: %s=%s',
    async (name, value) => {
      expect(await detectSecret(name, value)).toBeUndefined();
    },
  );

  it.each([
    ['LOG_LEVEL', 'info'],
    ['PROVIDER_URL', 'https://api.payments.example.com/v1/charges'],
    ['GIT_SHA', '9fceb02d0ae598e95dc970b74767f19372d61af8'],
    [
      'IMAGE_DIGEST',
      'sha256:3f0c4b1a7e2d9c8b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b',
    ],
    ['REQUEST_ID', '0b7c9d3e-6f2a-4c1d-9b8e-5a4f3e2d1c0b'],
    ['DB_PASSWORD_FILE', '/var/openfaas/secrets/password'],
    ['TOKEN_URL', 'https://auth.example.com/oauth/token'],
    ['API_KEY_HEADER', 'X-Api-Key'],
    ['AUTH_ENABLED', 'true'],
    ['API_TOKEN', ''],
    ['SECRET_NAME', 'charge-card-provider'],
    ['EXPORT_BUCKET', 'atonix-reports'],
    ['EVENT_TYPE', 'com.atonix.Order.Created.v2'],
  ])('leaves an innocent %s alone', async (name, value) => {
    expect(await detectSecret(name, value)).toBeUndefined();
  });
});

describe('looksLikeSecret', () => {
  it('answers synchronously with the env-var heuristics', () => {
    expect(looksLikeSecret('DB_PASSWORD', 'hunter2')).toBe(true);
    expect(looksLikeSecret('TOKEN_TTL_SECONDS', '900')).toBe(false);
    expect(looksLikeSecret('SESSION', FAKE.jwt)).toBe(
      detectSecretByHeuristics('SESSION', FAKE.jwt) !== undefined,
    );
  });
});
