import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
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
export function sopsDecrypt(file: string, identityFile: string) {
  return run(
    requireTool(SOPS, 'run ./run setup (it builds sops from tools/sops)'),
    ['--decrypt', '--input-type', 'yaml', '--output-type', 'yaml', file],
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
