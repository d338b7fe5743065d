import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './kustomize';

/**
 * The independent decryptors the SOPS tests run: the `sops` CLI that `./run setup` builds from
 * tools/sops (the version Flux's kustomize-controller links) and Debian's `age`.
 */
const SOPS = join(REPO_ROOT, '.tools/sops/sops');
const AGE = '/usr/bin/age';

/** The committed throwaway test keys (never a real cluster's): `<cluster>-<team>.agekey`. */
export const TEST_KEYS = join(
  REPO_ROOT,
  'plugins/atonix-serverless-node/src/__fixtures__/THROWAWAY-TEST-AGE-KEYS',
);

export function testKeyFile(cluster: string, team: string) {
  return join(TEST_KEYS, `${cluster}-${team}.agekey`);
}

/** The age recipient (public key) of a throwaway test key: its file's `# public key:` line. */
export function testRecipient(cluster: string, team: string): string {
  const file = testKeyFile(cluster, team);
  const match = /^# public key: (age1\w+)$/m.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} has no "# public key: age1…" line`);
  return match[1];
}

/** The payments team's throwaway recipients on each cluster, as gitops/.sops.yaml names them. */
export const PAYMENTS_TEST_RECIPIENTS = {
  staging: testRecipient('staging', 'payments'),
  production: testRecipient('production', 'payments'),
};

function requireTool(path: string, how: string) {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing; ${how}`);
  }
  return path;
}

export interface ToolResult {
  ok: boolean;
  stdout: Buffer;
  stderr: string;
}

async function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'buffer',
    });
    return { ok: true, stdout, stderr: stderr.toString('utf8') };
  } catch (error) {
    const failed = error as { stdout?: Buffer; stderr?: Buffer };
    return {
      ok: false,
      stdout: failed.stdout ?? Buffer.alloc(0),
      stderr: failed.stderr?.toString('utf8') ?? String(error),
    };
  }
}

/** `sops --decrypt` of a file with one age identity file, as Flux decrypts (MAC checked). */
export function sopsDecrypt(
  file: string,
  identityFile: string,
  format: 'yaml' | 'json' = 'yaml',
) {
  return run(
    requireTool(SOPS, 'run ./run setup (it builds sops from tools/sops)'),
    ['--decrypt', '--input-type', format, '--output-type', format, file],
    { SOPS_AGE_KEY_FILE: identityFile },
  );
}

/** Debian's `age --decrypt` of an armored file: the raw plaintext bytes on stdout. */
export function ageDecrypt(armoredFile: string, identityFile: string) {
  return run(
    requireTool(AGE, 'install the Debian package age (./run setup does)'),
    ['--decrypt', '--identity', identityFile, armoredFile],
  );
}

/**
 * What kustomize-controller applies from a built folder: each SOPS-encrypted object decrypted with
 * the real sops CLI (MAC checked) and the age key `keyFileOf` names for it, as Flux decrypts the
 * `kustomize build` output with the key of the Kustomization's `spec.decryption`.
 */
export async function decryptLikeFlux<T extends object>(
  objects: T[],
  keyFileOf: (object: T) => string,
): Promise<T[]> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'atonix-flux-decrypt-'));
  try {
    return await Promise.all(
      objects.map(async (object, index) => {
        if (!('sops' in object)) return object;
        // JSON in and out, as kustomize-controller decrypts a built object (decryptor.go:641-653).
        const file = join(dir, `${index}.sops.json`);
        await fs.writeFile(file, JSON.stringify(object));
        const result = await sopsDecrypt(file, keyFileOf(object), 'json');
        if (!result.ok) {
          throw new Error(`sops could not decrypt ${file}: ${result.stderr}`);
        }
        return JSON.parse(result.stdout.toString('utf8')) as T;
      }),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
