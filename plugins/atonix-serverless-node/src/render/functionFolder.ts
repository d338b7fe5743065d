import {
  FUNCTION_SPEC_API_VERSION,
  FUNCTION_SPEC_KIND,
  FunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { isMap, isSeq, parseDocument } from 'yaml';
import { renderCallersPolicy } from './callers';
import { FUNCTION_FILE_NAME } from './names';
import { RUNTIME_RENDERERS, RenderedManifest } from './runtimes';
import { GENERATED_HEADER, toYaml } from './yaml';

/** One file of a rendered function folder: its name inside the folder and its text. */
export interface RenderedFile {
  name: string;
  content: string;
}

/**
 * The manifests of a function, each with the file it is written to, in apply order: its runtime's,
 * then, when other teams may call it, the NetworkPolicy admitting them (runtime-neutral).
 */
export function renderFunctionManifests(
  spec: FunctionSpec,
): RenderedManifest[] {
  const manifests = RUNTIME_RENDERERS[spec.runtime].manifests(spec);
  if (spec.allowedCallers.length > 0) {
    manifests.push({ name: 'callers.yaml', object: renderCallersPolicy(spec) });
  }
  return manifests;
}

/**
 * The spec as kept in the function folder: `apiVersion` and `kind` first so tools can recognise
 * the file, then every field with its defaults spelled out, so a reader sees what runs.
 */
export function renderFunctionFile(spec: FunctionSpec): string {
  return toYaml(
    {
      apiVersion: FUNCTION_SPEC_API_VERSION,
      kind: FUNCTION_SPEC_KIND,
      ...spec,
    },
    ` The function's spec, the source of truth for the manifests beside it (not applied by Flux).\n After editing, run: yarn atonix render gitops/functions/${spec.team}/${spec.name}/${FUNCTION_FILE_NAME}`,
  );
}

/**
 * Every file of a function folder: the manifests, the `kustomization.yaml` that lists them, and
 * `function.yaml`, which is deliberately not listed (Flux must not apply it; it has no CRD).
 */
export function renderFunctionFolder(spec: FunctionSpec): RenderedFile[] {
  const manifests = renderFunctionManifests(spec);
  return [
    { name: FUNCTION_FILE_NAME, content: renderFunctionFile(spec) },
    {
      name: 'kustomization.yaml',
      content: toYaml(
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: manifests.map(m => m.name),
        },
        GENERATED_HEADER,
      ),
    },
    ...manifests.map(({ name, object }) => ({
      name,
      content: toYaml(object, GENERATED_HEADER),
    })),
  ];
}

/**
 * The team's `functions/<team>/kustomization.yaml` with `functionName` among its resources,
 * sorted; comments and other fields of an existing file are kept, and adding a function that is
 * already listed changes nothing.
 */
export function addToTeamKustomization(
  existing: string | undefined,
  functionName: string,
): string {
  return addKustomizationResource(existing, functionName, {
    file: "the team's kustomization.yaml",
    header:
      ' The functions of this team; `yarn atonix render` keeps this list sorted.',
  });
}

/**
 * A kustomization.yaml with `resource` among its resources, sorted, keeping the comments and
 * other fields of an existing file; a new file starts with `header` as its comment.
 */
export function addKustomizationResource(
  existing: string | undefined,
  resource: string,
  { file, header }: { file: string; header: string },
): string {
  const doc = parseDocument(
    existing ??
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
  );
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new Error(
      `${file} is not a YAML mapping (${
        doc.errors[0]?.message ?? 'unexpected content'
      }); fix it by hand first`,
    );
  }
  if (existing === undefined) {
    doc.commentBefore = header;
  }
  const resources = doc.get('resources');
  const names = isSeq(resources)
    ? (resources.toJSON() as unknown[]).map(String)
    : [];
  const sorted = [...new Set([...names, resource])].sort();
  const seq = doc.createNode(sorted);
  seq.flow = false;
  doc.set('resources', seq);
  return doc.toString({ lineWidth: 0, singleQuote: true });
}
