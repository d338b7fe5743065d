import { LocalGitServer, runGit } from '@internal/atonix-local-git-server';
import { eventually } from '@internal/atonix-test-servers';
import { trafficCommitMessage } from '@internal/backstage-plugin-atonix-serverless-node';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import {
  DEMO_PORTAL_TOKEN,
  DemoCluster,
  FLUX_APPLY_DELAY_MS,
} from './DemoCluster';

const GITOPS = path.resolve(__dirname, '../../../gitops');
const REPO = 'AtonixCorp/atonix-serverless';

jest.setTimeout(120_000);

const git = (cwd: string, ...args: string[]) =>
  runGit(args, { cwd }).then(out => out.trim());

/**
 * The demo's Flux: a commit to the local GitOps repository (as the portal's function-traffic template
 * makes) is pending for a while, then applied: the team's Kustomization reports it and the Knative
 * Service routes as the committed function.yaml says.
 */
describe('DemoCluster following the GitOps repository', () => {
  let dir: string;
  let gitServer: LocalGitServer;
  let cluster: DemoCluster;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'atonix-demo-flux-'));
    gitServer = await LocalGitServer.start({ root: path.join(dir, 'repos') });
    await gitServer.seedRepo(REPO, GITOPS, 'gitops');
    cluster = await DemoCluster.start({
      gitopsDir: GITOPS,
      gitopsRepo: gitServer.repoUrl(REPO),
      ports: { kube: 0, loki: 0, prometheus: 0, control: 0, alertmanager: 0 },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await gitServer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const asPortal = async (urlPath: string) =>
    (
      await cluster.kubeApi.request('GET', urlPath, {
        token: DEMO_PORTAL_TOKEN,
      })
    ).body;
  const kustomization = (team: string) =>
    asPortal(
      `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/functions-${team}`,
    ).then(k => k.status);
  const chargeCardTraffic = () =>
    asPortal(
      '/apis/serving.knative.dev/v1/namespaces/payments/services/charge-card',
    ).then(service => service.status.traffic);

  it("keeps a function's seeded split when a commit leaves its function.yaml as it is", async () => {
    const work = path.join(dir, 'unrelated');
    await git(dir, 'clone', '-q', gitServer.repoUrl(REPO), work);
    // What the portal's create-function run does to the repository: another folder changes.
    await writeFile(path.join(work, 'gitops/functions/NOTES.md'), 'notes\n');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-q', '-m', 'an unrelated change');
    await git(work, 'push', '-q', 'origin', 'HEAD');
    const head = await git(work, 'rev-parse', 'HEAD');

    await eventually(async () => {
      expect((await kustomization('payments')).lastAppliedRevision).toBe(
        `main@sha1:${head}`,
      );
    }, 30_000);
    expect(await chargeCardTraffic()).toContainEqual(
      expect.objectContaining({ tag: 'previous', percent: 10 }),
    );
  });

  it('applies a traffic change committed to main a few seconds later, after showing it pending', async () => {
    const seeded = (await kustomization('payments')).lastAppliedRevision;
    const analyticsBefore = await kustomization('analytics');
    const work = path.join(dir, 'work');
    await git(dir, 'clone', '-q', gitServer.repoUrl(REPO), work);
    const file = path.join(
      work,
      'gitops/functions/payments/charge-card/function.yaml',
    );
    const spec = parse(await readFile(file, 'utf8'));
    await writeFile(
      file,
      stringify({
        ...spec,
        traffic: [
          { latestRevision: true, percent: 100 },
          { revisionName: 'charge-card-v1', percent: 0, tag: 'canary' },
        ],
      }),
    );
    await git(
      work,
      'commit',
      '-q',
      '-am',
      trafficCommitMessage({
        subject:
          'payments/charge-card: traffic latest 100 %, charge-card-v1 0 % (canary)',
        action: 'tag',
        requestedBy: 'user:default/guest',
      }),
    );
    await git(work, 'push', '-q', 'origin', 'HEAD');
    const head = await git(work, 'rev-parse', 'HEAD');
    const pushedAt = Date.now();

    // Pending: Flux has not applied it yet, and the Service still serves the seeded canary.
    await new Promise(resolve => setTimeout(resolve, FLUX_APPLY_DELAY_MS / 2));
    expect((await kustomization('payments')).lastAppliedRevision).toBe(seeded);
    expect(await chargeCardTraffic()).toContainEqual(
      expect.objectContaining({ tag: 'previous', percent: 10 }),
    );

    await eventually(async () => {
      expect((await kustomization('payments')).lastAppliedRevision).toBe(
        `main@sha1:${head}`,
      );
    }, 30_000);
    expect(Date.now() - pushedAt).toBeGreaterThanOrEqual(FLUX_APPLY_DELAY_MS);
    // charge-card-v1 is the revision the spec creates now, so git's split is all on the newest
    // revision, which also gets the tag.
    expect(await chargeCardTraffic()).toEqual([
      expect.objectContaining({
        revisionName: 'charge-card-00002',
        percent: 100,
      }),
      expect.objectContaining({
        revisionName: 'charge-card-00002',
        percent: 0,
        tag: 'canary',
      }),
    ]);
    // The blocked team's Kustomization is not Ready, so it applies nothing.
    expect((await kustomization('analytics')).lastAppliedRevision).toBe(
      analyticsBefore.lastAppliedRevision,
    );
  });
});
