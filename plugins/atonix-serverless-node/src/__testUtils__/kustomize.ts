import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FLUX_KUSTOMIZATION } from '../validate/fluxGraph';
import { kustomizeBuild } from '../validate/kustomize';
import { ManifestObject } from '../validate/objectRules';

/** The repository root, which holds the committed gitops/ tree. */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** The clusters of the committed tree: each a folder of `gitops/clusters`. */
export const CLUSTERS = ['staging', 'production'];

/**
 * An object of a committed manifest or of `kustomize build` output. Tests read objects whose
 * shape they know, so the name is required and the kind-specific fields are loosely typed.
 */
export type BuiltObject = ManifestObject & {
  metadata: { name: string };
  spec?: any;
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
};

/** Every non-empty document of a multi-document YAML text. */
export function parseObjects(text: string): BuiltObject[] {
  return parseAllDocuments(text)
    .map(doc => doc.toJS() as BuiltObject | null)
    .filter((object): object is BuiltObject => object !== null);
}

/** The output of the validator's own kustomize build of `dir`, as kustomize-controller builds it. */
export async function kustomizeText(dir: string): Promise<string> {
  const build = await kustomizeBuild(dir);
  if (!build.ok) {
    throw new Error(`kustomize cannot build ${dir}: ${build.error}`);
  }
  return build.output;
}

/** The objects `kustomize build <dir>` builds. */
export async function kustomize(dir: string): Promise<BuiltObject[]> {
  return parseObjects(await kustomizeText(dir));
}

/**
 * Every path Flux reconciles on a cluster, built: found by following Flux Kustomizations from the
 * root one in `gitops/clusters/<cluster>/flux-system/gotk-sync.yaml`. Kustomizations whose source is
 * another project's repository (pinned upstream installs) are listed in `upstream`, not built.
 */
export async function fluxGraph(cluster: string): Promise<{
  root: BuiltObject;
  builds: Map<string, BuiltObject[]>;
  upstream: BuiltObject[];
}> {
  const sync = parseObjects(
    await readFile(
      join(REPO_ROOT, 'gitops/clusters', cluster, 'flux-system/gotk-sync.yaml'),
      'utf8',
    ),
  );
  const isFluxKustomization = (object: BuiltObject) =>
    `${object.apiVersion}/${object.kind}` === FLUX_KUSTOMIZATION;
  const root = sync.find(isFluxKustomization)!;
  const ownUrl = sync.find(object => object.kind === 'GitRepository')!.spec.url;
  const builds = new Map<string, BuiltObject[]>();
  const upstream: BuiltObject[] = [];
  const pending: string[] = [root.spec.path];
  while (pending.length > 0) {
    const path = pending.shift()!;
    if (builds.has(path)) continue;
    const objects = await kustomize(join(REPO_ROOT, path));
    builds.set(path, objects);
    const foreignSources = new Set(
      objects
        .filter(o => o.kind === 'GitRepository' && o.spec.url !== ownUrl)
        .map(o => `${o.metadata.namespace}/${o.metadata.name}`),
    );
    for (const object of objects.filter(isFluxKustomization)) {
      const source = `${object.metadata.namespace}/${object.spec.sourceRef.name}`;
      if (foreignSources.has(source)) upstream.push(object);
      else pending.push(object.spec.path);
    }
  }
  return { root, builds, upstream };
}
