import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import {
  REPO_ROOT,
  kustomize,
  kustomizeText,
} from '../__testUtils__/kustomize';

/**
 * Who receives which alert, checked on the Alertmanager configuration a cluster would run: the
 * base configuration of kube-prometheus-stack.yaml plus every team's AlertmanagerConfig from
 * gitops/tenants, combined by the Prometheus Operator's own code (tools/alertmanager-config, built
 * by ./run setup), then checked and routed by the real amtool (Debian `prometheus-alertmanager`).
 */

const run = promisify(execFile);
const GENERATOR =
  process.env.ALERTMANAGER_CONFIG ??
  join(REPO_ROOT, '.tools/alertmanager-config/alertmanager-config');
const AMTOOL = process.env.AMTOOL ?? 'amtool';

async function tool(binary: string, args: string[], hint: string) {
  try {
    return (await run(binary, args)).stdout;
  } catch (error: any) {
    if (error.code === 'ENOENT') {
      throw new Error(`${binary} not found: ${hint}`);
    }
    throw new Error(
      `${binary} ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`,
    );
  }
}

describe('alert routing', () => {
  let dir: string;
  let config: string;
  let teams: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atonix-alert-routing-'));
    const release = parse(
      await readFile(
        join(
          REPO_ROOT,
          'gitops/infrastructure/controllers/base/kube-prometheus-stack.yaml',
        ),
        'utf8',
      ),
    );
    const base = release.spec.values.alertmanager.config;
    // Debian's Alertmanager 0.25 predates webhook url_file (0.26): give the platform's webhook a
    // literal URL for amtool, and generate for that version.
    for (const receiver of base.receivers) {
      for (const webhook of receiver.webhook_configs ?? []) {
        delete webhook.url_file;
        webhook.url = 'http://127.0.0.1:9/platform';
      }
    }
    await writeFile(join(dir, 'base.yaml'), stringify(base));
    await writeFile(
      join(dir, 'tenants.yaml'),
      await kustomizeText(join(REPO_ROOT, 'gitops/tenants')),
    );
    teams = (await kustomize(join(REPO_ROOT, 'gitops/tenants')))
      .filter(o => o.kind === 'AlertmanagerConfig')
      .map(o => o.metadata.namespace!);
    config = join(dir, 'alertmanager.yaml');
    await writeFile(
      config,
      await tool(
        GENERATOR,
        [
          '-base',
          join(dir, 'base.yaml'),
          '-alertmanager-version',
          '0.25.0',
          join(dir, 'tenants.yaml'),
        ],
        'run ./run setup, which builds tools/alertmanager-config into .tools/',
      ),
    );
  }, 60_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  const receiverOf = async (labels: Record<string, string>) =>
    (
      await tool(
        AMTOOL,
        [
          'config',
          'routes',
          'test',
          `--config.file=${config}`,
          ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
        ],
        'install it with apt-get install prometheus-alertmanager (./run test does)',
      )
    )
      .trim()
      .split(',')
      .sort();

  it('gives every team an alert route and passes amtool check-config', async () => {
    expect(teams.sort()).toEqual(['analytics', 'payments']);
    expect(
      await tool(
        AMTOOL,
        ['check-config', config],
        'apt-get install prometheus-alertmanager',
      ),
    ).toContain('SUCCESS');
  });

  it.each(['payments', 'analytics'])(
    "sends %s's warning and critical function alerts to its own receiver only",
    async team => {
      for (const severity of ['warning', 'critical']) {
        expect(
          await receiverOf({
            alertname: 'FunctionErrorBudgetFastBurn',
            team,
            namespace: team,
            function: 'some-function',
            severity,
          }),
          // …and then the platform's route drops it ('null'): the platform team is not paged.
        ).toEqual([`${team}/team-alerts/team`, 'null'].sort());
      }
    },
  );

  it.each<{
    spec: string;
    labels: Record<string, string>;
    receivers: string[];
  }>([
    {
      spec: "refuses an alert raised in one team's namespace that claims another team",
      // analytics' rules can only raise alerts with namespace=analytics (enforcedNamespaceLabel).
      labels: {
        alertname: 'FunctionErrorBudgetFastBurn',
        team: 'payments',
        namespace: 'analytics',
        severity: 'critical',
      },
      receivers: ['null'],
    },
    {
      spec: 'keeps info alerts for the portal',
      labels: {
        alertname: 'FunctionColdStartObjective',
        team: 'payments',
        namespace: 'payments',
        severity: 'info',
      },
      receivers: ['null'],
    },
    {
      spec: 'sends platform alerts to the platform team',
      labels: {
        alertname: 'FunctionHighErrorRate',
        k8s_namespace_name: 'payments',
        severity: 'warning',
      },
      receivers: ['platform'],
    },
    {
      spec: "pages no one with Prometheus' always-firing Watchdog",
      labels: { alertname: 'Watchdog' },
      receivers: ['null'],
    },
  ])('$spec', async ({ labels, receivers }) => {
    expect(await receiverOf(labels)).toEqual(receivers);
  });
});
