import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { copyFixtureTree } from '../__testUtils__/fixtureTree';
import { CliIo, runAtonixCli } from './atonix';

const SPEC = `apiVersion: atonix.io/v1alpha1
kind: Function
name: charge-card
team: payments
image: ghcr.io/atonixcorp/charge-card:1.4.2
secretEnv:
  PROVIDER_API_KEY:
    secretName: charge-card-provider
    key: api-key
`;

// Each run builds with kustomize, and the first also starts the schema worker; both are slow
// on a busy two-core CI machine.
jest.setTimeout(60_000);

let workspace: string;

beforeEach(async () => {
  workspace = await fs.mkdtemp(join(tmpdir(), 'atonix-cli-'));
});

afterEach(async () => {
  await fs.rm(workspace, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
    cwd: workspace,
  };
  const code = await runAtonixCli(argv, io);
  return { code, stdout, stderr };
}

describe('atonix render', () => {
  it('writes the function folder and exits 0', async () => {
    await fs.writeFile(join(workspace, 'spec.yaml'), SPEC);
    const { code, stdout } = await run(
      'render',
      'spec.yaml',
      '--out',
      'gitops',
    );
    expect(code).toBe(0);
    expect(stdout).toContain(
      'wrote gitops/functions/payments/charge-card/service.yaml',
    );
    expect(
      await fs.readFile(
        join(workspace, 'gitops/functions/payments/kustomization.yaml'),
        'utf8',
      ),
    ).toContain('- charge-card');
  });

  it('refuses a spec that breaks a rule, writes nothing and exits 1', async () => {
    await fs.writeFile(
      join(workspace, 'spec.yaml'),
      `${SPEC}env:\n  - name: DB_PASSWORD\n    value: hunter2\n`,
    );
    const { code, stderr } = await run('render', 'spec.yaml');
    expect(code).toBe(1);
    expect(stderr).toContain(
      'spec.yaml:12: hardcoded-secret: DB_PASSWORD looks like a secret',
    );
    expect(await fs.readdir(workspace)).toEqual(['spec.yaml']);
  });

  it('reports an invalid spec with the field and line, exits 1', async () => {
    await fs.writeFile(
      join(workspace, 'spec.yaml'),
      SPEC.replace('team: payments', 'team: kube-system'),
    );
    const { code, stderr } = await run('render', 'spec.yaml');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^spec\.yaml:4: schema: team: team "kube-system" is reserved/,
    );
  });

  it('exits 2 when the spec cannot be read or the command is wrong', async () => {
    expect((await run('render', 'missing.yaml')).code).toBe(2);
    expect((await run('render')).code).toBe(2);
    expect((await run('deploy')).code).toBe(2);
    expect((await run('validate', '--format', 'xml')).code).toBe(2);
    expect((await run('validate', 'no-such-folder')).code).toBe(2);
  });
});

describe('atonix validate', () => {
  it('exits 0 on a clean tree', async () => {
    await copyFixtureTree(join(workspace, 'gitops'));
    const { code, stderr } = await run('validate');
    expect(code).toBe(0);
    expect(stderr).toBe('gitops: no violations\n');
  });

  it('prints path:line: rule: message and exits 1 on violations', async () => {
    await copyFixtureTree(join(workspace, 'gitops'), 'max-scale');
    const text = await run('validate', 'gitops');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^gitops\/functions\/payments\/hello\/service\.yaml:\d+: max-scale: maxScale is 80/,
    );
    const changed = await run(
      'validate',
      'gitops',
      '--changed',
      'gitops/functions/payments/hello/service.yaml',
    );
    expect(changed.code).toBe(1);
    expect(changed.stdout).toBe(text.stdout);
    const json = await run('validate', 'gitops', '--format', 'json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        file: 'gitops/functions/payments/hello/service.yaml',
        line: expect.any(Number),
        rule: 'max-scale',
        message: expect.stringContaining('maxScale is 80'),
      },
    ]);
  });
});

describe('bin/atonix', () => {
  it('runs from the repository root as `yarn atonix` does, with its exit code', async () => {
    await copyFixtureTree(join(workspace, 'gitops'), 'scale-to-zero');
    const bin = resolve(__dirname, '../../bin/atonix');
    const failure = await promisify(execFile)(
      process.execPath,
      [bin, 'validate'],
      {
        cwd: workspace,
      },
    ).catch(error => error);
    expect(failure.code).toBe(1);
    expect(failure.stdout).toContain('scale-to-zero: minScale is 2');
  });
});
