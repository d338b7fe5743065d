import {
  backendDatabaseConfig,
  backendTestDatabases,
} from '@internal/atonix-test-servers/postgres';
import { validateGitopsTree } from '@internal/backstage-plugin-atonix-serverless-node';
import { runFunctionRepoTests } from '@internal/atonix-templates-tests';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { OWNER, cloneWithGit, startLocalGit } from './__testUtils__/localGit';
import { TEST_AGE_RECIPIENTS } from './__testUtils__/teams';
import {
  REPO_ROOT,
  TaskResult,
  startScaffolderBackend,
} from './__testUtils__/scaffolderBackend';

/**
 * Every template of templates/, run by the real scaffolder backend (with the real catalog reading
 * catalog/org.yaml and the templates from disk) against the real local git server, as the local
 * portal runs them. Then: the GitOps commit it pushed validates clean, the function repository's
 * own tests pass, and the function reaches the catalog. Once on PostgreSQL (production's database)
 * and once on SQLite (the local portal's).
 */

// Several template runs, each validating the GitOps tree and running a repository's tests.
jest.setTimeout(180_000);

const databases = backendTestDatabases();
const [[firstDatabase]] = databases.eachSupportedId();

describe.each(databases.eachSupportedId())(
  'the templates, run by the scaffolder against the local git server, on %s',
  databaseId => {
    let git: Awaited<ReturnType<typeof startLocalGit>>;
    let backend: Awaited<ReturnType<typeof startScaffolderBackend>>;
    let work: string;
    const gitopsBareRepo = () => join(git.dir, 'repos', OWNER, 'gitops.git');
    const runTemplate = (
      template: string,
      values: Record<string, unknown>,
      secrets?: Record<string, string>,
    ) => backend.runTemplate(template, values, secrets);
    const entityInCatalog = (kind: string, name: string) =>
      backend.entityInCatalog(kind, name);

    beforeAll(async () => {
      git = await startLocalGit(join(REPO_ROOT, 'gitops'));
      work = await mkdtemp(join(tmpdir(), 'atonix-templates-it-'));
      // Both clusters of gitops/ as if licensed for OpenFaaS Pro, so the OpenFaaS template runs end to
      // end; the last test runs it against the clusters as gitops/ installs them.
      backend = await startScaffolderBackend(git.server.baseUrl, {
        database: await backendDatabaseConfig(databases, databaseId),
        runtimes: {
          staging: ['knative', 'openfaas'],
          production: ['knative', 'openfaas'],
        },
      });
      await entityInCatalog('template', 'team-onboarding');
    });

    afterAll(async () => {
      await backend?.stop();
      await git?.stop();
      await rm(work, { recursive: true, force: true });
    });

    async function expectCompleted(result: TaskResult) {
      if (result.status !== 'completed') {
        throw new Error(`the task ${result.status}:\n${result.log}`);
      }
    }

    /** Clones the GitOps repository as Flux would see it and runs the validator over it. */
    async function gitopsAfterRun(name: string) {
      const dir = await cloneWithGit(
        `${git.server.baseUrl}/${OWNER}/gitops.git`,
        join(work, `gitops-after-${name}`),
      );
      const violations = await validateGitopsTree(join(dir, 'gitops'));
      return { dir, violations };
    }

    /** Clones the function repository a template published, as its developer would. */
    function clonePublished(name: string) {
      return cloneWithGit(
        `${git.server.baseUrl}/${OWNER}/${name}.git`,
        join(work, name),
      );
    }

    async function headOfGitops() {
      const { stdout } = await promisify(execFile)('git', [
        '--git-dir',
        gitopsBareRepo(),
        'rev-parse',
        'main',
      ]);
      return stdout.trim();
    }

    it.each([
      ['node', 'it-node-fn'],
      ['typescript', 'it-ts-fn'],
      ['python', 'it-python-fn'],
      ['go', 'it-go-fn'],
    ])(
      'knative-http-function (%s): publishes the repository and a GitOps commit that validates, then registers the function',
      async (language, name) => {
        await expectCompleted(
          await runTemplate('knative-http-function', {
            name,
            owner: 'group:default/payments',
            language,
            description: `Integration test function in ${language}`,
          }),
        );

        const gitops = await gitopsAfterRun(name);
        expect(gitops.violations).toEqual([]);
        const spec = parse(
          await readFile(
            join(gitops.dir, `gitops/functions/payments/${name}/function.yaml`),
            'utf8',
          ),
        );
        const repo = await clonePublished(name);
        // The image CI pushes for the repository's first commit: the first merge deploys it.
        const { stdout: firstCommit } = await promisify(execFile)('git', [
          '-C',
          repo,
          'rev-list',
          '--max-parents=0',
          'HEAD',
        ]);
        expect(spec).toMatchObject({
          kind: 'Function',
          name,
          team: 'payments',
          runtime: 'knative',
          image: `ghcr.io/atonixcorp/${name}:${firstCommit.trim()}`,
          trigger: { type: 'http' },
        });

        // Throws with the runner's output if the published repository fails its own tests. They
        // touch no database: once is enough.
        if (databaseId === firstDatabase) {
          await runFunctionRepoTests(repo, language);
        }

        const entity = await entityInCatalog('component', name);
        expect(entity.spec).toMatchObject({
          type: 'function',
          owner: 'group:payments',
        });
      },
    );

    it('cloudevents-function (typescript): a Trigger on the Broker fed by Kafka', async () => {
      await expectCompleted(
        await runTemplate('cloudevents-function', {
          name: 'it-events-fn',
          owner: 'group:default/payments',
          language: 'typescript',
          eventType: 'com.atonix.order.created',
          source: {
            type: 'kafka',
            bootstrapServers: ['kafka.kafka:9092'],
            topics: ['orders'],
          },
        }),
      );
      const gitops = await gitopsAfterRun('it-events-fn');
      expect(gitops.violations).toEqual([]);
      const kustomization = parse(
        await readFile(
          join(
            gitops.dir,
            'gitops/functions/payments/it-events-fn/kustomization.yaml',
          ),
          'utf8',
        ),
      );
      expect(kustomization.resources).toEqual(
        expect.arrayContaining([
          'service.yaml',
          'trigger.yaml',
          'kafka-source.yaml',
        ]),
      );
      const repo = await clonePublished('it-events-fn');
      expect((await runFunctionRepoTests(repo, 'typescript')).output).toMatch(
        /# fail 0/,
      );
    });

    it('openfaas-function: an OpenFaaS Function with critical scaling, callable by analytics', async () => {
      await expectCompleted(
        await runTemplate('openfaas-function', {
          name: 'it-faas-fn',
          owner: 'group:default/payments',
          critical: true,
          scaling: { minScale: 1, maxScale: 10, metric: 'rps', target: 50 },
          env: [{ name: 'LOG_LEVEL', value: 'info' }],
          allowedCallers: ['group:default/analytics'],
        }),
      );
      const gitops = await gitopsAfterRun('it-faas-fn');
      expect(gitops.violations).toEqual([]);
      const folder = join(gitops.dir, 'gitops/functions/payments/it-faas-fn');
      expect(
        parse(await readFile(join(folder, 'function.yaml'), 'utf8'))
          .allowedCallers,
      ).toEqual(['analytics']);
      expect(
        parse(await readFile(join(folder, 'kustomization.yaml'), 'utf8'))
          .resources,
      ).toEqual(['function.openfaas.yaml', 'callers.yaml']);
      const repo = await clonePublished('it-faas-fn');
      expect((await runFunctionRepoTests(repo, 'node')).output).toMatch(
        /# fail 0/,
      );
    });

    it('team-onboarding: commits the tenant, validates, and registers the Group', async () => {
      await expectCompleted(
        await runTemplate('team-onboarding', {
          team: 'it-search',
          description: 'Search, onboarded by the integration test',
          alertEmail: 'it-search-oncall@example.com',
          parent: 'group:default/platform',
          ageRecipients: TEST_AGE_RECIPIENTS,
        }),
      );
      const gitops = await gitopsAfterRun('it-search');
      expect(gitops.violations).toEqual([]);
      const group = await entityInCatalog('group', 'it-search');
      expect(group.spec).toMatchObject({
        parent: 'platform',
        members: ['guest'],
      });
    });

    it('function-secret: commits the secret SOPS-encrypted, validates, and never shows the value', async () => {
      const value = 'sk_live_integration_4eC39HqLyjWDarjtT1zdp7dc';
      const result = await runTemplate(
        'function-secret',
        {
          team: 'group:default/payments',
          function: 'component:default/charge-card',
          name: 'charge-card-webhook',
          key: 'signing-secret',
          envName: 'WEBHOOK_SIGNING_SECRET',
          // What the form sends for a ui:field: Secret; the value itself goes in secrets.
          value: '*'.repeat(value.length),
        },
        { value },
      );
      await expectCompleted(result);
      expect(result.log).toContain('Wrote Secret charge-card-webhook');
      expect(result.log).not.toContain(value);
      const gitops = await gitopsAfterRun(`function-secret-${databaseId}`);
      expect(gitops.violations).toEqual([]);
      const file = await readFile(
        join(
          gitops.dir,
          'gitops/functions/payments/secrets/charge-card-webhook.sops.yaml',
        ),
        'utf8',
      );
      expect(file).not.toContain(value);
      expect(parse(file).stringData['signing-secret']).toMatch(
        /^ENC\[AES256_GCM,/,
      );
      const spec = parse(
        await readFile(
          join(
            gitops.dir,
            'gitops/functions/payments/charge-card/function.yaml',
          ),
          'utf8',
        ),
      );
      expect(spec.secretEnv.WEBHOOK_SIGNING_SECRET).toEqual({
        secretName: 'charge-card-webhook',
        key: 'signing-secret',
      });
      // The new env var changes the revision template, so the change is a new named revision.
      expect(spec.revisionName).toBe('charge-card-v2');
      expect(result.stored).not.toContain(value);
    });

    it('function-traffic: tags a revision git named, validates with the history, and commits with the trailers the traffic view reads', async () => {
      const result = await runTemplate('function-traffic', {
        team: 'group:default/payments',
        function: 'component:default/charge-card',
        change: {
          action: 'tag',
          revisionName: 'charge-card-v1',
          tag: 'stable',
        },
      });
      await expectCompleted(result);
      const gitops = await gitopsAfterRun(`function-traffic-${databaseId}`);
      expect(gitops.violations).toEqual([]);
      const { stdout: message } = await promisify(execFile)(
        'git',
        ['log', '-1', '--format=%B'],
        { cwd: gitops.dir },
      );
      expect(message.trim()).toBe(
        'payments/charge-card: traffic latest 100 %, charge-card-v1 0 % (stable)\n\nAsked for in the portal (tag).\n\nAtonix-Change: traffic\nRequested-By: user:default/guest',
      );
      const folder = join(gitops.dir, 'gitops/functions/payments/charge-card');
      expect(
        parse(await readFile(join(folder, 'function.yaml'), 'utf8')).traffic,
      ).toEqual([
        { latestRevision: true, percent: 100 },
        { revisionName: 'charge-card-v1', percent: 0, tag: 'stable' },
      ]);
      expect(
        parse(await readFile(join(folder, 'service.yaml'), 'utf8')).spec
          .traffic,
      ).toContainEqual({
        revisionName: 'charge-card-v1',
        latestRevision: false,
        percent: 0,
        tag: 'stable',
      });
    });

    it('function-traffic: refuses a revision git never named, with the rule, and pushes nothing', async () => {
      const head = await headOfGitops();
      const result = await runTemplate('function-traffic', {
        team: 'group:default/payments',
        function: 'component:default/charge-card',
        change: { action: 'rollback', revisionName: 'charge-card-v0' },
      });
      expect(result.status).toBe('failed');
      expect(result.log).toMatch(
        /gitops\/functions\/payments\/charge-card\/function.yaml:\d+: revision-history: revision charge-card-v0 is neither/,
      );
      expect(await headOfGitops()).toBe(head);
    });

    it('stops before pushing anything when the policy forbids the team', async () => {
      const head = await headOfGitops();
      const result = await runTemplate('knative-http-function', {
        name: 'it-not-mine',
        owner: 'group:default/analytics',
        language: 'node',
      });
      expect(result.status).toBe('failed');
      expect(result.log).toMatch(/not a member of team "analytics"/);
      // The user reads the message, not the server's file paths and stack frames.
      expect(result.log).not.toMatch(/\n\s+at .*\(\//);
      expect(await headOfGitops()).toBe(head);
      const repo = await fetch(
        `${git.server.baseUrl}/${OWNER}/it-not-mine.git/info/refs?service=git-upload-pack`,
      );
      expect(repo.status).toBe(404);
    });

    it('refuses the OpenFaaS template, before pushing anything, on clusters without OpenFaaS Pro', async () => {
      const communityEdition = await startScaffolderBackend(
        git.server.baseUrl,
        {
          database: await backendDatabaseConfig(databases, databaseId),
        },
      );
      try {
        await communityEdition.entityInCatalog('template', 'openfaas-function');
        const head = await headOfGitops();
        const result = await communityEdition.runTemplate('openfaas-function', {
          name: 'it-faas-ce',
          owner: 'group:default/payments',
        });
        expect(result.status).toBe('failed');
        expect(result.log).toMatch(
          /runtime: openfaas needs the OpenFaaS Pro operator, which production, staging does not run/,
        );
        expect(result.log).toMatch(/knative-http-function template/);
        expect(await headOfGitops()).toBe(head);
        const repo = await fetch(
          `${git.server.baseUrl}/${OWNER}/it-faas-ce.git/info/refs?service=git-upload-pack`,
        );
        expect(repo.status).toBe(404);
      } finally {
        await communityEdition.stop();
      }
    });
  },
);
