import { parseFunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFunctionFolder } from '../render/writeFunctionFolder';
import {
  copyFixtureTree,
  writeKustomization,
} from '../__testUtils__/fixtureTree';
import { validateGitopsTree } from './validateGitopsTree';

// Several full and incremental runs, each building with kustomize.
jest.setTimeout(120_000);

let workspace: string;
let tree: string;
let kustomize: string;
let buildLog: string;

/**
 * The valid fixture with a second team (analytics, one function), and a kustomize wrapper that
 * records which folders get built.
 */
beforeAll(async () => {
  workspace = await fs.mkdtemp(join(tmpdir(), 'atonix-incremental-'));
  tree = await copyFixtureTree(join(workspace, 'gitops'));
  const tenant = await fs.readFile(join(tree, 'tenants/payments.yaml'), 'utf8');
  await fs.writeFile(
    join(tree, 'tenants/analytics.yaml'),
    tenant.replace(/payments/g, 'analytics'),
  );
  await writeKustomization(join(tree, 'tenants'), [
    'payments.yaml',
    'analytics.yaml',
  ]);
  const parsed = parseFunctionSpec({
    name: 'report',
    team: 'analytics',
    image: `ghcr.io/atonixcorp/report:${'ab12'.repeat(10)}`,
    env: [{ name: 'LOG_LEVEL', value: 'info' }],
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  await writeFunctionFolder(tree, parsed.spec);

  buildLog = join(workspace, 'builds.log');
  kustomize = join(workspace, 'kustomize');
  await fs.writeFile(
    kustomize,
    `#!/bin/sh\necho "$2" >> '${buildLog}'\nexec kustomize "$@"\n`,
    { mode: 0o755 },
  );
});

afterAll(async () => {
  await fs.rm(workspace, { recursive: true, force: true });
});

async function edit(file: string, from: string, to: string) {
  const path = join(tree, file);
  const text = await fs.readFile(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
  await fs.writeFile(path, text.replace(from, to));
  return path;
}

/** The verdicts of a full run and of an incremental run given `changedFiles`. */
async function fullAndIncremental(changedFiles: string[]) {
  return {
    full: await validateGitopsTree(tree, { kustomize }),
    incremental: await validateGitopsTree(tree, { kustomize, changedFiles }),
  };
}

/** The folders an incremental run given `changedFiles` builds. */
async function foldersBuiltFor(changedFiles: string[]) {
  await fs.rm(buildLog, { force: true });
  await validateGitopsTree(tree, { kustomize, changedFiles });
  return (await fs.readFile(buildLog, 'utf8'))
    .trim()
    .split('\n')
    .map(folder => folder.replace(`${tree}/`, ''))
    .sort();
}

describe('validateGitopsTree with changedFiles (incremental mode)', () => {
  it("answers a change to one function with the full run's verdicts on its folder, building only its team's Flux path", async () => {
    // A problem that already exists in the other team's folder, untouched by the change.
    await edit(
      'functions/payments/hello/service.yaml',
      'value: hello',
      'value: hunter2hunter2\n            - name: DB_PASSWORD\n              value: hunter2',
    );
    const changed = [
      await edit(
        'functions/analytics/report/service.yaml',
        `report:${'ab12'.repeat(10)}`,
        'report:latest',
      ),
      await edit(
        'functions/analytics/report/service.yaml',
        "autoscaling.knative.dev/max-scale: '50'",
        "autoscaling.knative.dev/max-scale: '0'",
      ),
    ];

    const { full, incremental } = await fullAndIncremental(changed);
    const report = join(tree, 'functions/analytics/report');
    expect(full.map(v => v.rule).sort()).toEqual([
      'hardcoded-secret',
      'image-tag',
      'knative-webhook',
    ]);
    expect(incremental).toEqual(
      full.filter(v => v.file.startsWith(`${report}/`)),
    );
    expect(incremental.map(v => v.rule).sort()).toEqual([
      'image-tag',
      'knative-webhook',
    ]);

    expect(await foldersBuiltFor(changed)).toEqual([
      'clusters/test',
      'functions/analytics',
      'tenants',
    ]);
  });

  it("reports a broken build of the changed function's team, as a full run does", async () => {
    const changed = [
      await edit(
        'functions/analytics/report/kustomization.yaml',
        '  - service.yaml',
        '  - service.yaml\n  - missing.yaml',
      ),
    ];
    const { full, incremental } = await fullAndIncremental(changed);
    expect(incremental.map(v => v.rule)).toEqual(['kustomize-build']);
    expect(incremental).toEqual(full.filter(v => v.rule === 'kustomize-build'));
    await edit(
      'functions/analytics/report/kustomization.yaml',
      '  - service.yaml\n  - missing.yaml',
      '  - service.yaml',
    );
  });

  it('validates the whole tree when a change lies outside the teams’ folders', async () => {
    const changed = [
      await edit('tenants/analytics.yaml', 'interval: 5m', 'interval: 10m'),
    ];
    const { full, incremental } = await fullAndIncremental(changed);
    expect(incremental).toEqual(full);
    expect(await foldersBuiltFor(changed)).toContain('functions/payments');
  });
});
