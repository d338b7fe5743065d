import {
  FunctionDetails,
  FunctionTrace,
  TraceKustomization,
  TraceLink,
  formatAge,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { parseFunctionFile } from '@internal/backstage-plugin-atonix-serverless-node';
import type { ClusterObjects } from '../extensions';
import type { FluxResources } from '../inventory/resources';

const COMMIT = /^[0-9a-f]{40}$/;
const short = (revision: string) =>
  revision.replace(/([0-9a-f]{7})[0-9a-f]{33}/g, '$1');

/** What the GitOps repository says about the function, or why it could not be read. */
export type GitOpsFacts =
  | {
      revision: string;
      /** When the branch's head was committed (merged), where the source knows it. */
      committedAt?: string;
      functionFile?: { path: string; content: string };
    }
  | { unavailable: string };

/** What the trace needs besides the facts: the time, and where a function's commit is shown. */
export interface TraceOptions {
  now?: number;
  /** The function repository's page of a commit (its checks list the CI run), if it has one. */
  functionCommitUrl?: (commit: string) => string | undefined;
}

/** ", merged 12m ago" for a commit time; nothing when it is not known. */
function merged(committedAt: string | undefined, now: number): string {
  return committedAt
    ? `, merged ${formatAge((now - Date.parse(committedAt)) / 1000)} ago`
    : '';
}

/**
 * The chain from the function's repository commit to the traffic its revisions get, with the first
 * broken link; and the Flux Kustomizations the function's Kustomization waits for.
 *
 * - the image's tag is the function repository's commit (the templates' CI pushes `<image>:<sha>`);
 * - the image is what `function.yaml` of the function's GitOps folder names at the branch's head;
 * - Flux has applied that head when the Kustomization's `lastAppliedRevision` ends in its commit
 *   (`main@sha1:<commit>`, kustomize-controller's format);
 * - revisions run it when their container image is that image, and serve it when they get traffic.
 *
 * The GitOps commit says when it was merged, and the first broken link after it too ("merged 12m
 * ago, Flux has not applied it"); the repository commit links where its CI run is listed.
 */
export function traceFunction(
  fn: FunctionDetails,
  gitops: GitOpsFacts,
  objects: ClusterObjects<FluxResources> | undefined,
  options: TraceOptions = {},
): FunctionTrace {
  const now = options.now ?? Date.now();
  const links: TraceLink[] = [];
  let image: string | undefined;
  if ('unavailable' in gitops) {
    links.push(
      {
        id: 'repository-commit',
        state: 'unknown',
        message: 'Not known without the GitOps repository',
      },
      {
        id: 'image',
        state: 'unknown',
        message: `The GitOps repository could not be read: ${gitops.unavailable}`,
      },
      { id: 'gitops-commit', state: 'unknown', message: 'Not read' },
    );
  } else {
    const parsed = gitops.functionFile
      ? parseFunctionFile(gitops.functionFile.content)
      : undefined;
    image = parsed?.success ? parsed.spec.image : undefined;
    const tag = image?.includes('@') ? undefined : image?.split(':').pop();
    const commitUrl =
      tag && COMMIT.test(tag) ? options.functionCommitUrl?.(tag) : undefined;
    links.push(
      tag && COMMIT.test(tag)
        ? {
            id: 'repository-commit',
            value: tag,
            state: 'ok',
            message: `The image was built from commit ${short(
              tag,
            )} of the function's repository${
              commitUrl
                ? '; its CI run is listed on the commit'
                : ' (no CI run to link: the repository is not on GitHub)'
            }`,
            ...(commitUrl ? { href: commitUrl } : {}),
          }
        : {
            id: 'repository-commit',
            state: 'unknown',
            message: image
              ? `The image ${image} is not tagged with a commit, so its source commit is not known (the templates' CI tags images with the commit SHA)`
              : 'Not known without an image',
          },
      image
        ? {
            id: 'image',
            value: image,
            state: 'ok',
            message: `${gitops.functionFile!.path} names this image`,
          }
        : {
            id: 'image',
            state: 'broken',
            message: gitops.functionFile
              ? `${gitops.functionFile.path} names no valid image; fix the file (yarn atonix validate says what is wrong)`
              : `The GitOps repository has no function.yaml for ${fn.namespace}/${fn.name} (looked in gitops/functions/${fn.team}/${fn.name}/)`,
          },
      {
        id: 'gitops-commit',
        value: gitops.revision,
        state: 'ok',
        message: COMMIT.test(gitops.revision)
          ? `The GitOps branch is at ${short(gitops.revision)}${merged(
              gitops.committedAt,
              now,
            )}`
          : 'The GitOps folder read (not a git commit)',
        ...(gitops.committedAt ? { at: gitops.committedAt } : {}),
      },
    );
  }
  const kustomizations = dependencyChain(fn, objects);
  links.push(fluxLink(fn, gitops, kustomizations[0], now));
  const running = image
    ? fn.revisions.filter(r => r.image === image)
    : fn.revisions.filter(r => r.trafficPercent > 0);
  links.push(revisionsLink(fn, image, running));
  links.push(trafficLink(fn, running));
  const firstBroken = links.findIndex(l => l.state === 'broken');
  const blockedBy = kustomizations
    .slice(1)
    .find(
      k =>
        k.ready !== 'True' &&
        [...k.dependsOn, ...(k.appliedBy ? [k.appliedBy] : [])].every(
          up =>
            kustomizations.find(o => `${o.namespace}/${o.name}` === up)
              ?.ready === 'True',
        ),
    );
  return {
    links,
    ...(firstBroken >= 0 ? { firstBroken } : {}),
    kustomizations,
    ...(blockedBy
      ? { blockedBy: `${blockedBy.namespace}/${blockedBy.name}` }
      : {}),
  };
}

function fluxLink(
  fn: FunctionDetails,
  gitops: GitOpsFacts,
  own: TraceKustomization | undefined,
  now: number,
): TraceLink {
  if (!fn.flux || !own) {
    return {
      id: 'flux-applied',
      state: 'broken',
      message: `${fn.namespace}/${fn.name} was not applied by a Flux Kustomization (it has no kustomize.toolkit.fluxcd.io labels): it runs outside GitOps`,
    };
  }
  const which = `Kustomization ${own.namespace}/${own.name}`;
  const notReady =
    own.ready === 'True'
      ? ''
      : `: ${which} is not Ready (${own.reason ?? 'no reason'}): ${
          own.message ?? 'no message'
        }`;
  const applied = own.lastAppliedRevision;
  if (!applied) {
    return {
      id: 'flux-applied',
      state: 'broken',
      message: `Flux has applied nothing yet${
        notReady || `: ${which} has no lastAppliedRevision`
      }`,
    };
  }
  if ('unavailable' in gitops || !COMMIT.test(gitops.revision)) {
    return {
      id: 'flux-applied',
      value: applied,
      state: own.ready === 'True' ? 'ok' : 'broken',
      message: `${which} applied ${short(applied)}${notReady}`,
    };
  }
  if (!applied.endsWith(gitops.revision)) {
    return {
      id: 'flux-applied',
      value: applied,
      state: 'broken',
      message: `The GitOps branch is at ${short(gitops.revision)}${merged(
        gitops.committedAt,
        now,
      )}, Flux has not applied it (last applied ${short(applied)})${
        notReady ||
        `: ${which} is Ready and applies it at its next interval; "Sync now" asks for it at once`
      }`,
      ...(gitops.committedAt ? { at: gitops.committedAt } : {}),
    };
  }
  return {
    id: 'flux-applied',
    value: applied,
    state: own.ready === 'True' ? 'ok' : 'broken',
    message: `${which} applied ${short(applied)}${notReady}`,
  };
}

function revisionsLink(
  fn: FunctionDetails,
  image: string | undefined,
  running: FunctionDetails['revisions'],
): TraceLink {
  const latest = fn.revisions.find(
    r => r.name === (fn.latestCreatedRevision ?? fn.revisions[0]?.name),
  );
  if (!running.length) {
    return {
      id: 'revisions',
      state: image ? 'broken' : 'unknown',
      message: image
        ? `No revision runs ${image}${
            latest
              ? `; the latest, ${latest.name}, runs ${
                  latest.image ?? 'an unknown image'
                }${
                  latest.ready === 'True'
                    ? ''
                    : ` and is not Ready: ${
                        latest.message ?? latest.reason ?? 'no message'
                      }`
                }`
              : ''
          }`
        : 'Not known without the image git names',
    };
  }
  const ready = running.filter(r => r.ready === 'True');
  const names = running.map(r => r.name).join(', ');
  if (!ready.length) {
    const first = running[0];
    return {
      id: 'revisions',
      value: names,
      state: 'broken',
      message: `${names} run${running.length === 1 ? 's' : ''} it but ${
        running.length === 1 ? 'is' : 'are'
      } not Ready: ${first.message ?? first.reason ?? 'no message'}`,
    };
  }
  return {
    id: 'revisions',
    value: names,
    state: 'ok',
    message: `${names} run${running.length === 1 ? 's' : ''} ${
      image ?? 'the image'
    }`,
  };
}

function trafficLink(
  fn: FunctionDetails,
  running: FunctionDetails['revisions'],
): TraceLink {
  if (!running.length) {
    return {
      id: 'traffic',
      state: 'unknown',
      message: 'No revision to route to',
    };
  }
  const percent = running.reduce((sum, r) => sum + r.trafficPercent, 0);
  if (percent === 0) {
    const serving = fn.traffic
      .filter(t => t.percent > 0)
      .map(t => `${t.revisionName} ${t.percent} %`)
      .join(', ');
    return {
      id: 'traffic',
      value: '0 %',
      state: 'broken',
      message: `They get no traffic${
        serving ? `; it goes to ${serving}` : ''
      } (the traffic split in function.yaml decides)`,
    };
  }
  return {
    id: 'traffic',
    value: `${percent} %`,
    state: 'ok',
    message: `${percent} % of the function's traffic`,
  };
}

function kustomizationOf(
  objects: ClusterObjects<FluxResources> | undefined,
  namespace: string,
  name: string,
): TraceKustomization {
  const k = objects?.get('kustomization', namespace, name);
  if (!k) {
    return {
      name,
      namespace,
      ready: 'Unknown',
      message:
        'The portal does not see this Kustomization (missing, or outside what it may read)',
      dependsOn: [],
      found: false,
    };
  }
  const { ready } = k;
  return {
    name,
    namespace,
    ready: ready?.status ?? 'Unknown',
    ...(ready?.reason ? { reason: ready.reason } : {}),
    ...(ready?.message ? { message: ready.message } : {}),
    ...(k.lastAppliedRevision
      ? { lastAppliedRevision: k.lastAppliedRevision }
      : {}),
    ...(k.lastAttemptedRevision
      ? { lastAttemptedRevision: k.lastAttemptedRevision }
      : {}),
    ...(k.lastHandledReconcileAt
      ? { lastHandledReconcileAt: k.lastHandledReconcileAt }
      : {}),
    dependsOn: k.dependsOn.map(d => `${d.namespace ?? namespace}/${d.name}`),
    ...(k.appliedBy
      ? { appliedBy: `${k.appliedBy.namespace}/${k.appliedBy.name}` }
      : {}),
    found: true,
  };
}

/**
 * The function's Kustomization, then, breadth first, each Kustomization one on the chain waits
 * for: its `spec.dependsOn` and the Kustomization that applied it (a tenant's `functions` is
 * applied by the cluster's `tenants`, which depends on the infrastructure).
 */
function dependencyChain(
  fn: FunctionDetails,
  objects: ClusterObjects<FluxResources> | undefined,
): TraceKustomization[] {
  if (!fn.flux) {
    return [];
  }
  const chain: TraceKustomization[] = [];
  const seen = new Set<string>();
  const queue = [`${fn.flux.namespace}/${fn.flux.kustomization}`];
  while (queue.length) {
    const key = queue.shift()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const [namespace, name] = key.split('/');
    const k = kustomizationOf(objects, namespace, name);
    chain.push(k);
    queue.push(...k.dependsOn, ...(k.appliedBy ? [k.appliedBy] : []));
  }
  return chain;
}
