import { componentEntityV1alpha1Validator } from '@backstage/catalog-model';
import {
  ANNOTATION_CRITICAL,
  ANNOTATION_GITOPS_PATH,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_RUNTIME,
  ANNOTATION_TEAM,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { renderFunctionFolder } from '@internal/backstage-plugin-atonix-serverless-node';
import { spawnSync } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import {
  FunctionSkeletonValues,
  renderSkeleton,
  TEMPLATES_DIR,
  templateLayers,
} from './renderSkeleton';
import { runFunctionRepoTests } from './functionRepoTests';
import { checkDockerfile } from './dockerfileRules';

interface SkeletonCase {
  template: string;
  values: FunctionSkeletonValues;
}

const baseValues = (
  overrides: Partial<FunctionSkeletonValues>,
): FunctionSkeletonValues => ({
  name: 'charge-card',
  team: 'payments',
  description: 'Charges a "card" for an order',
  language: 'node',
  runtime: 'knative',
  triggerType: 'http',
  imageRepository: 'ghcr.io/atonixcorp/charge-card',
  repoUrl: 'https://github.com/atonixcorp/charge-card',
  gitopsRepoUrl: 'https://github.com/atonixcorp/atonix-serverless',
  gitopsPath: 'gitops/functions/payments/charge-card',
  port: 8080,
  critical: false,
  ...overrides,
});

const cases: SkeletonCase[] = [
  {
    template: 'knative-http-function',
    values: baseValues({ language: 'node' }),
  },
  {
    template: 'knative-http-function',
    values: baseValues({ language: 'typescript', critical: true, port: 9090 }),
  },
  {
    template: 'knative-http-function',
    values: baseValues({ language: 'python' }),
  },
  {
    template: 'knative-http-function',
    values: baseValues({ language: 'go' }),
  },
  ...(['node', 'typescript', 'python', 'go'] as const).map(language => ({
    template: 'cloudevents-function',
    values: baseValues({
      name: 'order-events',
      language,
      imageRepository: 'ghcr.io/atonixcorp/order-events',
      repoUrl: 'https://github.com/atonixcorp/order-events',
      gitopsPath: 'gitops/functions/payments/order-events',
      triggerType: 'cloudevents',
    }),
  })),
  {
    template: 'openfaas-function',
    values: baseValues({ runtime: 'openfaas', critical: true }),
  },
];

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)))
    .filter(
      file => !file.startsWith('node_modules') && !file.startsWith('dist'),
    );
}

/** Runs one `run:` step of the rendered workflow with bash, the shell GitHub uses. */
function runStep(script: string, cwd: string, env: Record<string, string>) {
  return spawnSync('bash', ['-e', '-c', script], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

/** The step of a rendered CI workflow that points the function's GitOps folder at the new image. */
function imageBumpStep(workflow: any) {
  return workflow.jobs.gitops.steps.find(
    (step: any) => step.name === 'Point the function at the new image',
  );
}

describe.each(cases)('$template $values.language', ({ template, values }) => {
  let repoDir: string;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'atonix-skeleton-'));
    repoDir = join(workDir, 'repo');
    await renderSkeleton({
      template,
      values,
      targetDir: repoDir,
    });
  }, 60_000);

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  const read = (file: string) => readFile(join(repoDir, file), 'utf8');

  it('renders every value and leaves no template syntax behind', async () => {
    const files = await listFiles(repoDir);
    for (const required of [
      'README.md',
      'catalog-info.yaml',
      'Dockerfile',
      '.dockerignore',
      '.github/workflows/ci.yaml',
    ]) {
      expect(files).toContain(required);
    }
    for (const file of files) {
      const text = await read(file);
      expect({
        file,
        leftover: text.match(/\$\{\{\s*values|\{%|%\}/g),
      }).toEqual({
        file,
        leftover: null,
      });
    }
    expect(await read('README.md')).toContain(`# ${values.name}`);
  });

  it('registers a function Component owned by the team, with the Atonix annotations', async () => {
    const entity = parse(await read('catalog-info.yaml'));
    await expect(componentEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
    expect(entity.metadata.name).toBe(values.name);
    expect(entity.metadata.description).toBe(values.description);
    expect(entity.spec).toMatchObject({
      type: 'function',
      owner: `group:${values.team}`,
    });
    expect(entity.metadata.annotations).toMatchObject({
      [ANNOTATION_KUBERNETES_ID]: values.name,
      [ANNOTATION_KUBERNETES_NAMESPACE]: values.team,
      [ANNOTATION_RUNTIME]: values.runtime,
      [ANNOTATION_TEAM]: values.team,
      [ANNOTATION_GITOPS_PATH]: values.gitopsPath,
      [ANNOTATION_CRITICAL]: String(values.critical),
      'backstage.io/source-location': `url:${values.repoUrl}/tree/main/`,
    });
    expect(entity.metadata.links).toContainEqual(
      expect.objectContaining({
        url: `${values.gitopsRepoUrl}/tree/main/${values.gitopsPath}`,
      }),
    );
  });

  it('has a Dockerfile that builds a pinned, non-root image on its port, with no secrets (checked statically)', async () => {
    expect(
      checkDockerfile(await read('Dockerfile'), {
        port: values.port,
        files: await listFiles(repoDir),
        dir: repoDir,
      }),
    ).toEqual([]);
  });

  it("carries a func.yaml that Knative's func CLI reads as this function (Knative only)", async () => {
    // The fields func knative-v1.23.1 reads (pkg/functions/function.go): specVersion is its last
    // migration (function_migrations.go:101), created makes the folder a function (:650), and
    // invoke picks plain HTTP or a CloudEvent for `func invoke` (:116). func deploys to Knative
    // only, so an OpenFaaS repository has none.
    const knativeFunc = {
      specVersion: '0.36.0',
      name: values.name,
      namespace: values.team,
      runtime: values.language,
      created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      invoke: values.triggerType === 'cloudevents' ? 'cloudevent' : 'http',
      deploy: {
        namespace: values.team,
        healthEndpoints: { liveness: '/healthz', readiness: '/healthz' },
      },
    };
    const text = await read('func.yaml').catch(() => undefined);
    expect(text === undefined ? undefined : parse(text)).toEqual(
      values.runtime === 'knative' ? knativeFunc : undefined,
    );
  });

  describe('the CI workflow', () => {
    let workflow: any;
    beforeAll(async () => {
      workflow = parse(await read('.github/workflows/ci.yaml'));
    });

    /** A git work tree at `workDir/<name>` whose function folder holds `files`. */
    async function gitopsCheckout(name: string, files: Record<string, string>) {
      const gitops = join(workDir, name);
      const folder = join(gitops, values.gitopsPath);
      await mkdir(folder, { recursive: true });
      for (const [file, content] of Object.entries(files)) {
        await writeFile(join(folder, file), content);
      }
      spawnSync('git', ['init', '-q'], { cwd: gitops });
      return { gitops, folder };
    }

    /** Runs the image-bump step in `cwd` for a new commit; `target` is what it told the job. */
    async function runBump(cwd: string) {
      const sha = '0123456789abcdef0123456789abcdef01234567';
      const output = join(cwd, '..', `${relative(workDir, cwd)}-output`);
      const result = runStep(imageBumpStep(workflow).run, cwd, {
        ...workflow.env,
        GITHUB_SHA: sha,
        GITHUB_OUTPUT: output,
      });
      const target = await readFile(output, 'utf8').catch(() => '');
      return { result, sha, target };
    }

    it('tests, then builds and pushes the image tagged by commit to GHCR', () => {
      expect(workflow.on.push.branches).toEqual(['main']);
      expect(workflow.env.IMAGE_REPOSITORY).toBe(values.imageRepository);
      expect(workflow.jobs.image.needs).toBe('test');
      expect(workflow.jobs.image.permissions).toEqual({
        contents: 'read',
        packages: 'write',
      });
      const steps: any[] = workflow.jobs.image.steps;
      const login = steps.find(step =>
        step.uses?.startsWith('docker/login-action@'),
      );
      expect(login.with).toMatchObject({
        registry: 'ghcr.io',
        password: '${{ secrets.GITHUB_TOKEN }}',
      });
      const build = steps.find(step =>
        step.uses?.startsWith('docker/build-push-action@'),
      );
      expect(build.with.tags).toBe(
        '${{ env.IMAGE_REPOSITORY }}:${{ github.sha }}',
      );
      expect(build.with.push).toBe("${{ github.event_name == 'push' }}");
    });

    it('pins every action to a release', () => {
      const uses = Object.values<any>(workflow.jobs).flatMap(job =>
        job.steps.flatMap((step: any) => step.uses ?? []),
      );
      expect(uses.length).toBeGreaterThan(0);
      for (const action of uses) {
        expect(action).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
      }
    });

    it('proposes the image bump to the GitOps repository as a pull request', () => {
      const job = workflow.jobs.gitops;
      expect(job.needs).toBe('image');
      expect(job.if).toBe("github.event_name == 'push'");
      expect(job.concurrency).toEqual({
        group: 'gitops-image-bump',
        'cancel-in-progress': false,
      });
      expect(workflow.env).toMatchObject({
        GITOPS_REPO_URL: values.gitopsRepoUrl,
        GITOPS_PATH: values.gitopsPath,
      });
      const pr = job.steps.find((step: any) =>
        step.uses?.startsWith('peter-evans/create-pull-request@'),
      );
      expect(pr.with).toMatchObject({
        path: 'gitops',
        token: '${{ secrets.GITOPS_TOKEN }}',
        branch: 'image-bump/${{ env.FUNCTION_NAME }}',
      });
      expect(workflow.env.FUNCTION_NAME).toBe(values.name);
    });

    it('finds the GitOps repository from its web address', async () => {
      const step = workflow.jobs.gitops.steps.find(
        (s: any) => s.name === 'Find the GitOps repository',
      );
      const output = join(workDir, 'github-output');
      const result = runStep(step.run, workDir, {
        ...workflow.env,
        GITHUB_OUTPUT: output,
      });
      expect(result.stderr).toBe('');
      expect(await readFile(output, 'utf8')).toBe(
        'repository=atonixcorp/atonix-serverless\n',
      );
    });

    it('points every image line of the function at the new image, and nothing else', async () => {
      const { gitops, folder } = await gitopsCheckout('gitops', {
        'function.yaml': `name: ${values.name}\nimage: ${values.imageRepository}:0.1.0\n`,
        'service.yaml': [
          'containers:',
          `  - image: "${values.imageRepository}@sha256:${'a'.repeat(64)}"`,
          `  - image: ${values.imageRepository}-sidecar:1.0.0`,
          '',
        ].join('\n'),
      });
      const { result, sha, target } = await runBump(gitops);
      expect(result.status).toBe(0);
      expect(target).toBe('target=image-bump\n');
      expect(await readFile(join(folder, 'function.yaml'), 'utf8')).toBe(
        `name: ${values.name}\nimage: ${values.imageRepository}:${sha}\n`,
      );
      expect(await readFile(join(folder, 'service.yaml'), 'utf8')).toBe(
        [
          'containers:',
          `  - image: "${values.imageRepository}:${sha}"`,
          `  - image: ${values.imageRepository}-sidecar:1.0.0`,
          '',
        ].join('\n'),
      );
    });

    it('names the new revision: counts revisionName up in function.yaml and the Service, and no traffic target', async () => {
      const { gitops, folder } = await gitopsCheckout('gitops-named', {
        'function.yaml': [
          `image: ${values.imageRepository}:0.1.0`,
          `revisionName: ${values.name}-v9`,
          'traffic:',
          `  - revisionName: ${values.name}-v9`,
          '    percent: 100',
          '',
        ].join('\n'),
        'service.yaml': [
          'spec:',
          '  template:',
          '    metadata:',
          `      name: ${values.name}-v9`,
          '    spec:',
          '      containers:',
          `        - image: ${values.imageRepository}:0.1.0`,
          '  traffic:',
          `    - revisionName: ${values.name}-v9`,
          '',
        ].join('\n'),
      });
      const { result, sha } = await runBump(gitops);
      expect(result.stderr).toBe('');
      expect(await readFile(join(folder, 'function.yaml'), 'utf8')).toBe(
        [
          `image: ${values.imageRepository}:${sha}`,
          `revisionName: ${values.name}-v10`,
          'traffic:',
          `  - revisionName: ${values.name}-v9`,
          '    percent: 100',
          '',
        ].join('\n'),
      );
      const service = await readFile(join(folder, 'service.yaml'), 'utf8');
      expect(service).toContain(`      name: ${values.name}-v10\n`);
      expect(service).toContain(`    - revisionName: ${values.name}-v9\n`);
    });

    it('fails with what to do when the GitOps folder does not mention the image', async () => {
      const empty = join(workDir, 'empty-gitops');
      await mkdir(join(empty, values.gitopsPath), { recursive: true });
      const result = runStep(imageBumpStep(workflow).run, empty, {
        ...workflow.env,
        GITHUB_SHA: 'abc',
      });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(
        `No YAML file under ${values.gitopsPath} in ${values.gitopsRepoUrl} mentions ${values.imageRepository}`,
      );
    });

    it('bumps the open add-function branch while the function is not on the default branch yet', async () => {
      const git = (cwd: string, ...args: string[]) => {
        const run = spawnSync(
          'git',
          ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args],
          { cwd, encoding: 'utf8' },
        );
        if (run.status !== 0) throw new Error(run.stderr);
        return run.stdout;
      };
      // The GitOps repository: main without the function, the portal's add-function branch with it.
      const origin = join(workDir, 'origin-gitops');
      await mkdir(origin);
      git(origin, 'init', '-q', '-b', 'main');
      await writeFile(join(origin, 'README.md'), 'gitops\n');
      git(origin, 'add', '.');
      git(origin, 'commit', '-q', '-m', 'main');
      git(origin, 'checkout', '-q', '-b', `add-function-${values.name}`);
      const firstSha = 'f'.repeat(40);
      await mkdir(join(origin, values.gitopsPath), { recursive: true });
      await writeFile(
        join(origin, values.gitopsPath, 'function.yaml'),
        `name: ${values.name}\nimage: ${values.imageRepository}:${firstSha}\n`,
      );
      git(origin, 'add', '.');
      git(origin, 'commit', '-q', '-m', 'add function');
      git(origin, 'checkout', '-q', 'main');
      const checkout = join(workDir, 'checkout-gitops');
      git(workDir, 'clone', '-q', origin, checkout);

      const { result, sha, target } = await runBump(checkout);
      expect(result.status).toBe(0);
      expect(target).toBe(`target=add-function-${values.name}\n`);
      expect(
        await readFile(
          join(checkout, values.gitopsPath, 'function.yaml'),
          'utf8',
        ),
      ).toBe(`name: ${values.name}\nimage: ${values.imageRepository}:${sha}\n`);
      expect(git(checkout, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(
        `add-function-${values.name}`,
      );
    });
  });

  it("installs its pinned dependencies and passes its own tests with the language's runner", async () => {
    const { output } = await runFunctionRepoTests(repoDir, values.language);
    // A failing suite throws with its output; this checks the runner did run tests.
    expect(output).toMatch(/# pass [1-9]|^Ran [1-9]\d* tests?|^ok\s/m);
    // Installing and compiling on two shared cores takes long with an empty cache: a cold Go build
    // cache alone took over two minutes there.
  }, 300_000);
});

describe('openfaas-function', () => {
  it('runs the Node server behind of-watchdog in HTTP mode', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'atonix-skeleton-'));
    try {
      const values = baseValues({ runtime: 'openfaas', port: 8080 });
      await renderSkeleton({
        template: 'openfaas-function',
        values,
        targetDir: workDir,
      });
      const dockerfile = await readFile(join(workDir, 'Dockerfile'), 'utf8');
      const env = Object.fromEntries(
        [...dockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Za-z_]+)="([^"]*)"/gm)].map(
          ([, key, value]) => [key, value],
        ),
      );
      expect(env).toMatchObject({
        mode: 'http',
        port: String(values.port),
        fprocess: '/nodejs/bin/node src/index.js',
        prefix_logs: 'false',
      });
      expect(env.upstream_url).toBe(`http://127.0.0.1:${env.PORT}`);
      expect(dockerfile).toMatch(
        /^COPY --from=watchdog \/fwatchdog \/usr\/bin\/fwatchdog$/m,
      );
      expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/fwatchdog"\]$/m);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
});

describe('the image bump of the CI workflows', () => {
  const bumpStep = async (skeleton: SkeletonCase) => {
    const workDir = await mkdtemp(join(tmpdir(), 'atonix-skeleton-'));
    try {
      await renderSkeleton({ ...skeleton, targetDir: workDir });
      const workflow = parse(
        await readFile(join(workDir, '.github/workflows/ci.yaml'), 'utf8'),
      );
      return {
        env: workflow.env,
        gitopsJob: workflow.jobs.gitops,
        step: imageBumpStep(workflow),
      };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  };

  it('is the same job in every skeleton', async () => {
    const jobs = await Promise.all(
      cases.map(async skeleton => (await bumpStep(skeleton)).gitopsJob),
    );
    for (const job of jobs.slice(1)) {
      expect(job).toEqual(jobs[0]);
    }
  });

  it.each([
    ['a Knative HTTP function', { runtime: 'knative' }],
    [
      'a CloudEvents function with a Kafka source',
      {
        runtime: 'knative',
        trigger: {
          type: 'cloudevents',
          filters: { type: 'com.atonixcorp.order.created' },
          source: {
            type: 'kafka',
            bootstrapServers: ['kafka:9092'],
            topics: ['orders'],
          },
        },
      },
    ],
    ['an OpenFaaS function', { runtime: 'openfaas' }],
  ])(
    'turns %s folder into exactly what re-rendering it with the new image gives',
    async (_kind, overrides) => {
      const values = baseValues({});
      const { env, step } = await bumpStep({
        template: 'knative-http-function',
        values,
      });
      const specOf = (image: string) => {
        const parsed = parseFunctionSpec({
          name: values.name,
          team: values.team,
          image,
          ...overrides,
        });
        if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
        return parsed.spec;
      };
      const sha = 'fedcba9876543210fedcba9876543210fedcba98';
      const gitops = await mkdtemp(join(tmpdir(), 'atonix-gitops-'));
      try {
        const folder = join(gitops, values.gitopsPath);
        await mkdir(folder, { recursive: true });
        for (const file of renderFunctionFolder(
          specOf(`${values.imageRepository}:latest`),
        )) {
          await writeFile(join(folder, file.name), file.content);
        }
        spawnSync('git', ['init', '-q'], { cwd: gitops });
        const result = runStep(step.run, gitops, {
          ...env,
          GITHUB_SHA: sha,
          // The step tells the next ones where it pushed (a file outside the function's folder).
          GITHUB_OUTPUT: join(gitops, 'github-output'),
        });
        expect({ status: result.status, stderr: result.stderr }).toEqual({
          status: 0,
          stderr: '',
        });
        for (const file of renderFunctionFolder(
          specOf(`${values.imageRepository}:${sha}`),
        )) {
          expect({
            file: file.name,
            content: await readFile(join(folder, file.name), 'utf8'),
          }).toEqual({ file: file.name, content: file.content });
        }
      } finally {
        await rm(gitops, { recursive: true, force: true });
      }
    },
  );
});

describe('the layers of a template', () => {
  // fetch:template skips a file that an earlier layer wrote unless the step says replace, so
  // an overlap without it would silently keep the earlier file.
  it.each(cases)(
    '$template $values.language: only a replace step overwrites files of earlier layers',
    async ({ template, values }) => {
      const written = new Set<string>();
      const skipped: string[] = [];
      for (const layer of await templateLayers(template, values.language)) {
        const files = await listFiles(join(TEMPLATES_DIR, layer.url));
        if (!layer.replace) {
          skipped.push(
            ...files
              .filter(file => written.has(file))
              .map(file => `${layer.url}/${file}`),
          );
        }
        files.forEach(file => written.add(file));
      }
      expect(skipped).toEqual([]);
    },
  );
});

describe('runFunctionRepoTests', () => {
  it('fails with the runner output when the rendered repository breaks its own tests', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'atonix-skeleton-'));
    try {
      await renderSkeleton({
        template: 'knative-http-function',
        values: baseValues({}),
        targetDir: workDir,
      });
      const handler = join(workDir, 'src', 'handler.js');
      await writeFile(
        handler,
        (await readFile(handler, 'utf8')).replace('Hello, ', 'Goodbye, '),
      );
      await expect(runFunctionRepoTests(workDir, 'node')).rejects.toThrow(
        /sh -c node --test failed in .* \(exit 1\):[\s\S]*# fail [1-9]/,
      );
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
    // npm ci of the pinned dependencies (from the shared cache) comes before the failing run.
  }, 120_000);
});
