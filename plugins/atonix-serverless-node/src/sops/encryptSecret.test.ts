import { createDecipheriv } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kustomize } from '../__testUtils__/kustomize';
import {
  ageDecrypt,
  decryptLikeFlux,
  sopsDecrypt,
  PAYMENTS_TEST_RECIPIENTS,
  testKeyFile,
} from '../__testUtils__/sopsTools';
import { encryptSecret } from './encryptSecret';

const { staging: PAYMENTS_STAGING, production: PAYMENTS_PRODUCTION } =
  PAYMENTS_TEST_RECIPIENTS;

const secret = {
  name: 'charge-card-provider',
  namespace: 'payments',
  labels: { 'atonix.io/team': 'payments' },
  values: {
    'api-key': 'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    'webhook-secret':
      'whsec: with spaces, colons: and "quotes"\nand a second line',
    retries: '3',
    enabled: 'true',
  },
};

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'atonix-sops-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

async function writeEncrypted(text: string, name = 'secret.sops.yaml') {
  const file = join(dir, name);
  await fs.writeFile(file, text);
  return file;
}

describe('encryptSecret', () => {
  it('writes a file the real sops CLI decrypts, MAC checked, with each recipient', async () => {
    const file = await writeEncrypted(
      await encryptSecret(secret, {
        age: [PAYMENTS_STAGING, PAYMENTS_PRODUCTION],
      }),
    );
    for (const cluster of ['staging', 'production']) {
      const result = await sopsDecrypt(file, testKeyFile(cluster, 'payments'));
      expect(result.stderr).toBe('');
      expect(parse(result.stdout.toString('utf8'))).toEqual({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'charge-card-provider',
          namespace: 'payments',
          labels: { 'atonix.io/team': 'payments' },
        },
        type: 'Opaque',
        stringData: secret.values,
      });
    }
  });

  it('writes the Secret type it is given, e.g. an image-pull Secret, and sops still decrypts it', async () => {
    const dockerConfig = JSON.stringify({
      auths: { 'ghcr.io': { auth: 'dXNlcjpnaHBfdGhyb3dhd2F5' } },
    });
    const file = await writeEncrypted(
      await encryptSecret(
        {
          name: 'ghcr-pull',
          namespace: 'payments',
          type: 'kubernetes.io/dockerconfigjson',
          values: { '.dockerconfigjson': dockerConfig },
        },
        { age: [PAYMENTS_STAGING] },
      ),
    );
    const result = await sopsDecrypt(file, testKeyFile('staging', 'payments'));
    expect(result.stderr).toBe('');
    expect(parse(result.stdout.toString('utf8'))).toMatchObject({
      type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': dockerConfig },
    });
  });

  it("is not readable with another team's key", async () => {
    const file = await writeEncrypted(
      await encryptSecret(secret, { age: [PAYMENTS_STAGING] }),
    );
    const result = await sopsDecrypt(file, testKeyFile('staging', 'analytics'));
    expect(result.ok).toBe(false);
    expect(result.stdout.toString('utf8')).not.toContain('sk_test');
  });

  it('encrypts only the values, with no plaintext value left in the file', async () => {
    const text = await encryptSecret(secret, { age: [PAYMENTS_STAGING] });
    expect(text).not.toContain('sk_test_4eC39HqLyjWDarjtT1zdp7dc');
    expect(text).not.toContain('with spaces');
    const file = parse(text);
    expect(file.metadata.name).toBe('charge-card-provider');
    expect(file.stringData['api-key']).toMatch(
      /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]+,iv:[A-Za-z0-9+/=]{44},tag:[A-Za-z0-9+/=]{24},type:str\]$/,
    );
    expect(file.sops).toMatchObject({
      encrypted_regex: '^(data|stringData)$',
      age: [{ recipient: PAYMENTS_STAGING }],
    });
  });

  it('gives Debian age a data key that opens each value under its own path only', async () => {
    const text = await encryptSecret(secret, { age: [PAYMENTS_STAGING] });
    const file = parse(text);
    const armored = await writeEncrypted(file.sops.age[0].enc, 'datakey.age');
    const {
      ok,
      stdout: dataKey,
      stderr,
    } = await ageDecrypt(armored, testKeyFile('staging', 'payments'));
    expect(stderr).toBe('');
    expect(ok).toBe(true);
    expect(dataKey).toHaveLength(32);
    const [, data, iv, tag] = /data:(.+),iv:(.+),tag:(.+),type/.exec(
      file.stringData['api-key'],
    )!;
    const open = (aad: string) => {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        dataKey,
        Buffer.from(iv, 'base64'),
      );
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(data, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    };
    expect(open('stringData:api-key:')).toBe(secret.values['api-key']);
    expect(() => open('stringData:retries:')).toThrow();
  });

  it('is rejected by sops when an encrypted value is tampered with', async () => {
    const text = await encryptSecret(secret, { age: [PAYMENTS_STAGING] });
    const file = parse(text);
    const value: string = file.stringData['api-key'];
    const flipped = value.replace(
      /data:(.)/,
      (_, c) => `data:${c === 'A' ? 'B' : 'A'}`,
    );
    const tampered = await writeEncrypted(text.replace(value, flipped));
    const result = await sopsDecrypt(
      tampered,
      testKeyFile('staging', 'payments'),
    );
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/decrypt|MAC/i);
  });

  it('is rejected by sops when a clear-text field covered by the MAC changes', async () => {
    const text = await encryptSecret(secret, { age: [PAYMENTS_STAGING] });
    const tampered = await writeEncrypted(
      text.replace('namespace: payments', 'namespace: analytics'),
    );
    const result = await sopsDecrypt(
      tampered,
      testKeyFile('staging', 'payments'),
    );
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('MAC mismatch');
  });

  it('still decrypts after kustomize build has reordered it, as Flux decrypts it', async () => {
    await writeEncrypted(
      await encryptSecret(secret, { age: [PAYMENTS_STAGING] }),
    );
    await fs.writeFile(
      join(dir, 'kustomization.yaml'),
      'resources: [secret.sops.yaml]\n',
    );
    const [decrypted] = await decryptLikeFlux(await kustomize(dir), () =>
      testKeyFile('staging', 'payments'),
    );
    expect(decrypted).toMatchObject({ stringData: secret.values });
    expect(decrypted).not.toHaveProperty('sops');
  });

  it('refuses a key Kubernetes would not accept in a Secret', async () => {
    await expect(
      encryptSecret(
        { name: 'x', values: { 'api key': 'v' } },
        { age: [PAYMENTS_STAGING] },
      ),
    ).rejects.toThrow(
      `Secret x: key "api key" is not a valid Secret key; use letters, digits, '-', '_' and '.', not only digits`,
    );
  });

  it('refuses to write a Secret nobody could decrypt', async () => {
    await expect(encryptSecret(secret, { age: [] })).rejects.toThrow(
      "no age recipient to encrypt Secret charge-card-provider to; add the team's public keys to gitops/.sops.yaml",
    );
  });
});
