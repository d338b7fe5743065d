import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderServiceMock } from '@backstage/plugin-scaffolder-node/testUtils';
import { LocalGitServer, runGit } from '@internal/atonix-local-git-server';
import {
  FIXTURE_CRDS,
  GitHubTestServer,
  KubeApiServerProcess,
  eventually,
  fluxKustomization,
  knativeFunction,
  portalReader,
} from '@internal/atonix-test-servers';
import { functionTrafficUpdatePermission } from '@internal/backstage-plugin-atonix-serverless-common';
import {
  trafficBranchName,
  trafficCommitMessage,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { functionEntity } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import {
  permissionsDenying,
  pluginRoutes,
  waitUntilSynced,
} from '../__testUtils__/pluginRoutes';
import { atonixServerlessPlugin } from '../plugin';

/**
 * The traffic routes: a real git server holding the GitOps repository (the node library's valid
 * fixture tree: team payments, function hello), a real Kubernetes API server that the portal reads
 * with the read-only ServiceAccount gitops/ gives it, and the backend between them. A change is
 * the function-traffic template's task (run through the real scaffolder in the scaffolder module's
 * templates tests); here the commits it makes are made with the same message. The same routes run
 * with `publishTarget: github` too, against a GitHub stand-in (GitHubTestServer).
 */

jest.setTimeout(180_000);

const FIXTURE_TREE = resolve(
  __dirname,
  '../../../atonix-serverless-node/src/__fixtures__/valid',
);
const REPO = 'AtonixCorp/gitops';
const HELLO_V2_IMAGE =
  'ghcr.io/atonixcorp/hello:9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c';
const TRAFFIC = '/functions/staging/payments/hello/traffic';

const git = (cwd: string, ...args: string[]) =>
  runGit(args, { cwd }).then(out => out.trim());

const catalog = catalogServiceMock.factory({
  entities: [
    functionEntity('hello', 'payments', {
      'backstage.io/kubernetes-namespace': 'payments',
    }),
  ],
});

/** The scaffolder call a change makes: the function-traffic template on hello, as the caller. */
function trafficTemplateRun(change: object) {
  return [
    {
      templateRef: 'template:default/function-traffic',
      values: {
        team: 'group:default/payments',
        function: 'component:default/hello',
        change,
      },
    },
    {
      credentials: expect.objectContaining({
        principal: expect.objectContaining({
          userEntityRef: 'user:default/mock',
        }),
      }),
    },
  ];
}

/** Denies the traffic change to everyone; allows everything else. */
const noTrafficChanges = permissionsDenying(functionTrafficUpdatePermission);

describe('traffic changes through the GitOps repository', () => {
  let dir: string;
  let gitServer: LocalGitServer;
  let kube: KubeApiServerProcess;
  let work: string;

  /** The head of the GitOps repository's main branch. */
  async function mainBranch() {
    await git(work, 'pull', '-q', '--ff-only');
    return { head: await git(work, 'rev-parse', 'HEAD') };
  }

  /** What the API server holds in the team's namespace, with each object's resourceVersion. */
  async function namespaceVersions() {
    const versions: string[] = [];
    for (const plural of [
      'services',
      'configurations',
      'revisions',
      'routes',
    ]) {
      const { body: list } = await kube.request(
        'GET',
        `/apis/serving.knative.dev/v1/namespaces/payments/${plural}`,
      );
      for (const item of list.items) {
        versions.push(
          `${plural}/${item.metadata.name}@${item.metadata.resourceVersion}`,
        );
      }
    }
    return versions.sort();
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atonix-traffic-test-'));
    gitServer = await LocalGitServer.start({ root: join(dir, 'repos') });
    await gitServer.seedRepo(REPO, FIXTURE_TREE, 'gitops');
    // A second revision of hello, named in git: what a rollback can return from.
    work = join(dir, 'work');
    await git(dir, 'clone', '-q', gitServer.repoUrl(REPO), work);
    const specFile = join(
      work,
      'gitops/functions/payments/hello/function.yaml',
    );
    const spec = await readFile(specFile, 'utf8');
    await writeFile(
      specFile,
      spec
        .replace(/ghcr\.io\/atonixcorp\/hello:[0-9a-f]{40}/, HELLO_V2_IMAGE)
        .replace('revisionName: hello-v1', 'revisionName: hello-v2'),
    );
    await git(work, 'commit', '-q', '-am', 'hello: v2');
    await git(work, 'push', '-q', 'origin', 'HEAD');

    kube = await KubeApiServerProcess.start({
      users: [{ name: 'nobody' }],
      crds: FIXTURE_CRDS,
    });
    await kube.apply(
      ...portalReader(),
      ...knativeFunction({ namespace: 'payments', name: 'hello' }),
      fluxKustomization({ team: 'payments' }),
    );
  });

  afterAll(async () => {
    await kube?.stop();
    await gitServer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * The backend watching the API server, publishing as `publishing` says (its `integrations` and
   * `atonix.scaffolder`; by default to the local git server, as the local portal does).
   */
  async function startBackend(
    extra: any[] = [],
    publishing: {
      integrations?: object;
      atonix: { scaffolder: object };
    } = {
      atonix: {
        scaffolder: {
          publishTarget: 'local',
          owner: 'AtonixCorp',
          localGitBaseUrl: gitServer.baseUrl,
          imageRegistry: 'ghcr.io/atonixcorp',
          gitops: { repo: 'gitops', branch: 'main' },
        },
      },
    },
  ) {
    const config = mockServices.rootConfig.factory({
      data: {
        kubernetes: kube.backstageKubernetesConfig(
          'staging',
          await kube.serviceAccountToken('atonix-portal', 'atonix-portal'),
        ),
        ...publishing,
      },
    });
    const { server } = await startTestBackend({
      features: [atonixServerlessPlugin, catalog, config, ...extra],
    });
    await waitUntilSynced(server, 30_000);
    return pluginRoutes(server);
  }

  it('shows the split function.yaml asks for and the revisions git has named', async () => {
    const api = await startBackend();
    const res = await api.get(TRAFFIC);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      file: 'gitops/functions/payments/hello/function.yaml',
      revisionName: 'hello-v2',
      traffic: [{ latestRevision: true, percent: 100 }],
      namedRevisions: ['hello-v1', 'hello-v2'],
    });
  });

  /** A commit as the function-traffic template makes it: function.yaml changed, the trailers. */
  async function commitTrafficChange(traffic: unknown[], subject: string) {
    await git(work, 'pull', '-q', '--ff-only');
    const file = join(work, 'gitops/functions/payments/hello/function.yaml');
    const spec = parse(await readFile(file, 'utf8'));
    await writeFile(file, stringify({ ...spec, traffic }));
    await git(
      work,
      'commit',
      '-q',
      '-am',
      trafficCommitMessage({
        subject,
        action: 'split',
        requestedBy: 'user:default/ada',
      }),
    );
    await git(work, 'push', '-q', 'origin', 'HEAD');
    return git(work, 'rev-parse', 'HEAD');
  }

  it('starts the function-traffic template as the caller, and writes nothing itself', async () => {
    const scaffolder = scaffolderServiceMock.mock({
      scaffold: async () => ({ taskId: 'task-7' }),
    });
    const api = await startBackend([scaffolder.factory]);
    const before = await mainBranch();
    const cluster = await namespaceVersions();

    const res = await api.post(TRAFFIC, {
      action: 'rollback',
      revisionName: 'hello-v1',
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ taskId: 'task-7' });
    expect(scaffolder.scaffold).toHaveBeenCalledWith(
      ...trafficTemplateRun({ action: 'rollback', revisionName: 'hello-v1' }),
    );
    expect((await mainBranch()).head).toBe(before.head);
    expect(await namespaceVersions()).toEqual(cluster);
  });

  it('refuses a body that is no traffic change, naming the field, and starts nothing', async () => {
    const scaffolder = scaffolderServiceMock.mock();
    const api = await startBackend([scaffolder.factory]);
    const res = await api.post(TRAFFIC, { action: 'rollback' });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(
      /^Invalid body of the traffic route: revisionName: /,
    );
    expect(scaffolder.scaffold).not.toHaveBeenCalled();
  });

  it('shows the newest change as pending until the Flux Kustomization has applied its commit, then as applied', async () => {
    const api = await startBackend();
    const head = await commitTrafficChange(
      [{ revisionName: 'hello-v1', percent: 100, tag: 'stable' }],
      'payments/hello: traffic hello-v1 100 % (stable)',
    );
    const pending = await api.get(TRAFFIC);
    expect(pending.body.pending).toEqual({
      commit: head,
      subject: 'payments/hello: traffic hello-v1 100 % (stable)',
      requestedBy: 'user:default/ada',
      committedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // What Flux and Knative do after the merge: the Service is applied, the Route reports the split.
    await kube.apply(
      fluxKustomization({ team: 'payments', revision: `main@sha1:${head}` }),
    );
    await kube.apply(
      ...knativeFunction({
        namespace: 'payments',
        name: 'hello',
        revisions: [1, 2],
        traffic: [
          { revision: 1, percent: 100, tag: 'stable' },
          { revision: 2, percent: 0 },
        ],
      }),
    );
    await eventually(async () => {
      const fn = await api.get('/functions/staging/payments/hello');
      expect(fn.body.flux.revision).toBe(`main@sha1:${head}`);
      expect(fn.body.traffic).toContainEqual(
        expect.objectContaining({ percent: 100, tag: 'stable' }),
      );
    }, 30_000);
    const view = await api.get(TRAFFIC);
    expect(view.body).not.toHaveProperty('pending');
    expect(view.body.applied).toEqual(pending.body.pending);
    expect(view.body.traffic).toEqual([
      { revisionName: 'hello-v1', percent: 100, tag: 'stable' },
    ]);
  });

  it('denies the change to whoever the policy denies atonix.function.traffic.update, and starts nothing', async () => {
    const scaffolder = scaffolderServiceMock.mock();
    const api = await startBackend([
      noTrafficChanges.factory,
      scaffolder.factory,
    ]);
    const { head } = await mainBranch();
    const res = await api.post(TRAFFIC, { action: 'promote' });
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    expect(res.body.error.message).toContain(
      'You may not use atonix.function.traffic.update on function payments/hello',
    );
    expect((await mainBranch()).head).toBe(head);
    expect(scaffolder.scaffold).not.toHaveBeenCalled();
    // Reading the split stays allowed.
    const view = await api.get(TRAFFIC);
    expect(view.status).toBe(200);
  });
  describe('with publishTarget github (production)', () => {
    const TOKEN = 'ghp_test_token_for_the_github_test_server';
    const defaultCAs = getCACertificates('default');
    let github: GitHubTestServer;

    beforeAll(async () => {
      github = await GitHubTestServer.start({ token: TOKEN });
      // The backend clones the GitOps repository over HTTPS with the stand-in's certificate.
      setDefaultCACertificates([...defaultCAs, github.caCertificate]);
      await github.seedRepo(REPO, FIXTURE_TREE, 'gitops');
    });

    afterAll(async () => {
      await github?.stop();
      setDefaultCACertificates(defaultCAs);
    });

    it("shows the split on GitHub's main branch and, beside it, the function's open traffic pull request with the split it proposes", async () => {
      const file = 'gitops/functions/payments/hello/function.yaml';
      const proposed = [
        { revisionName: 'hello-v1', percent: 90 },
        { latestRevision: true, percent: 10, tag: 'candidate' },
      ];
      const spec = parse(await github.gitIn(REPO, 'show', `main:${file}`));
      const pull = await github.openPullRequest(REPO, {
        branch: trafficBranchName('hello'),
        title: 'payments/hello: traffic hello-v1 90 %, latest 10 % (candidate)',
        files: { [file]: stringify({ ...spec, traffic: proposed }) },
      });
      const api = await startBackend([], github.publishingConfig());
      const res = await api.get(TRAFFIC);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        file,
        revisionName: 'hello-v1',
        traffic: [{ latestRevision: true, percent: 100 }],
        namedRevisions: ['hello-v1'],
        pullRequest: {
          number: pull.number,
          url: `https://${github.host}/${REPO}/pull/${pull.number}`,
          title: pull.title,
          traffic: proposed,
          openedAt: pull.createdAt,
        },
      });
    });

    it('starts the function-traffic template as the caller, and changes nothing on GitHub itself', async () => {
      const scaffolder = scaffolderServiceMock.mock({
        scaffold: async () => ({ taskId: 'task-8' }),
      });
      const api = await startBackend(
        [scaffolder.factory],
        github.publishingConfig(),
      );
      const branches = () => github.gitIn(REPO, 'for-each-ref');
      const before = { refs: await branches(), pulls: github.pullRequests() };

      const res = await api.post(TRAFFIC, { action: 'promote' });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ taskId: 'task-8' });
      expect(scaffolder.scaffold).toHaveBeenCalledWith(
        ...trafficTemplateRun({ action: 'promote' }),
      );
      expect({
        refs: await branches(),
        pulls: github.pullRequests(),
      }).toEqual(before);
    });
  });
});
