import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../__testUtils__/kustomize';
import { sopsDecrypt, testKeyFile } from '../__testUtils__/sopsTools';
import {
  FLUX_RECEIVER_TOKEN_KEY,
  FLUX_RECEIVER_TOKEN_SECRET,
  writeFluxReceiverToken,
} from './fluxReceiverToken';

const REPO_GITOPS = join(REPO_ROOT, 'gitops');
const TOKEN_FILE = 'functions/payments/secrets/flux-receiver-token.sops.yaml';

describe('writeFluxReceiverToken', () => {
  let gitops: string;
  beforeEach(async () => {
    gitops = await fs.mkdtemp(join(tmpdir(), 'atonix-receiver-token-'));
    await fs.copyFile(
      join(REPO_GITOPS, '.sops.yaml'),
      join(gitops, '.sops.yaml'),
    );
  });
  afterEach(() => fs.rm(gitops, { recursive: true, force: true }));

  async function decryptedToken(cluster: string) {
    const result = await sopsDecrypt(
      join(gitops, TOKEN_FILE),
      testKeyFile(cluster, 'payments'),
    );
    expect(result.stderr).toBe('');
    return parse(result.stdout.toString()).stringData[FLUX_RECEIVER_TOKEN_KEY];
  }

  it('is the Secret and key the tenant Receiver reads', async () => {
    const receiver = parse(
      await fs.readFile(
        join(REPO_GITOPS, 'tenants/base/receiver.yaml'),
        'utf8',
      ),
    );
    expect(receiver.spec.secretRef.name).toBe(FLUX_RECEIVER_TOKEN_SECRET);
  });

  it("writes a random token SOPS-encrypted to the team's keys, which each cluster's key decrypts, and a new one when run again", async () => {
    const written = await writeFluxReceiverToken(gitops, 'payments');
    expect(written).toEqual([
      TOKEN_FILE,
      'functions/payments/secrets/kustomization.yaml',
      'functions/payments/kustomization.yaml',
    ]);
    const file = parse(await fs.readFile(join(gitops, TOKEN_FILE), 'utf8'));
    expect(file.metadata).toMatchObject({
      name: 'flux-receiver-token',
      namespace: 'payments',
    });
    expect(file.stringData.token).toMatch(/^ENC\[AES256_GCM,/);
    const token = await decryptedToken('staging');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(await decryptedToken('production')).toBe(token);

    await writeFluxReceiverToken(gitops, 'payments');
    expect(await decryptedToken('staging')).not.toBe(token);
  });
});
