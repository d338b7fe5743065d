import { detectSecret, detectTokenShape, looksLikeSecret } from './secrets';

describe('looksLikeSecret', () => {
  it.each([
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['GH', `ghp_${'a1B2c3D4e5'.repeat(4)}`, 'a GitHub token'],
    ['CI_TOKEN_X', `github_pat_11ABCDEFG0_${'x'.repeat(40)}`, 'a GitHub token'],
    ['SLACK_HOOK', 'xoxb-123456789012-abcdefghijkl', 'a Slack token'],
    [
      'SESSION',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'a JSON Web Token',
    ],
    [
      'TLS_KEY_PEM',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----',
      'a private key',
    ],
    [
      'DATABASE_URL',
      'postgres://app:s3cr3t@db.payments:5432/app',
      'a URL with a password',
    ],
    [
      'SIGNING_MATERIAL',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'a random token (high entropy)',
    ],
  ])('catches %s holding %s', (name, value, reason) => {
    expect(detectSecret(name, value)).toBe(reason);
  });

  it.each([
    ['DB_PASSWORD', 'hunter2'],
    ['STRIPE_API_KEY', 'not-so-random'],
    ['oauth_client_secret', 'abc'],
    ['SERVICE_TOKEN', 'letmein'],
  ])(
    'catches a secret-named variable with a literal value: %s',
    (name, value) => {
      expect(detectSecret(name, value)).toBe(
        `a secret: ${name} names a secret and has a literal value`,
      );
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
  ])('leaves an innocent %s alone', (name, value) => {
    expect(looksLikeSecret(name, value)).toBe(false);
  });
});

describe('detectTokenShape', () => {
  it('finds a credential inside any text, by shape only', () => {
    expect(detectTokenShape('url: https://ci:hunter2@git.example.com/x')).toBe(
      'a URL with a password',
    );
    expect(detectTokenShape('hunter2')).toBeUndefined();
    expect(
      detectTokenShape(
        '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----',
      ),
    ).toBeUndefined();
  });
});
