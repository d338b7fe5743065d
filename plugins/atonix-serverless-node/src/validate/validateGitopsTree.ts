import { promises as fs } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import { parseFunctionFile } from '../functionFile';
import { RuleId, checkFunctionPolicy } from '../policy/rules';
import { FUNCTIONS_FOLDER, FUNCTION_FILE_NAME } from '../render/names';
import { KustomizeBuild, kustomizeBuild } from './kustomize';
import {
  ManifestObject,
  objectFindings,
  teamNamespaceFindings,
} from './objectRules';
import { PackagedSchemas } from './schemas/packagedSchemas';
import { validateOwnSchema } from './schemas/ownSchemas';
import { SourceIndex, displayPath, lineOf, listYamlFiles } from './sourceIndex';

/** One broken rule: `file:line: rule: message`, where the message says what to do. */
export interface Violation {
  file: string;
  line: number;
  rule: RuleId;
  message: string;
}

export interface ValidateOptions {
  /** The kubectl binary whose embedded kustomize builds the tree; `kubectl` on PATH by default. */
  kubectl?: string;
}

/** The line printed for a violation, in the format editors and CI annotators understand. */
export function formatViolation(violation: Violation): string {
  return `${violation.file}:${violation.line}: ${violation.rule}: ${violation.message}`;
}

const FLUX_KUSTOMIZATION = 'kustomize.toolkit.fluxcd.io/v1/Kustomization';
const FLUX_SOURCES = new Set(['GitRepository', 'OCIRepository', 'Bucket']);

/** Namespaces every cluster has before Flux applies anything (flux-system comes from bootstrap). */
const PREEXISTING_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'flux-system',
];

/** Kinds that have no namespace; everything else must be placed in one. */
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
  'ClusterInterceptor',
  'ClusterDomainClaim',
]);

interface FluxKustomization {
  object: ManifestObject;
  name: string;
  namespace: string;
  /** Absolute folder `spec.path` points at. */
  path: string;
  /** Team whose functions this Kustomization applies, when its path is `functions/<team>`. */
  team?: string;
}

/**
 * Fields the packaged schemas require although the real API does not: Knative names the user
 * container itself, and the Knative operator's source toggles are each optional (the schema is
 * generated from Go structs without `omitempty`). Users are never asked to add these.
 */
const PACKAGED_SCHEMA_DEFECTS: Array<{ apiGroup: string; pointer: RegExp }> = [
  { apiGroup: 'serving.knative.dev/', pointer: /\/containers\/\d+\/name$/ },
  { apiGroup: 'operator.knative.dev/', pointer: /^\/spec\/source\/[a-z]+$/ },
];

function isPackagedSchemaDefect(
  object: ManifestObject,
  issue: { keyword: string; pointer: string },
) {
  return (
    issue.keyword === 'required' &&
    PACKAGED_SCHEMA_DEFECTS.some(
      defect =>
        object.apiVersion?.startsWith(defect.apiGroup) &&
        defect.pointer.test(issue.pointer),
    )
  );
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

function pointerPath(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function dotted(path: ReadonlyArray<string | number>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) {
      text += `[${segment}]`;
    } else if (/^[A-Za-z_][\w-]*$/.test(segment)) {
      text += `${text ? '.' : ''}${segment}`;
    } else {
      text += `["${segment}"]`;
    }
  }
  return text;
}

/**
 * Flux resolves `spec.path` against the root of the source repository. The validator is pointed
 * at the repository's `gitops/` folder (or a copy of it), so a path starting with that folder's
 * own name (`./gitops/...`) is read from its parent, any other path from the folder itself.
 */
function resolveFluxPath(dir: string, path: string): string {
  const segments = path
    .replace(/^\.?\//, '')
    .split('/')
    .filter(Boolean);
  return segments[0] === resolve(dir).split(sep).pop()
    ? resolve(dirname(resolve(dir)), ...segments)
    : resolve(dir, ...segments);
}

function isInside(folder: string, file: string) {
  const rel = relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep));
}

/**
 * Validates a GitOps tree the way Flux would apply it: builds every folder a Flux Kustomization
 * points at, validates every object against its schema (unknown fields are errors), checks the
 * Flux graph (references, cycles, namespaces created upstream) and the platform rules.
 */
export async function validateGitopsTree(
  dir: string,
  options: ValidateOptions = {},
): Promise<Violation[]> {
  const root = resolve(dir);
  const display = displayPath(dir, root);
  const sources = new SourceIndex(root, display);
  const violations: Violation[] = [];
  const report = async (
    rule: RuleId,
    object: ManifestObject,
    path: Array<string | number>,
    message: string,
    fallbackFile: string,
  ) => {
    const { file, line } = await sources.locate(object, path, fallbackFile);
    violations.push({ file, line, rule, message });
  };

  const files = await listYamlFiles(root);
  violations.push(...(await checkFunctionFiles(root, files, display)));

  // Flux Kustomizations as written in the tree; entry points are those that apply their own
  // folder, as `flux bootstrap` sets up (gitops/clusters/<cluster>).
  const declared: Array<{ file: string; object: ManifestObject }> = [];
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8');
    if (!text.includes('kustomize.toolkit.fluxcd.io')) continue;
    for (const doc of parseAllDocuments(text)) {
      const object = (doc as any).toJSON?.() as ManifestObject | undefined;
      if (
        object &&
        `${object.apiVersion}/${object.kind}` === FLUX_KUSTOMIZATION
      ) {
        declared.push({ file, object });
      }
    }
  }
  const pathOf = (object: ManifestObject) =>
    resolveFluxPath(root, String((object.spec as any)?.path ?? '.'));
  let entries = declared.filter(({ file, object }) =>
    isInside(pathOf(object), file),
  );
  if (entries.length === 0) {
    entries = declared.filter(
      ({ file }) =>
        !declared.some(({ object }) => isInside(pathOf(object), file)),
    );
  }

  const builds = new Map<string, Promise<KustomizeBuild>>();
  const build = (path: string) => {
    if (!builds.has(path))
      builds.set(path, kustomizeBuild(path, options.kubectl));
    return builds.get(path)!;
  };
  /** Objects of each successfully built folder, validated once even if two clusters apply it. */
  const builtObjects = new Map<string, ManifestObject[]>();
  const teamOfPath = new Map<string, string | undefined>();
  const functionsRoot = join(root, FUNCTIONS_FOLDER);

  for (const entry of entries) {
    // One cluster: everything reachable from its entry point, by (namespace, name).
    const kustomizations = new Map<string, FluxKustomization>();
    const parentOf = new Map<string, string>();
    const sourcesInCluster = new Set<string>();
    const namespacesBuiltBy = new Map<string, Set<string>>();
    const toFlux = (object: ManifestObject): FluxKustomization => {
      const path = pathOf(object);
      const rel = relative(functionsRoot, path).split(sep);
      return {
        object,
        name: String(object.metadata?.name),
        namespace: object.metadata?.namespace ?? 'default',
        path,
        team: isInside(functionsRoot, path) && rel[0] ? rel[0] : undefined,
      };
    };
    let level = [toFlux(entry.object)];
    kustomizations.set(keyOf(level[0].namespace, level[0].name), level[0]);
    while (level.length > 0) {
      const next: FluxKustomization[] = [];
      await Promise.all(
        level.map(async k => {
          const kKey = keyOf(k.namespace, k.name);
          const namespaces = new Set<string>();
          namespacesBuiltBy.set(kKey, namespaces);
          const pathExists = await fs.stat(k.path).then(
            s => s.isDirectory(),
            () => false,
          );
          if (!pathExists) {
            await report(
              'flux-ref',
              k.object,
              ['spec', 'path'],
              `Kustomization ${k.name} points at ${display(
                k.path,
              )}, which does not exist; fix spec.path (relative to the repository root)`,
              entry.file,
            );
            return;
          }
          const result = await build(k.path);
          if (!result.ok) {
            if (!builtObjects.has(k.path)) {
              builtObjects.set(k.path, []);
              violations.push({
                file: display(join(k.path, 'kustomization.yaml')),
                line: 1,
                rule: 'kustomize-build',
                message: `kustomize cannot build this folder: ${
                  result.error.split('\n')[0]
                }; run \`kubectl kustomize ${display(
                  k.path,
                )}\` and fix what it reports`,
              });
            }
            return;
          }
          let objects = builtObjects.get(k.path);
          if (!objects) {
            objects = parseAllDocuments(result.output)
              .map(doc => (doc as any).toJSON?.() as ManifestObject)
              .filter(o => o && typeof o === 'object');
            builtObjects.set(k.path, objects);
            teamOfPath.set(k.path, k.team);
          }
          for (const object of objects) {
            if (object.kind === 'Namespace' && object.metadata?.name) {
              namespaces.add(object.metadata.name);
            }
            const spec = object.spec as any;
            if (
              object.apiVersion?.startsWith('source.toolkit.fluxcd.io/') &&
              FLUX_SOURCES.has(String(object.kind))
            ) {
              sourcesInCluster.add(
                `${object.kind}/${keyOf(
                  object.metadata?.namespace ?? 'default',
                  String(object.metadata?.name),
                )}`,
              );
            }
            if (`${object.apiVersion}/${object.kind}` === FLUX_KUSTOMIZATION) {
              const child = toFlux(object);
              const childKey = keyOf(child.namespace, child.name);
              if (!kustomizations.has(childKey)) {
                kustomizations.set(childKey, child);
                if (childKey !== kKey) parentOf.set(childKey, kKey);
                next.push(child);
              }
              void spec;
            }
          }
        }),
      );
      level = next;
    }

    // The Flux graph of this cluster.
    for (const [kKey, k] of kustomizations) {
      const spec = (k.object.spec ?? {}) as any;
      const sourceRef = spec.sourceRef ?? {};
      const sourceKey = `${sourceRef.kind}/${keyOf(
        sourceRef.namespace ?? k.namespace,
        String(sourceRef.name),
      )}`;
      if (!sourcesInCluster.has(sourceKey)) {
        await report(
          'flux-ref',
          k.object,
          ['spec', 'sourceRef'],
          `Kustomization ${k.name} reads from ${sourceRef.kind} ${
            sourceRef.namespace ?? k.namespace
          }/${
            sourceRef.name
          }, which this cluster does not define; fix spec.sourceRef or add the source`,
          entry.file,
        );
      }
      for (const [index, dependency] of (
        (spec.dependsOn ?? []) as any[]
      ).entries()) {
        const dKey = keyOf(
          dependency.namespace ?? k.namespace,
          String(dependency.name),
        );
        if (!kustomizations.has(dKey)) {
          await report(
            'flux-ref',
            k.object,
            ['spec', 'dependsOn', index],
            `Kustomization ${k.name} depends on ${dKey}, which this cluster does not define; fix the name or add that Kustomization`,
            entry.file,
          );
        }
      }
      void kKey;
    }
    const dependsOn = (kKey: string): string[] =>
      (
        ((kustomizations.get(kKey)?.object.spec as any)?.dependsOn ??
          []) as any[]
      )
        .map(d =>
          keyOf(
            d.namespace ?? kustomizations.get(kKey)!.namespace,
            String(d.name),
          ),
        )
        .filter(d => kustomizations.has(d));
    const state = new Map<string, 'visiting' | 'done'>();
    const reportedCycles = new Set<string>();
    const visit = async (kKey: string, stack: string[]) => {
      if (state.get(kKey) === 'done') return;
      if (state.get(kKey) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(kKey)), kKey];
        const id = [...new Set(cycle)].sort().join(',');
        if (!reportedCycles.has(id)) {
          reportedCycles.add(id);
          const k = kustomizations.get(kKey)!;
          await report(
            'flux-cycle',
            k.object,
            ['spec', 'dependsOn'],
            `dependsOn forms a cycle (${cycle.join(
              ' → ',
            )}), so Flux never applies any of them; remove one of these dependencies`,
            entry.file,
          );
        }
        return;
      }
      state.set(kKey, 'visiting');
      for (const d of dependsOn(kKey)) await visit(d, [...stack, kKey]);
      state.set(kKey, 'done');
    };
    for (const kKey of kustomizations.keys()) await visit(kKey, []);

    // Namespaces available to a Kustomization: created by it, by whatever it depends on
    // (transitively), or by the Kustomization that applies it (and so on up).
    const available = new Map<string, Set<string>>();
    const availableTo = (
      kKey: string,
      seen = new Set<string>(),
    ): Set<string> => {
      if (available.has(kKey)) return available.get(kKey)!;
      const result = new Set<string>(PREEXISTING_NAMESPACES);
      if (seen.has(kKey)) return result;
      seen.add(kKey);
      for (const n of namespacesBuiltBy.get(kKey) ?? []) result.add(n);
      const upstream = [
        ...dependsOn(kKey),
        ...(parentOf.has(kKey) ? [parentOf.get(kKey)!] : []),
      ];
      for (const u of upstream)
        for (const n of availableTo(u, seen)) result.add(n);
      available.set(kKey, result);
      return result;
    };
    for (const [kKey, k] of kustomizations) {
      const objects = builtObjects.get(k.path) ?? [];
      const namespaces = availableTo(kKey);
      const targetNamespace = (k.object.spec as any)?.targetNamespace;
      for (const object of objects) {
        if (CLUSTER_SCOPED_KINDS.has(String(object.kind))) continue;
        const namespace = targetNamespace ?? object.metadata?.namespace;
        if (namespace && !namespaces.has(namespace)) {
          await report(
            'flux-ref',
            object,
            ['metadata', 'namespace'],
            `${object.kind} ${object.metadata?.name} goes into namespace ${namespace}, which no Kustomization applied before ${k.name} creates; create the Namespace in this Kustomization or one it dependsOn`,
            join(k.path, 'kustomization.yaml'),
          );
        }
      }
      if (k.team) {
        const spec = (k.object.spec ?? {}) as any;
        if (k.namespace !== k.team || !spec.serviceAccountName) {
          await report(
            'team-namespace',
            k.object,
            ['spec', 'serviceAccountName'],
            `Kustomization ${k.name} applies team ${k.team}'s functions, so it must live in namespace ${k.team} and impersonate the team's service account (spec.serviceAccountName)`,
            entry.file,
          );
        }
      }
    }
  }

  // Schemas and the rules about single objects, once per built folder.
  const schemas = await PackagedSchemas.shared();
  for (const [path, objects] of builtObjects) {
    const fallback = join(path, 'kustomization.yaml');
    const team = teamOfPath.get(path);
    const packaged = await schemas.validate(
      objects.map(object => {
        if (object.kind === 'Secret' && 'sops' in object) {
          const { sops: _sops, ...rest } = object;
          return rest;
        }
        return object;
      }),
    );
    const recordedSeries = new Set<string>(
      objects
        .filter(o => o.kind === 'PrometheusRule')
        .flatMap(o => ((o.spec as any)?.groups ?? []) as any[])
        .flatMap(g => (g.rules ?? []) as any[])
        .map(r => r.record)
        .filter(Boolean),
    );
    for (const [index, object] of objects.entries()) {
      const own = validateOwnSchema(object);
      const result = own.known ? own : packaged[index];
      const what = `${object.kind} ${object.metadata?.name}`;
      const isSopsEncrypted = object.kind === 'Secret' && 'sops' in object;
      if (!result.known) {
        await report(
          'schema',
          object,
          ['apiVersion'],
          `no schema is known for ${object.apiVersion} ${object.kind} (${what}), so it cannot be checked; fix apiVersion/kind, or add a schema in plugins/atonix-serverless-node/src/validate/schemas/ownSchemas.ts`,
          fallback,
        );
      }
      for (const issue of result.issues) {
        const fieldPath = pointerPath(issue.pointer);
        if (
          isPackagedSchemaDefect(object, issue) ||
          (isSopsEncrypted &&
            issue.keyword === 'format' &&
            issue.pointer.startsWith('/data/'))
        ) {
          // SOPS replaces each base64 value with ENC[...]; it is decrypted before it is applied.
          continue;
        }
        const message =
          issue.keyword === 'unknown'
            ? `${dotted(fieldPath)} is not a field of ${object.apiVersion} ${
                object.kind
              }; remove it or fix its spelling`
            : `${dotted(fieldPath) || '(object)'} ${
                issue.message
              } in ${what}; fix the value`;
        await report('schema', object, fieldPath, message, fallback);
      }
      const findings = [
        ...objectFindings(object, recordedSeries),
        ...(team ? teamNamespaceFindings(object, team) : []),
      ];
      for (const finding of findings) {
        await report(
          finding.rule,
          object,
          finding.path,
          finding.message,
          fallback,
        );
      }
    }
  }

  // Two clusters applying the same base report its problems once.
  const unique = new Map(violations.map(v => [formatViolation(v), v]));
  return [...unique.values()].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.rule.localeCompare(b.rule),
  );
}

/**
 * The `function.yaml` of every function folder: a valid spec, in the folder its team and name
 * say, within the platform's rules.
 */
async function checkFunctionFiles(
  root: string,
  files: string[],
  display: (absolute: string) => string,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const functionsRoot = join(root, FUNCTIONS_FOLDER);
  for (const file of files) {
    const rel = relative(functionsRoot, file).split(sep);
    if (rel.length !== 3 || rel[0] === '..' || rel[2] !== FUNCTION_FILE_NAME)
      continue;
    const text = await fs.readFile(file, 'utf8');
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const at = (field: string) =>
      lineOf(
        doc,
        lines,
        field.split('.').map(s => (/^\d+$/.test(s) ? Number(s) : s)),
      );
    const parsed = parseFunctionFile(text);
    if (!parsed.success) {
      for (const issue of parsed.issues) {
        violations.push({
          file: display(file),
          line: at(issue.path),
          rule: 'schema',
          message: `${issue.path}: ${issue.message}`,
        });
      }
      continue;
    }
    const { spec } = parsed;
    if (spec.team !== rel[0] || spec.name !== rel[1]) {
      violations.push({
        file: display(file),
        line: at(spec.team !== rel[0] ? 'team' : 'name'),
        rule: 'team-namespace',
        message: `function ${spec.team}/${spec.name} is in folder functions/${rel[0]}/${rel[1]}; a function lives in functions/<team>/<name>, so move it or fix team and name`,
      });
    }
    for (const finding of checkFunctionPolicy(spec)) {
      violations.push({
        file: display(file),
        line: at(finding.field),
        rule: finding.rule,
        message: finding.message,
      });
    }
  }
  return violations;
}
