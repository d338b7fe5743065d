/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectRejected"] }] */
import { mockWorkspace, refusalOf } from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { paymentsMemberTeams } from '../__testUtils__/teams';
import { createFunctionManifestsAction } from './functionManifests';
import { ClusterRuntimes } from '@internal/backstage-plugin-atonix-serverless-node';

const TEAM_KUSTOMIZATION =
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - existing-fn\n';

const baseSpec = {
  name: 'charge-card',
  team: 'group:default/payments',
  image: 'ghcr.io/atonixcorp/charge-card:latest',
  trigger: { type: 'http' },
};

describe('atonix:function:manifests', () => {
  let workspace: ReturnType<typeof mockWorkspace>;

  beforeEach(() => {
    workspace = mockWorkspace({
      content: {
        'gitops-repo/gitops/functions/payments': {
          'kustomization.yaml': TEAM_KUSTOMIZATION,
          'existing-fn/function.yaml': 'kind: Function\n',
        },
        'gitops-repo/gitops/clusters/staging/tenants.yaml':
          'kind: Kustomization\n',
        'gitops-repo/gitops/clusters/production/tenants.yaml':
          'kind: Kustomization\n',
      },
    });
  });

  async function run(
    spec: JsonObject,
    options: {
      repoPath?: string;
      isDryRun?: boolean;
      restrictToOwnTeams?: boolean;
      /** `atonix.clusters.<cluster>.runtimes`; none: what gitops/ installs. */
      runtimes?: Record<string, string[]>;
    } = {},
  ) {
    const clusters = Object.fromEntries(
      Object.entries(options.runtimes ?? {}).map(([c, runtimes]) => [
        c,
        { runtimes },
      ]),
    );
    const action = createFunctionManifestsAction({
      teams: paymentsMemberTeams(options),
      clusterRuntimes: ClusterRuntimes.fromConfig(
        new ConfigReader({ atonix: { clusters } }),
      ),
    });
    const ctx = {
      ...createMockActionContext({
        input: { spec, repoPath: options.repoPath },
        workspacePath: workspace.path,
      }),
      isDryRun: options.isDryRun,
    };
    await action.handler(ctx as any);
    return ctx;
  }

  async function expectRejected(
    spec: JsonObject,
    message: RegExp,
    options: { repoPath?: string; runtimes?: Record<string, string[]> } = {},
  ) {
    const error = await refusalOf(workspace, () => run(spec, options));
    expect(error.message).toMatch(message);
  }

  it("writes the function folder and adds it to the team's kustomization", async () => {
    const ctx = await run(baseSpec);
    const teamDir = join(
      workspace.path,
      'gitops-repo/gitops/functions/payments',
    );
    const spec = parse(
      await readFile(join(teamDir, 'charge-card/function.yaml'), 'utf8'),
    );
    expect(spec).toMatchObject({
      apiVersion: 'atonix.io/v1alpha1',
      kind: 'Function',
      name: 'charge-card',
      team: 'payments',
      scaling: { minScale: 0, maxScale: 50 },
    });
    expect(
      parse(await readFile(join(teamDir, 'kustomization.yaml'), 'utf8'))
        .resources,
    ).toEqual(['charge-card', 'existing-fn']);
    expect(ctx.output).toHaveBeenCalledWith(
      'gitopsPath',
      'gitops/functions/payments/charge-card',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'files',
      expect.arrayContaining([
        'gitops/functions/payments/charge-card/function.yaml',
        'gitops/functions/payments/charge-card/kustomization.yaml',
        'gitops/functions/payments/kustomization.yaml',
      ]),
    );
  });

  it('renders a critical CloudEvents function with a Kafka source and a Secret reference', async () => {
    await run({
      ...baseSpec,
      name: 'settle-orders',
      critical: true,
      scaling: { minScale: 1, maxScale: 50 },
      secretEnv: { DB_PASSWORD: { secretName: 'settle-db', key: 'password' } },
      trigger: {
        type: 'cloudevents',
        source: {
          type: 'kafka',
          bootstrapServers: ['kafka:9092'],
          topics: ['orders'],
        },
      },
    });
    const folder = join(
      workspace.path,
      'gitops-repo/gitops/functions/payments/settle-orders',
    );
    const kustomization = parse(
      await readFile(join(folder, 'kustomization.yaml'), 'utf8'),
    );
    expect(kustomization.resources).toEqual(
      expect.arrayContaining([
        'service.yaml',
        'trigger.yaml',
        'kafka-source.yaml',
      ]),
    );
  });

  it('treats null answers as not set', async () => {
    await run({
      ...baseSpec,
      description: null,
      scaling: null,
      trigger: { type: 'cloudevents', source: null },
    });
    const spec = parse(
      await readFile(
        join(
          workspace.path,
          'gitops-repo/gitops/functions/payments/charge-card/function.yaml',
        ),
        'utf8',
      ),
    );
    expect(spec.trigger).toEqual({
      type: 'cloudevents',
      broker: 'default',
      filters: {},
    });
    expect(spec.scaling.maxScale).toBe(50);
  });

  it('renders an OpenFaaS function where every cluster runs the OpenFaaS Pro operator', async () => {
    await run(
      { ...baseSpec, name: 'resize-image', runtime: 'openfaas' },
      {
        runtimes: {
          staging: ['knative', 'openfaas'],
          production: ['knative', 'openfaas'],
        },
      },
    );
    const files = Object.keys(
      workspace.content({
        path: 'gitops-repo/gitops/functions/payments/resize-image',
      }) ?? {},
    );
    expect(files).toContain('function.openfaas.yaml');
  });

  it('refuses runtime openfaas on the clusters gitops/ installs (Community Edition), pointing to the Knative template', async () => {
    await expectRejected(
      { ...baseSpec, name: 'resize-image', runtime: 'openfaas' },
      /runtime: openfaas needs the OpenFaaS Pro operator, which production, staging does not run.*knative-http-function template/,
    );
  });

  it('refuses runtime openfaas when one cluster of the checkout lacks the Pro operator, naming it', async () => {
    await expectRejected(
      { ...baseSpec, name: 'resize-image', runtime: 'openfaas' },
      /which staging does not run.*lists openfaas in atonix\.clusters\.<cluster>\.runtimes/,
      { runtimes: { production: ['knative', 'openfaas'] } },
    );
  });

  it('refuses a cluster setting with a runtime that does not exist', () => {
    expect(() =>
      ClusterRuntimes.fromConfig(
        new ConfigReader({
          atonix: { clusters: { staging: { runtimes: ['lambda'] } } },
        }),
      ),
    ).toThrow(
      'atonix.clusters.staging.runtimes lists lambda; the runtimes are knative, openfaas',
    );
  });

  it('takes callers as Group refs and admits them with callers.yaml', async () => {
    await run({ ...baseSpec, allowedCallers: ['group:default/analytics'] });
    const folder = join(
      workspace.path,
      'gitops-repo/gitops/functions/payments/charge-card',
    );
    expect(
      parse(await readFile(join(folder, 'function.yaml'), 'utf8'))
        .allowedCallers,
    ).toEqual(['analytics']);
    const policy = parse(await readFile(join(folder, 'callers.yaml'), 'utf8'));
    expect(
      policy.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0]
        .values,
    ).toEqual(['analytics']);
  });

  it('writes only inside the workspace in a dry run', async () => {
    await run(baseSpec, { isDryRun: true });
    expect(
      workspace.content({ path: 'gitops-repo/gitops/functions/payments' }),
    ).toHaveProperty('charge-card');
  });

  it('lets anyone use any team when restrictToOwnTeams is off', async () => {
    await run(
      { ...baseSpec, team: 'analytics' },
      { restrictToOwnTeams: false },
    );
    expect(
      workspace.content({ path: 'gitops-repo/gitops/functions/analytics' }),
    ).toHaveProperty('charge-card');
  });

  describe('rejects, writing nothing,', () => {
    it.each([
      ['an invalid name', 'Charge_Card', /name: name must be lower-case/],
      ['a reserved name', 'kube-proxy', /reserved for the platform/],
      [
        'a name too long for Kubernetes',
        `f${'x'.repeat(49)}`,
        /at most 49 characters/,
      ],
      ['path traversal in the name', '../../etc', /name must be lower-case/],
    ])('%s', async (_what, name, message) => {
      await expectRejected({ ...baseSpec, name }, message);
    });

    it('path traversal in the team', async () => {
      await expectRejected({ ...baseSpec, team: '../../etc' }, /team/);
    });

    it('path traversal in the checkout path', async () => {
      await expectRejected(baseSpec, /outside/, { repoPath: '../..' });
    });

    it('an unknown team', async () => {
      await expectRejected(
        { ...baseSpec, team: 'marketing' },
        /team "marketing" is not a Group in the catalog/,
      );
    });

    it("a team that is not the user's own", async () => {
      await expectRejected(
        { ...baseSpec, team: 'group:default/analytics' },
        /not a member of team "analytics"/,
      );
    });

    it('an owner that is not a Group', async () => {
      await expectRejected(
        { ...baseSpec, team: 'user:default/guest' },
        /must be a Group/,
      );
    });

    it('a literal env value that looks like a secret', async () => {
      await expectRejected(
        {
          ...baseSpec,
          // The shape GitHub issues: ghp_ and 36 characters.
          env: [{ name: 'GITHUB', value: `ghp_${'a1B2c3D4e5F6'.repeat(3)}` }],
        },
        /env\.0\.value: hardcoded-secret: GITHUB looks like a known credential \(GitHub Token\)/,
      );
    });

    it('maxScale above 50', async () => {
      await expectRejected(
        { ...baseSpec, scaling: { maxScale: 51 } },
        /scaling\.maxScale: max-scale: maxScale is 51, above the platform limit of 50/,
      );
    });

    it('minScale above 0 for a function that is not critical', async () => {
      await expectRejected(
        { ...baseSpec, scaling: { minScale: 1 } },
        /scaling\.minScale: scale-to-zero/,
      );
    });

    it('a function name that exists in the GitOps repository', async () => {
      await expectRejected(
        { ...baseSpec, name: 'existing-fn' },
        /"existing-fn" exists already in gitops\/functions\/payments\/existing-fn/,
      );
    });

    it("a function name that another team's GitOps folder holds", async () => {
      workspace.addContent({
        'gitops-repo/gitops/functions/analytics/report-export/function.yaml':
          'kind: Function\n',
      });
      await expectRejected(
        { ...baseSpec, name: 'report-export' },
        /exists already in gitops\/functions\/analytics\/report-export/,
      );
    });

    it('a function name that exists in the catalog', async () => {
      await expectRejected(
        { ...baseSpec, name: 'registered-fn' },
        /"registered-fn" exists already \(component:default\/registered-fn, owner group:default\/analytics\)/,
      );
    });

    it('a workspace without a GitOps checkout', async () => {
      await expectRejected(baseSpec, /run atonix:gitops:clone first/, {
        repoPath: 'nothing-here',
      });
    });
  });
});
