import { promises as fs } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Document, LineCounter, parseAllDocuments } from 'yaml';
import { isReservedName } from '@internal/backstage-plugin-atonix-serverless-common';
import { functionFileLocator, parseFunctionFile } from '../functionFile';
import {
  RuleId,
  checkFunctionPolicy,
  hardcodedSecretMessage,
} from '../policy/rules';
import { detectSecrets, findKnownTokens } from '../policy/secrets';
import { FUNCTIONS_FOLDER, FUNCTION_FILE_NAME } from '../render/names';
import { TOPOLOGY_ALLOWED_NAMESPACES } from '../render/tenant';
import { checkRevisionHistory, readRevisionHistory } from './revisionHistory';
import {
  ClusterGraph,
  FLUX_KUSTOMIZATION,
  FluxKustomization,
  PREEXISTING_NAMESPACES,
  checkFluxCycles,
  checkFluxReferences,
  fluxKey,
  fluxSourceKey,
  namespacesAvailableTo,
} from './fluxGraph';
import {
  KustomizeBuild,
  kustomizeBuild,
  kustomizeCommandLine,
} from './kustomize';
import {
  ManifestObject,
  ObjectFinding,
  functionAlertFindings,
  literalEnvVars,
  objectFindings,
  teamNamespaceFindings,
} from './objectRules';
import { dotted, pointerPath } from './fieldPath';
import {
  POD_SECURITY_ENFORCE,
  PodSecurityLevel,
  podSecurityFindings,
} from './podSecurity';
import { checkRules } from './promtool';
import { validateOwnSchema } from './schemas/ownSchemas';
import {
  isSopsEncrypted,
  providedSecrets,
  receiverTokenFindings,
  secretRefFindings,
  sopsRecipientFindings,
} from './secretRules';
import { SopsConfig, readSopsConfig } from '../sops/sopsConfig';
import {
  TenantContext,
  allowedCallersAnnotationFindings,
  imageTagFindings,
  networkPolicyFindings,
  tenantIsolationFindings,
  unpinnedImageReason,
} from './tenantRules';
import { PackagedSchemas, SchemaIssue } from './schemas/packagedSchemas';
import {
  SourceIndex,
  displayPath,
  listYamlFiles,
  pathAtOffset,
} from './sourceIndex';

/** One broken rule: `file:line: rule: message`, where the message says what to do. */
export interface Violation {
  file: string;
  line: number;
  rule: RuleId;
  message: string;
}

export interface ValidateOptions {
  /** The kustomize binary that builds the tree; `kustomize` on PATH by default. */
  kustomize?: string;
  /**
   * Incremental mode, for a pull request: the files it changes (absolute, or relative to the
   * working directory). When every one lies in a team's folder (`functions/<team>/...`), only the
   * platform's Flux paths and those teams' are built, only those teams' folders are checked, and
   * the answer is what a full run reports inside those folders. A change anywhere else (platform,
   * tenants, clusters) can affect every folder, so it validates the whole tree.
   */
  changedFiles?: string[];
}

/** The line printed for a violation, in the format editors and CI annotators understand. */
export function formatViolation(violation: Violation): string {
  return `${violation.file}:${violation.line}: ${violation.rule}: ${violation.message}`;
}

/** Kinds that have no namespace; every other object must be placed in one that exists. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'PersistentVolume',
  'IngressClass',
  'RuntimeClass',
  'APIService',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ClusterIssuer',
  'ClusterSecretStore',
  'GlobalNetworkPolicy',
  'GlobalNetworkSet',
  'Installation',
  'APIServer',
  'FelixConfiguration',
  'IPPool',
  'BGPConfiguration',
  'ClusterTriggerAuthentication',
]);

/**
 * Fields the packaged schemas require although the real API does not: Knative names the user
 * container itself, and the Knative operator's source toggles are each optional (the schema is
 * generated from Go structs without `omitempty`). Users are never asked to add these.
 */
const PACKAGED_SCHEMA_DEFECTS: Array<{ apiGroup: string; pointer: RegExp }> = [
  { apiGroup: 'serving.knative.dev/', pointer: /\/containers\/\d+\/name$/ },
  { apiGroup: 'operator.knative.dev/', pointer: /^\/spec\/source\/[a-z]+$/ },
];

/** Schema issues that are not the user's to fix. */
function isExpected(object: ManifestObject, issue: SchemaIssue) {
  if (
    issue.keyword === 'required' &&
    PACKAGED_SCHEMA_DEFECTS.some(
      defect =>
        object.apiVersion?.startsWith(defect.apiGroup) &&
        defect.pointer.test(issue.pointer),
    )
  ) {
    return true;
  }
  // SOPS replaces each base64 value with ENC[...]; Flux decrypts it before applying.
  return (
    isSopsEncrypted(object) &&
    issue.keyword === 'format' &&
    issue.pointer.startsWith('/data/')
  );
}

function isInside(folder: string, file: string) {
  const rel = relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep));
}

/** A folder built once, whichever clusters apply it. */
interface BuiltFolder {
  objects: ManifestObject[];
  /** The `kustomize build` output, and the document each object was read from. */
  text: string;
  docs: Document.Parsed[];
  /** The team whose functions the folder holds, for rule `team-namespace`. */
  team?: string;
  /** kustomize could not build it (rule `kustomize-build`): its objects are unknown. */
  failed?: boolean;
}

/** What the rules need to know about the clusters as a whole. */
interface ClusterFacts {
  /** Each team synced by a Flux Kustomization, with the ServiceAccount it impersonates. */
  teams: Map<string, string | undefined>;
  /** The Pod Security level each namespace created in the tree enforces. */
  podSecurity: Map<string, PodSecurityLevel>;
  /** Namespaces the platform owns: pre-existing, created for components, or reserved names. */
  platformNamespaces: Set<string>;
  knativeSecurePodDefaults: boolean;
  prometheusEnforcesNamespace: boolean;
  /** Each RabbitmqCluster (`<namespace>/<name>`) and the namespaces it lets declare topology. */
  rabbitmqTopologyAllowed: Map<string, Set<string>>;
}

function tenantContext(
  team: string,
  objects: ManifestObject[],
  facts: ClusterFacts,
): TenantContext {
  const names = (kind: string) =>
    new Set(
      objects
        .filter(
          o => o.apiVersion?.startsWith('rabbitmq.com/') && o.kind === kind,
        )
        .map(o =>
          String((o.spec as { name?: string })?.name ?? o.metadata?.name),
        ),
    );
  return {
    team,
    reconcilerServiceAccount: facts.teams.get(team),
    prometheusEnforcesNamespace: facts.prometheusEnforcesNamespace,
    declaredExchanges: names('Exchange'),
    declaredQueues: names('Queue'),
    rabbitmqTopologyAllowed: facts.rabbitmqTopologyAllowed,
  };
}

function parseBuild(text: string): Pick<BuiltFolder, 'objects' | 'docs'> {
  const objects: ManifestObject[] = [];
  const kept: Document.Parsed[] = [];
  const docs: Document.Parsed[] = [...parseAllDocuments(text)];
  for (const doc of docs) {
    const object = doc.toJSON() as unknown;
    if (typeof object === 'object' && object !== null) {
      objects.push(object as ManifestObject);
      kept.push(doc);
    }
  }
  return { objects, docs: kept };
}

/**
 * Rule `hardcoded-secret` over one built folder, with one secretlint pass for its literal env vars
 * (judged with their names) and one for the whole output (credentials of a known format in any
 * other string: ConfigMap data, Helm values).
 */
async function hardcodedSecretFindings(
  folder: BuiltFolder,
): Promise<Array<{ index: number; finding: ObjectFinding }>> {
  const env = folder.objects.flatMap((object, index) =>
    literalEnvVars(object).map(entry => ({ ...entry, index })),
  );
  const reasons = await detectSecrets(env);
  const found = env.flatMap(({ index, path, name }, i) => {
    const reason = reasons[i];
    return reason
      ? [
          {
            index,
            finding: {
              rule: 'hardcoded-secret' as const,
              path,
              message: hardcodedSecretMessage(name, reason),
            },
          },
        ]
      : [];
  });
  const envPaths = new Set(env.map(e => `${e.index}/${e.path.join('/')}`));
  for (const token of await findKnownTokens(folder.text)) {
    const index = folder.docs.findIndex(
      ({ range }) => range[0] <= token.range[0] && token.range[0] < range[2],
    );
    if (index < 0) continue;
    const path = pathAtOffset(folder.docs[index], token.range[0]);
    if (envPaths.has(`${index}/${path.join('/')}`)) continue;
    found.push({
      index,
      finding: {
        rule: 'hardcoded-secret',
        path,
        message: `${dotted(path)} contains ${
          token.what
        }; move it to a Secret (SOPS, SealedSecret or ExternalSecret) and reference it`,
      },
    });
  }
  return found;
}

class GitopsTreeValidator {
  readonly #root: string;
  readonly #display: (absolute: string) => string;
  readonly #sources: SourceIndex;
  readonly #kustomize?: string;
  readonly #violations: Violation[] = [];
  readonly #builds = new Map<string, Promise<KustomizeBuild>>();
  readonly #built = new Map<string, BuiltFolder>();
  /** The folders an incremental run is about (functions/<team>/<name> or functions/<team>). */
  readonly #scope?: string[];
  #sopsConfig?: Promise<SopsConfig | undefined>;

  constructor(dir: string, options: ValidateOptions) {
    this.#root = resolve(dir);
    this.#display = displayPath(dir, this.#root);
    this.#kustomize = options.kustomize;
    // A change to a function's folder is about that folder; one to a team's own files
    // (functions/<team>/kustomization.yaml) is about the whole team.
    const functionsRoot = join(this.#root, FUNCTIONS_FOLDER);
    const folders = (options.changedFiles ?? []).map(file => {
      const segments = relative(functionsRoot, resolve(file)).split(sep);
      if (!isInside(functionsRoot, resolve(file)) || segments.length < 2) {
        return undefined;
      }
      return join(
        functionsRoot,
        ...segments.slice(0, segments.length > 2 ? 2 : 1),
      );
    });
    if (options.changedFiles && folders.every(Boolean)) {
      this.#scope = [...new Set(folders as string[])];
    }
    this.#sources = new SourceIndex(this.#root, this.#display, path =>
      this.#reads(path),
    );
  }

  /**
   * Whether a file or folder is checked in this run: always, unless it is incremental; then
   * everything outside the teams' folders and everything inside the changed folders.
   */
  #inScope(path: string): boolean {
    const functionsRoot = join(this.#root, FUNCTIONS_FOLDER);
    return (
      !this.#scope ||
      !isInside(functionsRoot, path) ||
      this.#scope.some(folder => isInside(folder, path))
    );
  }

  /** Whether this run reads a file or builds a folder: in scope, or holding a changed folder. */
  #reads(path: string): boolean {
    return (
      this.#inScope(path) ||
      this.#scope!.some(changed => isInside(path, changed))
    );
  }

  async run(): Promise<Violation[]> {
    // The changed teams' Flux paths build while the clusters' graph is walked to reach them.
    const functionsRoot = join(this.#root, FUNCTIONS_FOLDER);
    for (const folder of this.#scope ?? []) {
      const [team] = relative(functionsRoot, folder).split(sep);
      void this.#build(join(functionsRoot, team));
    }
    const files = await listYamlFiles(this.#root, folder =>
      this.#reads(folder),
    );
    const graphs: ClusterGraph[] = [];
    for (const entry of await this.#entryPoints(files)) {
      graphs.push(await this.#walkCluster(entry));
    }
    const facts = this.#clusterFacts(graphs);
    await this.#checkFunctionFiles(files, facts);
    for (const graph of graphs) {
      await this.#checkCluster(graph, facts);
    }
    await this.#checkObjects(facts);

    // An incremental run reports what lies in the changed folders, and what the build of their
    // team reports on the team's own files (functions/<team>/kustomization.yaml).
    const scope = this.#scope?.map(folder => this.#display(folder));
    const teams = this.#scope?.map(folder =>
      this.#display(
        join(functionsRoot, relative(functionsRoot, folder).split(sep)[0]),
      ),
    );
    const reported =
      scope && teams
        ? this.#violations.filter(
            v =>
              scope.some(folder => v.file.startsWith(`${folder}${sep}`)) ||
              teams.includes(dirname(v.file)),
          )
        : this.#violations;
    // Two clusters applying the same base report its problems once.
    const unique = new Map(reported.map(v => [formatViolation(v), v]));
    return [...unique.values()].sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        a.line - b.line ||
        a.rule.localeCompare(b.rule),
    );
  }

  async #report(
    rule: RuleId,
    object: ManifestObject,
    path: Array<string | number>,
    message: string,
    fallbackFile: string,
  ) {
    const { file, line } = await this.#sources.locate(
      object,
      path,
      fallbackFile,
    );
    this.#violations.push({ file, line, rule, message });
  }

  /**
   * Flux resolves `spec.path` against the root of the source repository. The validator is given
   * the repository's `gitops/` folder (or a copy of it), so a path starting with that folder's own
   * name (`./gitops/...`) is read from its parent, any other path from the folder itself.
   */
  #resolveFluxPath(path: string): string {
    const segments = path
      .replace(/^\.?\//, '')
      .split('/')
      .filter(Boolean);
    return segments[0] === this.#root.split(sep).pop()
      ? resolve(dirname(this.#root), ...segments)
      : resolve(this.#root, ...segments);
  }

  #toFlux(object: ManifestObject): FluxKustomization {
    const spec = (object.spec ?? {}) as FluxKustomization['spec'];
    const path = this.#resolveFluxPath(spec.path ?? '.');
    const functionsRoot = join(this.#root, FUNCTIONS_FOLDER);
    const [team] = relative(functionsRoot, path).split(sep);
    const name = String(object.metadata?.name);
    const namespace = object.metadata?.namespace ?? 'default';
    return {
      key: fluxKey(namespace, name),
      name,
      namespace,
      object,
      spec,
      path,
      team: isInside(functionsRoot, path) && team ? team : undefined,
    };
  }

  /**
   * The root Kustomization of each cluster: the one that applies the folder it is written in, as
   * `flux bootstrap` sets up in `clusters/<cluster>/flux-system`. A tree without one (a single
   * team's repository, say) starts from every Kustomization no other one applies.
   */
  async #entryPoints(files: string[]) {
    const declared: Array<{ file: string; k: FluxKustomization }> = [];
    for (const file of files.filter(f => this.#inScope(f))) {
      const text = await fs.readFile(file, 'utf8');
      if (!text.includes('kustomize.toolkit.fluxcd.io')) {
        continue;
      }
      const lines = new LineCounter();
      for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
        const [error] = doc.errors;
        if (error) {
          // A root Kustomization that cannot be read would leave its whole cluster unchecked.
          this.#violations.push({
            file: this.#display(file),
            line: lines.linePos(error.pos[0]).line,
            rule: 'schema',
            message: `this is not valid YAML (${
              error.message.split('\n')[0]
            }); fix the syntax`,
          });
          continue;
        }
        const object = doc.toJSON() as ManifestObject | null;
        if (`${object?.apiVersion}/${object?.kind}` === FLUX_KUSTOMIZATION) {
          declared.push({ file, k: this.#toFlux(object!) });
        }
      }
    }
    // Teams' folders never hold a cluster's root: a Flux object there is refused (rule
    // tenant-isolation), not followed.
    const functionsRoot = join(this.#root, FUNCTIONS_FOLDER);
    const roots = declared.filter(
      ({ file, k }) => isInside(k.path, file) && !isInside(functionsRoot, file),
    );
    const entries =
      roots.length > 0
        ? roots
        : declared.filter(
            ({ file }) => !declared.some(({ k }) => isInside(k.path, file)),
          );
    if (entries.length === 0) {
      this.#violations.push({
        file: this.#display(this.#root),
        line: 1,
        rule: 'flux-ref',
        message:
          'no Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) was found, so Flux would apply nothing from this tree; validate the folder that holds clusters/<cluster>/flux-system',
      });
    }
    return entries;
  }

  #build(path: string) {
    if (!this.#builds.has(path)) {
      this.#builds.set(path, kustomizeBuild(path, this.#kustomize));
    }
    return this.#builds.get(path)!;
  }

  /**
   * Follows one cluster from its root Kustomization: builds each Kustomization's folder (those of
   * one level in parallel) and continues with the Kustomizations found in the output.
   */
  async #walkCluster(entry: {
    file: string;
    k: FluxKustomization;
  }): Promise<ClusterGraph> {
    const graph: ClusterGraph = {
      entryFile: entry.file,
      kustomizations: new Map([[entry.k.key, entry.k]]),
      appliedBy: new Map(),
      sources: new Set(),
      namespacesCreatedBy: new Map(),
    };
    // Flux sources by `<namespace>/<name>`: a Kustomization whose GitRepository is another
    // project's repository (a pinned upstream install) applies that repository, not this tree.
    const gitRepositories = new Map<string, ManifestObject>();
    let level = [entry.k];
    while (level.length > 0) {
      const next: FluxKustomization[] = [];
      await Promise.all(
        level.map(async k => {
          const objects = await this.#buildKustomization(k, entry.file);
          for (const object of objects) {
            if (
              object.kind === 'GitRepository' &&
              object.apiVersion?.startsWith('source.toolkit.fluxcd.io/')
            ) {
              gitRepositories.set(
                `${object.metadata?.namespace ?? k.namespace}/${
                  object.metadata?.name
                }`,
                object,
              );
            }
          }
          const namespaces = new Set<string>();
          graph.namespacesCreatedBy.set(k.key, namespaces);
          for (const object of objects) {
            if (object.kind === 'Namespace' && object.metadata?.name) {
              namespaces.add(object.metadata.name);
            }
            if (k.team) {
              // A team's Flux objects are refused (rule tenant-isolation), not followed: the
              // cluster's graph is what the platform syncs.
              continue;
            }
            const sourceKey = fluxSourceKey(object);
            if (sourceKey) {
              graph.sources.add(sourceKey);
            }
            if (`${object.apiVersion}/${object.kind}` === FLUX_KUSTOMIZATION) {
              const child = this.#toFlux(object);
              if (!graph.kustomizations.has(child.key)) {
                graph.kustomizations.set(child.key, child);
                graph.appliedBy.set(child.key, k.key);
                next.push(child);
              }
            }
          }
        }),
      );
      level = [];
      for (const child of next) {
        const source = this.#upstreamSource(child, entry.k, gitRepositories);
        if (source) {
          await this.#checkUpstreamPin(child, source, entry.file);
        } else {
          level.push(child);
        }
      }
    }
    return graph;
  }

  /** The GitRepository a Kustomization applies, when it is not the repository of this tree. */
  #upstreamSource(
    k: FluxKustomization,
    root: FluxKustomization,
    gitRepositories: Map<string, ManifestObject>,
  ): ManifestObject | undefined {
    const sourceOf = (of: FluxKustomization) =>
      of.spec.sourceRef?.kind === 'GitRepository'
        ? gitRepositories.get(
            `${of.spec.sourceRef.namespace ?? of.namespace}/${
              of.spec.sourceRef.name
            }`,
          )
        : undefined;
    const own = (sourceOf(root)?.spec as { url?: string } | undefined)?.url;
    const source = sourceOf(k);
    const url = (source?.spec as { url?: string } | undefined)?.url;
    return own && url && url !== own ? source : undefined;
  }

  /**
   * Another project's repository changes under the cluster unless it is pinned: what Flux applies
   * from it must change only through a pull request here.
   */
  async #checkUpstreamPin(
    k: FluxKustomization,
    source: ManifestObject,
    entryFile: string,
  ) {
    const ref = ((source.spec as { ref?: Record<string, string> }).ref ??
      {}) as Record<string, string>;
    if (!ref.tag && !ref.commit && !ref.semver) {
      await this.#report(
        'flux-ref',
        source,
        ['spec', 'ref'],
        `GitRepository ${
          source.metadata?.name
        } is another project's repository (${
          (source.spec as { url?: string }).url
        }) applied by Kustomization ${k.name} at ${
          ref.branch ? `branch ${ref.branch}` : 'its default branch'
        }; pin a release with spec.ref.tag (or spec.ref.commit) so the cluster changes only through a pull request`,
        entryFile,
      );
    }
  }

  /** The objects a Kustomization applies, or none (and a violation) when its folder fails. */
  async #buildKustomization(
    k: FluxKustomization,
    entryFile: string,
  ): Promise<ManifestObject[]> {
    const known = this.#built.get(k.path);
    if (known) {
      return known.objects;
    }
    if (!this.#reads(k.path)) {
      return [];
    }
    const isFolder = await fs.stat(k.path).then(
      stat => stat.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      await this.#report(
        'flux-ref',
        k.object,
        ['spec', 'path'],
        `Kustomization ${k.name} points at ${this.#display(
          k.path,
        )}, which does not exist; fix spec.path (relative to the repository root)`,
        entryFile,
      );
      return [];
    }
    const result = await this.#build(k.path);
    if (this.#built.has(k.path)) {
      return this.#built.get(k.path)!.objects;
    }
    const text = result.ok ? result.output : '';
    this.#built.set(k.path, {
      ...parseBuild(text),
      text,
      team: k.team,
      failed: !result.ok,
    });
    if (!result.ok) {
      this.#violations.push({
        file: this.#display(join(k.path, 'kustomization.yaml')),
        line: 1,
        rule: 'kustomize-build',
        message: `kustomize cannot build this folder: ${
          result.error.split('\n')[0]
        }; run \`${kustomizeCommandLine(
          this.#display(k.path),
        )}\` and fix what it reports`,
      });
    }
    return this.#built.get(k.path)!.objects;
  }

  /** What the rules need to know about the clusters as a whole, read from everything built. */
  #clusterFacts(graphs: ClusterGraph[]): ClusterFacts {
    const teams = new Map<string, string | undefined>();
    for (const graph of graphs) {
      for (const k of graph.kustomizations.values()) {
        if (k.team) teams.set(k.team, k.spec.serviceAccountName);
      }
    }
    const podSecurity = new Map<string, PodSecurityLevel>();
    const platformNamespaces = new Set(PREEXISTING_NAMESPACES);
    let knativeSecurePodDefaults = false;
    let prometheusEnforcesNamespace = false;
    const rabbitmqTopologyAllowed = new Map<string, Set<string>>();
    for (const { objects } of this.#built.values()) {
      // A team's namespace is created beside the team's own Flux Kustomization (the tenant
      // folder); every other Namespace in the tree belongs to the platform.
      const teamsHere = new Set(
        objects
          .filter(o => `${o.apiVersion}/${o.kind}` === FLUX_KUSTOMIZATION)
          .map(o => this.#toFlux(o).team),
      );
      for (const object of objects) {
        const spec = (object.spec ?? {}) as Record<string, any>;
        const name = object.metadata?.name;
        if (object.kind === 'Namespace' && name) {
          const level = object.metadata?.labels?.[POD_SECURITY_ENFORCE];
          podSecurity.set(name, (level as PodSecurityLevel) ?? 'privileged');
          if (!teamsHere.has(name)) {
            platformNamespaces.add(name);
          }
        } else if (object.kind === 'HelmRelease') {
          for (const field of ['targetNamespace', 'storageNamespace']) {
            if (typeof spec[field] === 'string') {
              platformNamespaces.add(spec[field]);
            }
          }
          // kube-prometheus-stack's values: prometheus.prometheusSpec.enforcedNamespaceLabel.
          if (spec.values?.prometheus?.prometheusSpec?.enforcedNamespaceLabel) {
            prometheusEnforcesNamespace = true;
          }
        } else if (
          object.kind === 'Prometheus' &&
          spec.enforcedNamespaceLabel
        ) {
          prometheusEnforcesNamespace = true;
        } else if (
          object.kind === 'RabbitmqCluster' &&
          object.apiVersion?.startsWith('rabbitmq.com/')
        ) {
          const listed =
            object.metadata?.annotations?.[TOPOLOGY_ALLOWED_NAMESPACES] ?? '';
          rabbitmqTopologyAllowed.set(
            `${object.metadata?.namespace}/${name}`,
            new Set(listed.split(',')),
          );
        } else if (object.kind === 'KnativeServing') {
          knativeSecurePodDefaults ||=
            spec.config?.features?.['secure-pod-defaults'] === 'enabled';
        }
      }
    }
    for (const team of teams.keys()) {
      if (isReservedName(team)) platformNamespaces.add(team);
    }
    return {
      teams,
      podSecurity,
      platformNamespaces,
      knativeSecurePodDefaults,
      prometheusEnforcesNamespace,
      rabbitmqTopologyAllowed,
    };
  }

  /** The Flux graph of one cluster: references, cycles, namespaces and tenant isolation. */
  async #checkCluster(graph: ClusterGraph, facts: ClusterFacts) {
    for (const finding of [
      ...checkFluxReferences(graph),
      ...checkFluxCycles(graph),
    ]) {
      await this.#report(
        finding.rule,
        finding.kustomization.object,
        finding.path,
        finding.message,
        graph.entryFile,
      );
    }
    for (const k of graph.kustomizations.values()) {
      const available = namespacesAvailableTo(graph, k.key);
      for (const object of this.#built.get(k.path)?.objects ?? []) {
        const namespace = k.spec.targetNamespace ?? object.metadata?.namespace;
        if (
          namespace &&
          !CLUSTER_SCOPED_KINDS.has(String(object.kind)) &&
          !available.has(namespace)
        ) {
          await this.#report(
            'flux-ref',
            object,
            ['metadata', 'namespace'],
            `${object.kind} ${object.metadata?.name} goes into namespace ${namespace}, which no Kustomization applied before ${k.name} creates; create the Namespace in this Kustomization or one it dependsOn`,
            join(k.path, 'kustomization.yaml'),
          );
        }
      }
      if (k.team && facts.platformNamespaces.has(k.team)) {
        await this.#report(
          'tenant-isolation',
          k.object,
          ['spec', 'path'],
          `Kustomization ${k.name} syncs functions/${k.team} into namespace ${k.team}, which is a platform namespace; a team named after it would own what the platform runs there: choose another team name`,
          graph.entryFile,
        );
      }
      if (
        k.team &&
        (k.namespace !== k.team ||
          !k.spec.serviceAccountName ||
          (k.spec.targetNamespace ?? k.team) !== k.team)
      ) {
        await this.#report(
          'team-namespace',
          k.object,
          ['spec', 'serviceAccountName'],
          `Kustomization ${k.name} applies the functions of team ${k.team}, so it must live in namespace ${k.team}, target no other namespace (spec.targetNamespace) and impersonate the team's service account (spec.serviceAccountName)`,
          graph.entryFile,
        );
      }
    }
  }

  /** Schemas and the platform rules of single objects, once per built folder. */
  async #checkObjects(facts: ClusterFacts) {
    const schemas = await PackagedSchemas.shared();
    const prometheusRules: Array<{ object: ManifestObject; fallback: string }> =
      [];
    const functionsRoot = join(this.#root, FUNCTIONS_FOLDER);
    for (const [path, folder] of this.#built) {
      if (
        !this.#reads(path) ||
        (this.#scope && !isInside(functionsRoot, path))
      ) {
        continue;
      }
      const { objects, team } = folder;
      const tenant = team ? tenantContext(team, objects, facts) : undefined;
      const fallback = join(path, 'kustomization.yaml');
      const packaged = await schemas.validate(
        objects.map(object => {
          if (!isSopsEncrypted(object)) {
            return object;
          }
          const { sops: _sops, ...secret } = object;
          return secret;
        }),
      );
      // Custom scaling metrics are served from series that a PrometheusRule beside them records.
      const recordedSeries = new Set(
        objects
          .filter(o => o.kind === 'PrometheusRule')
          .flatMap(
            o =>
              (
                o.spec as {
                  groups?: Array<{ rules?: Array<{ record?: string }> }>;
                }
              )?.groups ?? [],
          )
          .flatMap(group => group.rules ?? [])
          .flatMap(rule => (rule.record ? [rule.record] : [])),
      );
      for (const { index, finding } of await hardcodedSecretFindings(folder)) {
        await this.#report(
          finding.rule,
          objects[index],
          finding.path,
          finding.message,
          fallback,
        );
      }
      for (const [index, object] of objects.entries()) {
        const own = validateOwnSchema(object);
        const result = own.known ? own : packaged[index];
        if (!result.known) {
          await this.#report(
            'schema',
            object,
            ['apiVersion'],
            `no schema is known for ${object.apiVersion} ${object.kind} (${object.kind} ${object.metadata?.name}), so it cannot be checked; fix apiVersion/kind, or add a schema in plugins/atonix-serverless-node/src/validate/schemas/ownSchemas.ts`,
            fallback,
          );
        }
        for (const issue of result.issues) {
          if (isExpected(object, issue)) {
            continue;
          }
          const fieldPath = pointerPath(issue.pointer);
          const message =
            issue.keyword === 'unknown'
              ? `${dotted(fieldPath)} is not a field of ${object.apiVersion} ${
                  object.kind
                }; remove it or fix its spelling`
              : `${dotted(fieldPath) || '(object)'} ${issue.message} in ${
                  object.kind
                } ${object.metadata?.name}; fix the value`;
          await this.#report('schema', object, fieldPath, message, fallback);
        }
        if (object.kind === 'PrometheusRule') {
          prometheusRules.push({ object, fallback });
        }
        const namespace = object.metadata?.namespace;
        for (const finding of [
          ...(isSopsEncrypted(object)
            ? await this.#sopsRecipientFindings(object)
            : []),
          ...objectFindings(object, recordedSeries),
          ...(team
            ? [
                ...teamNamespaceFindings(object, team),
                ...functionAlertFindings(object, team),
              ]
            : []),
          ...(tenant
            ? [
                ...imageTagFindings(object),
                ...tenantIsolationFindings(object, tenant),
              ]
            : []),
          ...(namespace && facts.teams.has(namespace)
            ? [
                ...networkPolicyFindings(object),
                ...this.#receiverTokenFindings(object, namespace),
              ]
            : []),
          ...podSecurityFindings(
            object,
            (namespace && facts.podSecurity.get(namespace)) || 'privileged',
            facts.knativeSecurePodDefaults,
          ),
        ]) {
          await this.#report(
            finding.rule,
            object,
            finding.path,
            finding.message,
            fallback,
          );
        }
      }
    }
    await this.#checkPrometheusRules(prometheusRules);
  }

  /**
   * Rule `prometheus-rule`: every PrometheusRule's groups pass `promtool check rules` (PromQL that
   * parses, valid rule names, labels and templates), all in one promtool run. The Prometheus
   * Operator would accept a broken rule and Prometheus would drop the whole group silently.
   */
  async #checkPrometheusRules(
    rules: Array<{ object: ManifestObject; fallback: string }>,
  ) {
    const problems = await checkRules(
      rules.map(({ object }) => ({
        groups: (object.spec as { groups?: unknown[] })?.groups ?? [],
      })),
    );
    for (const [index, problem] of problems.entries()) {
      if (problem) {
        const { object, fallback } = rules[index];
        // promtool names the group and the 1-based rule: point at that rule when it does.
        const at = /^group "([^"]*)", rule (\d+)/.exec(problem);
        const groups =
          (object.spec as { groups?: Array<{ name?: string }> })?.groups ?? [];
        const group = at ? groups.findIndex(g => g.name === at[1]) : -1;
        await this.#report(
          'prometheus-rule',
          object,
          group === -1
            ? ['spec', 'groups']
            : ['spec', 'groups', group, 'rules', Number(at![2]) - 1],
          `PrometheusRule ${object.metadata?.name} fails promtool check rules: ${problem}; fix the rule (promtool check rules runs the same check locally)`,
          fallback,
        );
      }
    }
  }

  /**
   * Rule `secret-ref` for a team's Flux Receiver, against what the team's functions folder (the
   * folder its own Kustomization applies into the same namespace) provides; nothing when that folder
   * does not build (reported where it fails).
   */
  #receiverTokenFindings(
    object: ManifestObject,
    team: string,
  ): ObjectFinding[] {
    if (object.kind !== 'Receiver') return [];
    const teamBuild = this.#built.get(join(this.#root, FUNCTIONS_FOLDER, team));
    if (teamBuild?.failed) return [];
    return receiverTokenFindings(object, team, teamBuild?.objects ?? []);
  }

  /** Rule `sops-recipients` for one SOPS-encrypted Secret, by the file it was written in. */
  async #sopsRecipientFindings(
    object: ManifestObject,
  ): Promise<ObjectFinding[]> {
    const file = await this.#sources.fileOf(object);
    if (!file) return [];
    this.#sopsConfig ??= readSopsConfig(this.#root).catch(error => {
      this.#violations.push({
        file: this.#display(join(this.#root, '.sops.yaml')),
        line: 1,
        rule: 'sops-recipients',
        message: String((error as Error).message),
      });
      return undefined;
    });
    return sopsRecipientFindings(
      object,
      relative(this.#root, file).split(sep).join('/'),
      await this.#sopsConfig,
    );
  }

  /**
   * The `function.yaml` of every function folder: a valid spec, in the folder its team and name
   * say, within the platform's rules.
   */
  async #checkFunctionFiles(files: string[], facts: ClusterFacts) {
    const functionsRoot = join(this.#root, FUNCTIONS_FOLDER);
    for (const file of files) {
      const [team, name, fileName, ...deeper] = relative(
        functionsRoot,
        file,
      ).split(sep);
      if (
        team === '..' ||
        fileName !== FUNCTION_FILE_NAME ||
        deeper.length ||
        !this.#inScope(file)
      ) {
        continue;
      }
      const text = await fs.readFile(file, 'utf8');
      const at = functionFileLocator(text);
      const report = (rule: RuleId, field: string, message: string) =>
        this.#violations.push({
          file: this.#display(file),
          line: at(field),
          rule,
          message,
        });
      const parsed = parseFunctionFile(text);
      if (!parsed.success) {
        for (const issue of parsed.issues) {
          report('schema', issue.path, `${issue.path}: ${issue.message}`);
        }
        continue;
      }
      const { spec } = parsed;
      if (spec.team !== team || spec.name !== name) {
        report(
          'team-namespace',
          spec.team !== team ? 'team' : 'name',
          `function ${spec.team}/${spec.name} is in folder functions/${team}/${name}; a function lives in functions/<team>/<name>, so move it or fix team and name`,
        );
      }
      for (const finding of await checkFunctionPolicy(spec)) {
        report(finding.rule, finding.field, finding.message);
      }
      // The team's folder as Flux builds it; a team no Kustomization syncs, or whose folder does
      // not build, has no Secrets to see.
      const teamBuild = this.#built.get(join(functionsRoot, team));
      if (teamBuild && !teamBuild.failed) {
        for (const finding of [
          ...secretRefFindings(spec, providedSecrets(teamBuild.objects)),
          ...allowedCallersAnnotationFindings(spec, teamBuild.objects),
        ]) {
          report(finding.rule, finding.field, finding.message);
        }
      }
      // Only a function that names revisions has a history to check; the others cost no git call.
      if (spec.revisionName || spec.traffic) {
        const history = await readRevisionHistory(file, text);
        for (const finding of checkRevisionHistory(spec, history)) {
          report(finding.rule, finding.field, finding.message);
        }
      }
      const unpinned = unpinnedImageReason(spec.image);
      if (unpinned) {
        report('image-tag', 'image', unpinned);
      }
      spec.allowedCallers.forEach((caller, index) => {
        if (!facts.teams.has(caller)) {
          report(
            'allowed-callers',
            `allowedCallers.${index}`,
            `allowedCallers names ${caller}, which is not a team of this repository (tenants/); a caller is a team namespace: fix the name, or onboard the team first`,
          );
        }
      });
      if (facts.platformNamespaces.has(spec.team)) {
        report(
          'tenant-isolation',
          'team',
          `team ${spec.team} is a platform namespace; a team named after it would own what the platform runs there: choose another team name`,
        );
      }
    }
  }
}

/**
 * Validates a GitOps tree the way Flux would apply it: builds every folder a Flux Kustomization
 * points at, validates every object against its schema (unknown fields are errors), checks the
 * Flux graph (references, cycles, namespaces created upstream) and the platform rules. The
 * violations come sorted by file and line; an empty list means the tree is clean.
 */
export function validateGitopsTree(
  dir: string,
  options: ValidateOptions = {},
): Promise<Violation[]> {
  return new GitopsTreeValidator(dir, options).run();
}
