import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { findPaths } from '@backstage/cli-common';
import { KubeConfig, PatchStrategy } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { eventually } from '../eventually';
import { freePort } from '../LocalProcess';
import type { KubeObject } from './KubeObject';

/** A user the API server knows by a static bearer token (its `--token-auth-file`). */
export interface StaticTokenUser {
  /**
   * The user name. A ServiceAccount's name (`system:serviceaccount:<namespace>:<name>`) is
   * authorized by the RBAC bindings of that ServiceAccount, so a fixed token can stand for it.
   */
  name: string;
  groups?: string[];
  /** A fixed token (for a config file that names it); random by default. */
  token?: string;
}

export interface KubeApiServerProcessOptions {
  /** Port of the API server on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /**
   * The CustomResourceDefinitions to install once the server is ready, from the folder `./run
   * setup` generates them into (`.tools/crds`, see tools/crds): those of these kinds
   * (`<group>/<Kind>`, e.g. `serving.knative.dev/Service`), or every one when absent. Each CRD costs
   * the server a rebuild of its OpenAPI documents, seconds for the large Prometheus Operator ones,
   * so a test asks for what it uses.
   */
  crds?: string[];
  /** Users besides the admin (`system:masters`), each given a token; see {@link KubeApiServerProcess.tokenOf}. */
  users?: StaticTokenUser[];
  /**
   * Whether the server offers HTTP/2 (ALPN `h2`), as kube-apiserver does by default; `false` starts
   * it with `--disable-http2-serving`, as a cluster behind an HTTP/1.1-only proxy answers.
   */
  http2?: boolean;
  /** The server binary; default `.tools/kube-apiserver/kube-apiserver`, built by `./run setup`. */
  binary?: string;
}

// Every write of the tests and the demo is attributed to this manager in managedFields.
const FIELD_MANAGER = 'atonix-test-servers';

/**
 * The real Kubernetes API server (upstream kube-apiserver with an embedded etcd, built from Go
 * modules by `./run setup` from tools/kube-apiserver) on 127.0.0.1, with a certificate it generates
 * for itself, static bearer tokens and RBAC, and the CRDs of the projects the platform runs. Its data
 * lives in a temporary folder until {@link KubeApiServerProcess.stop}, so {@link setDown} stops the
 * real process and brings it back on the same port with the same objects.
 */
export class KubeApiServerProcess {
  readonly #binary: string;
  readonly #dir: string;
  readonly #port: number;
  readonly #etcdPorts: [number, number];
  #extraFlags: string[] = [];
  readonly #tokens: Map<string, string>;
  #child?: ChildProcess;
  #log = '';
  #compactions = 0;
  #caData = '';
  readonly #plurals = new Map<string, string>();
  readonly #namespaces = new Set<string>();
  readonly #uids = new Map<string, string>();
  readonly #withStatus = new Set<string>();
  readonly #openSchemaKinds = new Set<string>();
  readonly #installedCrds: KubeObject[] = [];

  static async start(
    options: KubeApiServerProcessOptions = {},
  ): Promise<KubeApiServerProcess> {
    const binary = options.binary ?? defaultToolPath('kube-apiserver');
    try {
      await fs.access(binary);
    } catch {
      throw new Error(
        `The Kubernetes API server is not built at ${binary}; run "./run setup" (it builds tools/kube-apiserver with Go into .tools/)`,
      );
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atonix-kube-'));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await fs.writeFile(
      path.join(dir, 'service-account.key'),
      privateKey.export({ type: 'pkcs1', format: 'pem' }),
    );
    const users: StaticTokenUser[] = [
      { name: 'admin', groups: ['system:masters'] },
      ...(options.users ?? []),
    ];
    const tokens = new Map(
      users.map(user => [
        user.name,
        user.token ?? randomBytes(24).toString('hex'),
      ]),
    );
    // Static token file: token,user,uid,"group1,group2" (kube-apiserver --token-auth-file).
    await fs.writeFile(
      path.join(dir, 'tokens.csv'),
      users
        .map(
          user =>
            `${tokens.get(user.name)},${user.name},${user.name},"${(
              user.groups ?? []
            ).join(',')}"`,
        )
        .join('\n'),
    );
    const port = options.port || (await freePort());
    const server = new KubeApiServerProcess(binary, dir, port, tokens, [
      await freePort(),
      await freePort(),
    ]);
    if (options.http2 === false) {
      server.#extraFlags = ['--disable-http2-serving'];
    }
    await server.#launch();
    await server.#installCrds(await crdsOf(options.crds));
    return server;
  }

  // The server must not outlive the process that started it, even one that exits without stop().
  readonly #killOnExit = () => this.#child?.kill('SIGKILL');

  private constructor(
    binary: string,
    dir: string,
    port: number,
    tokens: Map<string, string>,
    etcdPorts: [number, number],
  ) {
    this.#binary = binary;
    this.#dir = dir;
    this.#port = port;
    this.#tokens = tokens;
    this.#etcdPorts = etcdPorts;
    process.once('exit', this.#killOnExit);
  }

  get url(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /**
   * The client URL of the server's embedded etcd (plaintext, loopback only): for a benchmark that
   * seeds a large fleet straight into storage the way the server itself writes it.
   */
  get etcdUrl(): string {
    return `http://127.0.0.1:${this.#etcdPorts[0]}`;
  }

  /** The PEM certificate chain the server presents (it generates its own CA and certificate). */
  get caData(): string {
    return this.#caData;
  }

  /** The bearer token of the admin or of a user given in the options. */
  tokenOf(user = 'admin'): string {
    const token = this.#tokens.get(user);
    if (!token) {
      throw new Error(
        `No token for user "${user}"; pass it in the users option of KubeApiServerProcess.start`,
      );
    }
    return token;
  }

  /** A client configuration for the admin, a static-token user, or any bearer token. */
  kubeConfig(credentials: { user?: string; token?: string } = {}): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'test',
          server: this.url,
          caData: Buffer.from(this.#caData).toString('base64'),
        },
      ],
      users: [
        {
          name: 'test',
          token: credentials.token ?? this.tokenOf(credentials.user),
        },
      ],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
    return kc;
  }

  /**
   * The `kubernetes` config of a Backstage backend that reads this server as the cluster `name`,
   * with the admin's token or `token` (e.g. the portal's ServiceAccount's; the stock Kubernetes
   * plugin and the Atonix backend both read it).
   */
  backstageKubernetesConfig(name: string, token: string = this.tokenOf()) {
    return {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name,
              url: this.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: token,
              caData: Buffer.from(this.#caData).toString('base64'),
            },
          ],
        },
      ],
    };
  }

  /**
   * Creates or updates objects by server-side apply as the admin, then writes their `status` through
   * the status subresource as a controller would (the main resource ignores `status`). Server-set
   * metadata (uid, resourceVersion, timestamps) of the given objects is dropped.
   */
  async apply(...objects: KubeObject[]): Promise<void> {
    for (const object of objects) {
      await this.#ensureNamespace(object.metadata?.namespace);
      const { status, ...rest } = object as KubeObject & {
        status?: unknown;
      };
      const desired = this.#withOwnerUids(withoutServerFields(rest));
      // Without a status subresource (OpenFaaS' Function) the status is part of the object itself.
      const separateStatus =
        status !== undefined &&
        (await this.#hasStatusSubresource(desired.apiVersion, desired.kind));
      const stored = await this.#write(
        'PATCH',
        separateStatus || status === undefined
          ? desired
          : { ...desired, status },
      );
      this.#uids.set(ownerKey(desired), stored.metadata.uid);
      if (separateStatus) {
        await this.#applyStatus(desired, status);
      }
    }
  }

  // Owner references name their owner's uid, which the server assigned when the owner was applied:
  // filled in as the controller that made the object would have.
  #withOwnerUids<T extends KubeObject>(object: T): T {
    const owners = object.metadata?.ownerReferences;
    if (!owners?.length) return object;
    return {
      ...object,
      metadata: {
        ...object.metadata,
        ownerReferences: owners.map(owner => {
          const uid =
            owner.uid ||
            this.#uids.get(
              ownerKey({
                apiVersion: owner.apiVersion,
                kind: owner.kind,
                metadata: {
                  name: owner.name,
                  namespace: object.metadata?.namespace,
                },
              }),
            );
          if (!uid) {
            throw new Error(
              `${object.kind} ${object.metadata?.name} is owned by ${owner.kind} ${owner.name}, which has not been applied yet; apply the owner first`,
            );
          }
          return { ...owner, uid };
        }),
      },
    };
  }

  /**
   * A token of a ServiceAccount from the TokenRequest API (what `kubectl create token` asks for),
   * signed by the server's service-account key: the credentials a workload or the portal holds.
   */
  async serviceAccountToken(namespace: string, name: string): Promise<string> {
    const res = await this.request(
      'POST',
      `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: 3600 },
        },
      },
    );
    if (res.status !== 201) {
      throw new Error(
        `No token for ServiceAccount ${namespace}/${name}: ${
          res.body?.message ?? res.status
        }`,
      );
    }
    return res.body.status.token;
  }

  /**
   * Server-side apply of one object that answers the server's verdict instead of throwing: as the
   * admin or impersonating a user (e.g. `system:serviceaccount:payments:flux-tenant`, as Flux's
   * kustomize-controller impersonates a tenant's account), for real or as a dry run.
   */
  async tryApply(
    object: KubeObject,
    options: { dryRun?: boolean; impersonate?: string } = {},
  ): Promise<{ status: number; message?: string }> {
    if (!(await this.serves(object.apiVersion!, object.kind!))) {
      return {
        status: 404,
        message: `no CustomResourceDefinition for ${object.kind} (${object.apiVersion}) is installed`,
      };
    }
    await this.#ensureNamespace(object.metadata?.namespace);
    const res = await this.#send('PATCH', withoutServerFields(object), {
      dryRun: options.dryRun,
      headers: options.impersonate
        ? { 'impersonate-user': options.impersonate }
        : undefined,
    });
    return {
      status: res.status,
      ...(res.status >= 300
        ? { message: res.body?.message ?? String(res.body) }
        : {}),
    };
  }

  /** Replaces an object's status through the status subresource. */
  async setStatus(object: KubeObject, status: unknown): Promise<void> {
    await this.#applyStatus(withoutServerFields(object), status);
  }

  async delete(object: KubeObject): Promise<void> {
    await this.#write('DELETE', object);
  }

  /**
   * An HTTP request to the API server as the admin (or with `token`); answers the parsed JSON body.
   * Throws with the server's `Status` message on a 4xx/5xx.
   */
  async request<T = any>(
    method: string,
    urlPath: string,
    options: {
      body?: unknown;
      contentType?: string;
      token?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<{ status: number; body: T }> {
    const payload =
      options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: this.#port,
          method,
          path: urlPath,
          ca: this.#caData,
          headers: {
            authorization: `Bearer ${options.token ?? this.tokenOf()}`,
            accept: 'application/json',
            ...(payload
              ? { 'content-type': options.contentType ?? 'application/json' }
              : {}),
            ...options.headers,
          },
        },
        res => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', chunk => {
            text += chunk;
          });
          res.on('end', () => {
            let body: any = text;
            try {
              body = JSON.parse(text);
            } catch {
              // not JSON (e.g. /readyz): keep the text
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Compacts etcd at its current revision, as kube-apiserver does every five minutes on its own: a
   * watch or list from an older resourceVersion than that then answers 410 Gone.
   */
  async compact(): Promise<void> {
    const before = this.#compactions;
    this.#child?.kill('SIGUSR1');
    await eventually(
      () => {
        if (this.#compactions <= before) {
          throw new Error(
            `etcd did not report a compaction: ${this.#log.slice(-2000)}`,
          );
        }
      },
      10_000,
      100,
    );
  }

  /** Stops the real process (clients see connection refused) or starts it again, same port and data. */
  async setDown(down: boolean): Promise<void> {
    if (down) {
      await this.#terminate();
    } else if (!this.#child) {
      await this.#launch();
      await this.#waitForCustomResourceStorage();
    }
  }

  get isDown(): boolean {
    return !this.#child;
  }

  async stop(): Promise<void> {
    process.off('exit', this.#killOnExit);
    await this.#terminate();
    await fs.rm(this.#dir, { recursive: true, force: true });
  }

  // As `kubectl create namespace` before an apply would: namespaces are the caller's to seed, but
  // a missing one is never what a test or the demo means to exercise.
  async #ensureNamespace(namespace: string | undefined) {
    if (!namespace || this.#namespaces.has(namespace)) return;
    const res = await this.request('POST', '/api/v1/namespaces', {
      body: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      },
    });
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(
        `Namespace ${namespace} not created: ${
          res.body?.message ?? res.status
        }`,
      );
    }
    this.#namespaces.add(namespace);
  }

  async #applyStatus(object: KubeObject, status: unknown) {
    const { apiVersion, kind, metadata } = object;
    await this.#write('PATCH', object, '/status', {
      apiVersion,
      kind,
      metadata: { name: metadata!.name },
      status,
    });
  }

  /**
   * Server-side apply (PATCH) or DELETE of one object. Applies are strict, as `kubectl apply
   * --server-side` is: a field the schema does not have is refused, not silently pruned.
   */
  async #write(
    method: 'PATCH' | 'DELETE',
    object: KubeObject,
    subresource = '',
    body?: unknown,
  ): Promise<any> {
    const { kind, metadata } = object;
    const res = await this.#send(method, object, { subresource, body });
    if (res.status >= 300) {
      throw new Error(
        `${method === 'PATCH' ? 'apply' : 'delete'} of ${kind} ${
          metadata?.namespace ? `${metadata.namespace}/` : ''
        }${metadata?.name}${subresource} refused: ${
          res.body?.message ?? res.status
        }`,
      );
    }
    return res.body;
  }

  /**
   * Server-side apply (PATCH) or DELETE of one object. Applies are strict, as `kubectl apply
   * --server-side` is: a field the schema does not have is refused, not silently pruned.
   */
  async #send(
    method: 'PATCH' | 'DELETE',
    object: KubeObject,
    options: {
      subresource?: string;
      body?: unknown;
      dryRun?: boolean;
      headers?: Record<string, string>;
    },
  ) {
    const { apiVersion, kind, metadata } = object;
    const plural = await this.#pluralOf(apiVersion!, kind!);
    const base = apiVersion!.includes('/')
      ? `/apis/${apiVersion}`
      : `/api/${apiVersion}`;
    const scope = metadata?.namespace
      ? `/namespaces/${metadata.namespace}`
      : '';
    const query = new URLSearchParams(
      method === 'PATCH'
        ? {
            fieldManager: FIELD_MANAGER,
            force: 'true',
            fieldValidation: 'Strict',
          }
        : {},
    );
    if (options.dryRun) query.set('dryRun', 'All');
    return this.request(
      method,
      `${base}${scope}/${plural}/${metadata!.name}${
        options.subresource ?? ''
      }?${query}`,
      {
        body: method === 'PATCH' ? options.body ?? object : undefined,
        contentType: PatchStrategy.ServerSideApply,
        headers: options.headers,
      },
    );
  }

  async #hasStatusSubresource(apiVersion: string, kind: string) {
    await this.#pluralOf(apiVersion, kind);
    return this.#withStatus.has(`${apiVersion}/${kind}`);
  }

  /**
   * Kinds whose CRD tools/crds could only write as a frame with an open schema (their Go types
   * are not obtainable here): the server stores their objects without checking a field.
   */
  get openSchemaKinds(): ReadonlySet<string> {
    return this.#openSchemaKinds;
  }

  /** Whether the server serves a kind (built in, or its CRD installed). */
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    return this.#pluralOf(apiVersion, kind).then(
      () => true,
      () => false,
    );
  }

  async #pluralOf(apiVersion: string, kind: string): Promise<string> {
    const key = `${apiVersion}/${kind}`;
    if (!this.#plurals.has(key)) {
      const base = apiVersion.includes('/')
        ? `/apis/${apiVersion}`
        : `/api/${apiVersion}`;
      const { body } = await this.request<{
        resources?: { name: string; kind: string }[];
      }>('GET', base);
      for (const resource of body.resources ?? []) {
        if (!resource.name.includes('/')) {
          this.#plurals.set(`${apiVersion}/${resource.kind}`, resource.name);
        } else if (resource.name.endsWith('/status')) {
          this.#withStatus.add(`${apiVersion}/${resource.kind}`);
        }
      }
    }
    const plural = this.#plurals.get(key);
    if (!plural) {
      throw new Error(
        `The API server serves no ${kind} in ${apiVersion}: its CustomResourceDefinition is not installed (tools/crds generates those the platform's projects publish; ./run setup)`,
      );
    }
    return plural;
  }

  async #launch() {
    const [etcdClient, etcdPeer] = this.#etcdPorts;
    const child = spawn(
      this.#binary,
      [
        `-etcd-dir=${path.join(this.#dir, 'etcd')}`,
        `-etcd-client=127.0.0.1:${etcdClient}`,
        `-etcd-peer=127.0.0.1:${etcdPeer}`,
        '--',
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${this.#port}`,
        `--cert-dir=${path.join(this.#dir, 'certs')}`,
        `--token-auth-file=${path.join(this.#dir, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        `--service-account-key-file=${path.join(
          this.#dir,
          'service-account.key',
        )}`,
        `--service-account-signing-key-file=${path.join(
          this.#dir,
          'service-account.key',
        )}`,
        '--service-account-issuer=https://kubernetes.default.svc',
        '--service-cluster-ip-range=10.96.0.0/16',
        // The "kubernetes" Service cannot point at a loopback address; nothing here needs it.
        '--endpoint-reconciler-type=none',
        ...this.#extraFlags,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.#child = child;
    child.stderr?.on('data', chunk => {
      const text = String(chunk);
      this.#compactions += text.split('compacted etcd at revision').length - 1;
      this.#log = (this.#log + text).slice(-20_000);
    });
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    // An exited process ends the wait at once; anything else is retried for 60 s.
    const exited = await eventually(
      async () => {
        if (child.exitCode !== null) return true;
        if (!this.#caData) {
          this.#caData = await fs
            .readFile(path.join(this.#dir, 'certs', 'apiserver.crt'), 'utf8')
            .catch(() => '');
        }
        const res = this.#caData
          ? await this.request('GET', '/readyz').catch(() => undefined)
          : undefined;
        if (res?.status !== 200) {
          throw new Error(
            `kube-apiserver was not ready within 60 s: ${this.#log.slice(
              -3000,
            )}`,
          );
        }
        return false;
      },
      60_000,
      100,
    );
    if (exited) {
      throw new Error(
        `kube-apiserver exited with ${child.exitCode}: ${this.#log.slice(
          -3000,
        )}`,
      );
    }
  }

  // After a restart the server answers 429 "storage is (re)initializing" for custom resources
  // until their watch caches have filled; clients retry, and "up" means past that.
  async #waitForCustomResourceStorage() {
    const paths = [...this.#installedCrds].map(crd => {
      const spec = crd.spec as any;
      const version = spec.versions.find((v: any) => v.storage).name;
      return `/apis/${spec.group}/${version}/${spec.names.plural}?limit=1`;
    });
    await eventually(
      async () => {
        for (const urlPath of paths) {
          if ((await this.request('GET', urlPath)).status !== 200) {
            throw new Error(
              `the custom resources were not served within 60 s of a restart (${urlPath})`,
            );
          }
        }
      },
      60_000,
      100,
    );
  }

  async #terminate() {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    if (child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
  }

  async #installCrds(crds: KubeObject[]) {
    if (crds.length === 0) return;
    this.#installedCrds.push(...crds);
    for (const crd of crds) {
      if (crd.metadata.annotations?.['atonix.io/schema']) {
        const spec = crd.spec as any;
        for (const version of spec.versions) {
          this.#openSchemaKinds.add(
            `${spec.group}/${version.name}/${spec.names.kind}`,
          );
        }
      }
    }
    await this.apply(...crds);
    await eventually(
      async () => {
        for (const crd of crds) {
          const { body } = await this.request(
            'GET',
            `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${
              crd.metadata!.name
            }`,
          );
          const established = body.status?.conditions?.some(
            (c: { type: string; status: string }) =>
              c.type === 'Established' && c.status === 'True',
          );
          if (!established) {
            throw new Error(
              `the CustomResourceDefinition ${crd.metadata.name} was not established within 30 s`,
            );
          }
        }
      },
      30_000,
      100,
    );
  }
}

/** The objects of a multi-document YAML text, as the API server would receive them. */
export function readManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map(doc => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => !!object);
}

/**
 * The read-only identity gitops/ gives the portal in every cluster (ServiceAccount
 * atonix-portal/atonix-portal, its ClusterRole and binding), from
 * `infrastructure/configs/base/portal/reader.yaml` of `gitopsDir` (default: this checkout's
 * gitops/). Applied to a server, the ServiceAccount's token reads with exactly the portal's rights.
 */
export function portalReader(
  gitopsDir = path.join(findPaths(process.cwd()).targetRoot, 'gitops'),
): KubeObject[] {
  return readManifests(
    readFileSync(
      path.join(gitopsDir, 'infrastructure/configs/base/portal/reader.yaml'),
      'utf8',
    ),
  );
}

/**
 * Where `./run setup` puts a Go tool it builds from tools/<name>, under the root of the checkout
 * the process runs in.
 */
export function defaultToolPath(name: string): string {
  return path.join(findPaths(process.cwd()).targetRoot, '.tools', name, name);
}

async function crdsOf(kinds?: string[]): Promise<KubeObject[]> {
  const dir = path.join(findPaths(process.cwd()).targetRoot, '.tools', 'crds');
  const names = await fs.readdir(dir).catch(() => {
    throw new Error(
      `No CustomResourceDefinitions at ${dir}; run "./run setup" (it generates them from tools/crds)`,
    );
  });
  const crds: KubeObject[] = [];
  for (const name of names.filter(n => n.endsWith('.yaml')).sort()) {
    crds.push(
      ...readManifests(await fs.readFile(path.join(dir, name), 'utf8')),
    );
  }
  if (!kinds) return crds;
  const kindOf = (crd: KubeObject) =>
    `${(crd.spec as any).group}/${(crd.spec as any).names.kind}`;
  const missing = kinds.filter(kind => !crds.some(crd => kindOf(crd) === kind));
  if (missing.length > 0) {
    throw new Error(
      `No CustomResourceDefinition for ${missing.join(
        ', ',
      )} in ${dir} (tools/crds/README.md lists what it generates)`,
    );
  }
  return crds.filter(crd => kinds.includes(kindOf(crd)));
}

function ownerKey(object: KubeObject): string {
  return `${object.apiVersion}/${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`;
}

function withoutServerFields<T extends KubeObject>(object: T): T {
  const {
    uid,
    resourceVersion,
    creationTimestamp,
    generation,
    managedFields,
    selfLink,
    ...metadata
  } = (object.metadata ?? {}) as any;
  return { ...object, metadata };
}
