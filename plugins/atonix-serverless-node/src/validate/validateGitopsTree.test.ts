import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseFunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { RULE_IDS } from '../policy/rules';
import { writeFunctionFolder } from '../render/writeFunctionFolder';
import {
  FIXTURES,
  copyFixtureTree,
  writeKustomization,
} from '../__testUtils__/fixtureTree';
import { REPO_ROOT } from '../__testUtils__/kustomize';
import { PAYMENTS_TEST_RECIPIENTS } from '../__testUtils__/sopsTools';
import { encryptSecret } from '../sops/encryptSecret';
import { writeTeamSecret } from '../sops/writeTeamSecret';
import { validateGitopsTree } from './validateGitopsTree';

const REPOSITORY_GITOPS = join(REPO_ROOT, 'gitops');
/** The fixture team's recipient in valid/.sops.yaml: a throwaway test key. */
const FIXTURE_RECIPIENT = PAYMENTS_TEST_RECIPIENTS.staging;

// Each run builds with kustomize, and the first also starts the schema worker; both are slow
// on a busy two-core CI machine.
jest.setTimeout(60_000);

let workspace: string;

beforeAll(async () => {
  workspace = await fs.mkdtemp(join(tmpdir(), 'atonix-validate-'));
});

afterAll(async () => {
  await fs.rm(workspace, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  promisify(execFile)(
    'git',
    ['-c', 'user.name=test', '-c', 'user.email=test@atonix.invalid', ...args],
    { cwd },
  );

/**
 * The valid fixture tree, committed to a fresh git repository (the rules on revision names read a
 * function's git history), with the broken files of `rule` laid over it uncommitted, as a change
 * under review.
 */
async function brokenTree(rule: string): Promise<string> {
  const tree = await copyFixtureTree(
    await fs.mkdtemp(join(workspace, `${rule}-`)),
  );
  await git(tree, 'init', '--quiet');
  await git(tree, 'add', '.');
  await git(tree, 'commit', '--quiet', '-m', 'valid tree');
  await fs.cp(join(FIXTURES, 'broken', rule), tree, { recursive: true });
  return tree;
}

/** A SOPS Secret encrypted to the fixture team's recipient, in the hello function's folder. */
async function writeSopsSecretBesideHello(tree: string) {
  await fs.writeFile(
    join(tree, 'functions/payments/hello/secret.yaml'),
    await encryptSecret(
      {
        name: 'hello-extra',
        namespace: 'payments',
        values: { token: 'value' },
      },
      { age: [FIXTURE_RECIPIENT] },
    ),
  );
}

describe('validateGitopsTree', () => {
  it("passes the repository's own gitops/ tree", async () => {
    expect(await validateGitopsTree(REPOSITORY_GITOPS)).toEqual([]);
  });

  it("refuses a team's Flux Receiver whose token Secret is not committed SOPS-encrypted in the team's folder", async () => {
    const repository = await fs.mkdtemp(join(workspace, 'receiver-token-'));
    // Flux paths are relative to the repository root, where this tree is gitops/.
    const tree = join(repository, 'gitops');
    await fs.cp(REPOSITORY_GITOPS, tree, { recursive: true });
    const secrets = join(tree, 'functions/payments/secrets');
    await fs.rm(join(secrets, 'flux-receiver-token.sops.yaml'));
    const kustomization = join(secrets, 'kustomization.yaml');
    await fs.writeFile(
      kustomization,
      (
        await fs.readFile(kustomization, 'utf8')
      ).replace('  - flux-receiver-token.sops.yaml\n', ''),
    );
    await git(repository, 'init', '--quiet');
    await git(repository, 'add', '.');
    await git(
      repository,
      'commit',
      '--quiet',
      '-m',
      'no receiver token for payments',
    );

    const violations = await validateGitopsTree(tree);
    expect(violations).toEqual([
      expect.objectContaining({
        file: join(tree, 'tenants/base/receiver.yaml'),
        rule: 'secret-ref',
        message: expect.stringMatching(
          /^Receiver payments\/functions reads its token from Secret flux-receiver-token, which functions\/payments does not provide at all, so the Receiver never becomes Ready and "Sync now" fails; commit it SOPS-encrypted as functions\/payments\/secrets\/flux-receiver-token.sops.yaml/,
        ),
      }),
    ]);
  });

  it('passes the smallest complete tree', async () => {
    expect(await validateGitopsTree(join(FIXTURES, 'valid'))).toEqual([]);
  });

  it('passes every kind the renderers write, Kafka source included', async () => {
    const tree = await copyFixtureTree(join(workspace, 'rendered'));
    const result = parseFunctionSpec({
      name: 'order-facts',
      team: 'payments',
      image:
        'ghcr.io/atonixcorp/order-facts@sha256:4f2a9c1d7e3b8a6f5c0d9e2b1a7f3c8d6e5b4a90000000000000000000000000',
      critical: true,
      scaling: {
        class: 'hpa',
        metric: 'custom',
        minScale: 1,
        query: 'sum by (namespace, pod) (kafka_lag{namespace="payments"})',
      },
      trigger: {
        type: 'cloudevents',
        filters: { type: 'com.atonix.order.created' },
        source: {
          type: 'kafka',
          bootstrapServers: ['kafka.events:9092'],
          topics: ['orders'],
        },
      },
      secretEnv: { WAREHOUSE_TOKEN: { secretName: 'facts', key: 'token' } },
    });
    if (!result.success) throw new Error(JSON.stringify(result.issues));
    await writeFunctionFolder(tree, result.spec);
    await writeTeamSecret(tree, 'payments', {
      name: 'facts',
      values: { token: 'fixture-value' },
    });
    expect(await validateGitopsTree(tree)).toEqual([]);
  });

  it('reports a Service whose allowed-callers annotation was not rendered from function.yaml, at its allowedCallers', async () => {
    const tree = await brokenTree('allowed-callers');
    const file = join(tree, 'functions/payments/hello/function.yaml');
    const line =
      (await fs.readFile(file, 'utf8'))
        .split('\n')
        .findIndex(text => text.trim() === '- analytcs') + 1;
    expect(await validateGitopsTree(tree)).toContainEqual({
      file,
      line,
      rule: 'allowed-callers',
      message:
        "Knative Service hello has atonix.io/allowed-callers: (none) but allowedCallers is [analytcs]; the gateway's authorizer reads the Service, so run yarn atonix render to write it from function.yaml",
    });
  });

  it('has a broken tree for every rule', async () => {
    expect((await fs.readdir(join(FIXTURES, 'broken'))).sort()).toEqual(
      [...RULE_IDS].sort(),
    );
  });

  it.each([...RULE_IDS])(
    'reports the broken tree for %s with exactly that rule',
    async rule => {
      const tree = await brokenTree(rule);
      const violations = await validateGitopsTree(tree);
      expect(violations.length).toBeGreaterThan(0);
      expect(new Set(violations.map(v => v.rule))).toEqual(new Set([rule]));
      for (const violation of violations) {
        expect(violation.file.startsWith(tree)).toBe(true);
        expect(violation.line).toBeGreaterThanOrEqual(1);
      }
    },
  );

  it("reports a rule promtool refuses with promtool's reason, at that rule", async () => {
    const tree = await brokenTree('prometheus-rule');
    expect(await validateGitopsTree(tree)).toEqual([
      {
        file: join(tree, 'functions/payments/hello/alerts.yaml'),
        line: 61,
        rule: 'prometheus-rule',
        message: expect.stringMatching(
          /^PrometheusRule hello-alerts fails promtool check rules: group "payments-hello-objectives", rule 4, "FunctionColdStartObjective": could not parse expression: .*; fix the rule/,
        ),
      },
    ]);
  });

  it('refuses an alert labelled with another team, naming the label to set', async () => {
    const tree = await brokenTree('function-alerts');
    const [violation] = await validateGitopsTree(tree);
    expect(violation.message).toBe(
      "alert FunctionErrorBudgetFastBurn in PrometheusRule hello-alerts is labelled team: analytics but belongs to team payments; set labels.team: payments so it reaches the team's receiver",
    );
  });

  it('routes traffic back to a revision committed earlier, which git can rebuild', async () => {
    const tree = await brokenTree('revision-history');
    const file = join(tree, 'functions/payments/hello/function.yaml');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('hello-v0', 'hello-v1'));
    expect(await validateGitopsTree(tree)).toEqual([]);
  });

  it('names the revisions git knows when a target is not one of them', async () => {
    const tree = await brokenTree('revision-history');
    const [violation] = await validateGitopsTree(tree);
    expect(violation).toMatchObject({
      rule: 'revision-history',
      file: join(tree, 'functions/payments/hello/function.yaml'),
      message: expect.stringContaining(
        "revision hello-v0 is neither this spec's revisionName nor one committed before in this function.yaml (known: hello-v1, hello-v2)",
      ),
    });
  });

  it('asks for a new revision name when the template changes under the old one', async () => {
    const tree = await brokenTree('revision-name');
    const violations = await validateGitopsTree(tree);
    expect(violations).toEqual([
      expect.objectContaining({
        rule: 'revision-name',
        message: expect.stringContaining(
          'the revision template changed but revisionName is still hello-v1, and Knative refuses that update; give this change a new revision name, e.g. hello-v2',
        ),
      }),
    ]);
    // Committed, the change is still one Knative would refuse against the version before it.
    await git(tree, 'commit', '--quiet', '-am', 'new image, same name');
    expect(await validateGitopsTree(tree)).toEqual(violations);
  });

  it('points at the line of the offending field in the source file', async () => {
    const tree = await brokenTree('schema');
    const [violation] = await validateGitopsTree(tree);
    const lines = (
      await fs.readFile(
        join(tree, 'functions/payments/hello/service.yaml'),
        'utf8',
      )
    ).split('\n');
    expect(violation.file).toBe(
      join(tree, 'functions/payments/hello/service.yaml'),
    );
    expect(lines[violation.line - 1]).toContain('protocoll: TCP');
    expect(violation.message).toBe(
      'spec.template.spec.containers[0].ports[0].protocoll is not a field of serving.knative.dev/v1 Service; remove it or fix its spelling',
    );
  });

  it('accepts a SOPS-encrypted Secret but not a plain one', async () => {
    const tree = await brokenTree('plaintext-secret');
    await writeSopsSecretBesideHello(tree);
    expect(await validateGitopsTree(tree)).toEqual([]);
  });

  it('accepts a secretEnv reference to an ExternalSecret of the team, not to a missing key', async () => {
    const tree = await brokenTree('secret-ref');
    await writeKustomization(join(tree, 'functions/payments/secrets'), [
      'external.yaml',
    ]);
    const external = (secretKey: string) =>
      [
        'apiVersion: external-secrets.io/v1',
        'kind: ExternalSecret',
        'metadata:',
        '  name: hello',
        '  namespace: payments',
        'spec:',
        '  secretStoreRef: { kind: SecretStore, name: vault }',
        '  data:',
        `    - secretKey: ${secretKey}`,
        '      remoteRef: { key: payments/hello, property: token }',
        '',
      ].join('\n');
    const file = join(tree, 'functions/payments/secrets/external.yaml');
    // No ExternalSecret schema is packaged (rule schema says so); this is about secret-ref.
    const secretRefs = async () =>
      (await validateGitopsTree(tree)).filter(v => v.rule !== 'schema');
    await fs.writeFile(file, external('token'));
    expect(await secretRefs()).toEqual([]);

    await fs.writeFile(file, external('api-token'));
    expect(await secretRefs()).toEqual([
      expect.objectContaining({
        rule: 'secret-ref',
        file: join(tree, 'functions/payments/hello/function.yaml'),
        message:
          'API_TOKEN reads key token of Secret hello, which has only api-token; fix the key or add it to the Secret',
      }),
    ]);
  });

  it('refuses a SOPS file no creation rule of .sops.yaml covers', async () => {
    const tree = await brokenTree('plaintext-secret');
    await fs.writeFile(join(tree, '.sops.yaml'), 'creation_rules: []\n');
    await writeSopsSecretBesideHello(tree);
    const violations = await validateGitopsTree(tree);
    expect(violations.map(v => v.rule)).toEqual([
      'sops-recipients',
      'sops-recipients',
    ]);
    expect(violations[0].message).toContain(
      'names no age recipients for its path, so no cluster is known to decrypt it',
    );
  });

  it('reports a namespace no Kustomization creates before it is used', async () => {
    const tree = await copyFixtureTree(
      join(workspace, 'namespace-not-created'),
    );
    await writeKustomization(join(tree, 'tenants'), [
      'payments.yaml',
      'dashboards.yaml',
    ]);
    await fs.writeFile(
      join(tree, 'tenants/dashboards.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\n  namespace: monitoring\n',
    );
    expect(await validateGitopsTree(tree)).toEqual([
      {
        file: join(tree, 'tenants/dashboards.yaml'),
        line: 5,
        rule: 'flux-ref',
        message: expect.stringContaining(
          'ConfigMap dashboards goes into namespace monitoring, which no Kustomization applied before tenants creates',
        ),
      },
    ]);
  });

  it('checks function.yaml against the model and the platform rules', async () => {
    const tree = await brokenTree('max-scale');
    const specFile = join(tree, 'functions/payments/hello/function.yaml');
    const spec = await fs.readFile(specFile, 'utf8');
    await fs.writeFile(
      specFile,
      spec
        .replace('maxScale: 50', 'maxScale: 60')
        .replace('revisionName: hello-v1', 'revisionName: hello-v2'),
    );
    const violations = await validateGitopsTree(tree);
    expect(violations.filter(v => v.file === specFile)).toEqual([
      expect.objectContaining({ rule: 'max-scale' }),
    ]);
  });

  it('says so when a tree has nothing for Flux to apply, or an unreadable Kustomization', async () => {
    const empty = join(workspace, 'empty');
    await fs.mkdir(empty);
    expect(await validateGitopsTree(empty)).toEqual([
      expect.objectContaining({ rule: 'flux-ref', line: 1 }),
    ]);

    const tree = await copyFixtureTree(join(workspace, 'unreadable'));
    const sync = join(tree, 'clusters/test/flux-system/gotk-sync.yaml');
    await fs.appendFile(sync, '  wait: [true\n');
    expect(await validateGitopsTree(tree)).toContainEqual(
      expect.objectContaining({ file: sync, rule: 'schema' }),
    );
  });

  it("keeps a team's Flux sync inside the team's namespace", async () => {
    const tree = await copyFixtureTree(join(workspace, 'tenant-escape'));
    const tenant = join(tree, 'tenants/payments.yaml');
    const text = await fs.readFile(tenant, 'utf8');
    await fs.writeFile(
      tenant,
      text.replace('  serviceAccountName: flux-tenant\n', ''),
    );
    expect(await validateGitopsTree(tree)).toEqual([
      expect.objectContaining({
        file: tenant,
        rule: 'team-namespace',
        message: expect.stringContaining(
          'applies the functions of team payments',
        ),
      }),
    ]);
  });

  it('finds credentials anywhere in an object, not only in env vars', async () => {
    const tree = await brokenTree('plaintext-secret');
    const file = join(tree, 'functions/payments/hello/secret.yaml');
    await fs.writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: hello',
        '  namespace: payments',
        'data:',
        '  secretName: hello-credentials',
        '  notify.yaml: |',
        '    webhook: https://hooks.example.com',
        '    token: xoxb-123456789012-abcdefghijkl',
        '',
      ].join('\n'),
    );
    expect(await validateGitopsTree(tree)).toEqual([
      {
        file,
        line: 8,
        rule: 'hardcoded-secret',
        message:
          'data["notify.yaml"] contains a known credential (slack token); move it to a Secret (SOPS, SealedSecret or ExternalSecret) and reference it',
      },
    ]);
  });

  it('reports a kind it has no schema for instead of passing it', async () => {
    const tree = await brokenTree('plaintext-secret');
    await fs.writeFile(
      join(tree, 'functions/payments/hello/secret.yaml'),
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: hello\n  namespace: payments\n',
    );
    const violations = await validateGitopsTree(tree);
    expect(violations).toEqual([
      expect.objectContaining({
        rule: 'schema',
        message: expect.stringContaining(
          'no schema is known for example.com/v1 Widget',
        ),
      }),
    ]);
  });

  it('asks for explicit autoscaling and shows the lines to add', async () => {
    const tree = await copyFixtureTree(join(workspace, 'implicit-autoscaling'));
    const file = join(tree, 'functions/payments/hello/service.yaml');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(
      file,
      text
        .replace('        autoscaling.knative.dev/metric: rps\n', '')
        .replace("        autoscaling.knative.dev/target: '100'\n", ''),
    );
    expect(await validateGitopsTree(tree)).toEqual([
      {
        file,
        line: 23, // the first annotation: the lines go beside it
        rule: 'autoscaling',
        message: expect.stringContaining(
          "leaves metric, target to the cluster's defaults; autoscaling must be explicit: add under spec.template.metadata.annotations autoscaling.knative.dev/metric: 'rps', autoscaling.knative.dev/target: '100'",
        ),
      },
    ]);
  });

  it('says that tenants may not define Flux objects, rather than that a source is missing', async () => {
    const tree = await brokenTree('tenant-isolation');
    const violations = await validateGitopsTree(tree);
    expect(violations.map(v => [v.line, v.rule])).toEqual([
      [2, 'tenant-isolation'],
      [13, 'tenant-isolation'],
    ]);
    for (const violation of violations) {
      expect(violation.message).toContain(
        'tenants may not define Flux objects',
      );
    }
  });

  it('refuses a team named after a namespace the platform creates', async () => {
    const tree = await copyFixtureTree(join(workspace, 'platform-team'));
    await fs.writeFile(
      join(tree, 'clusters/test/platform.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n',
    );
    await writeKustomization(join(tree, 'clusters/test'), [
      'flux-system',
      'tenants.yaml',
      'platform.yaml',
    ]);
    const violations = await validateGitopsTree(tree);
    expect(violations.map(v => v.rule)).toEqual([
      'tenant-isolation',
      'tenant-isolation',
    ]);
    expect(violations[0].message).toContain(
      'team payments is a platform namespace',
    );
  });

  it("applies another project's repository only at a pinned release, and does not look for its path here", async () => {
    const tree = await copyFixtureTree(join(workspace, 'upstream'));
    const upstream = (ref: string) =>
      [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: GitRepository',
        'metadata:',
        '  name: operator',
        '  namespace: flux-system',
        'spec:',
        '  interval: 12h',
        '  url: https://example.com/upstream/operator',
        `  ref: { ${ref} }`,
        '---',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'metadata:',
        '  name: operator',
        '  namespace: flux-system',
        'spec:',
        '  interval: 1h',
        '  timeout: 5m',
        '  serviceAccountName: kustomize-controller',
        '  sourceRef: { kind: GitRepository, name: operator }',
        '  path: ./config/installation',
        '  prune: true',
        '  wait: true',
        '',
      ].join('\n');
    await writeKustomization(join(tree, 'clusters/test'), [
      'flux-system',
      'tenants.yaml',
      'operator.yaml',
    ]);

    await fs.writeFile(
      join(tree, 'clusters/test/operator.yaml'),
      upstream('tag: v2.22.3'),
    );
    expect(await validateGitopsTree(tree)).toEqual([]);

    await fs.writeFile(
      join(tree, 'clusters/test/operator.yaml'),
      upstream('branch: main'),
    );
    const violations = await validateGitopsTree(tree);
    expect(violations.map(v => [v.file, v.line, v.rule])).toEqual([
      [expect.stringContaining('clusters/test/operator.yaml'), 9, 'flux-ref'],
    ]);
    expect(violations[0].message).toContain('at branch main; pin a release');
  });
});
