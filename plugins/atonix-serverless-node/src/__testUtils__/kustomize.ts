import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kustomizeBuild } from '../validate/kustomize';
import { ManifestObject } from '../validate/objectRules';

/** The repository root, which holds the committed gitops/ tree. */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/**
 * An object of a committed manifest or of `kubectl kustomize` output. Tests read objects whose
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

/** The objects `kubectl kustomize <dir>` builds. */
export async function kustomize(dir: string): Promise<BuiltObject[]> {
  return parseObjects(await kustomizeText(dir));
}
