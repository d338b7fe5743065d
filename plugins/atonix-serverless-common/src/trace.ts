import type { ConditionStatus } from './api';

/**
 * "What runs, and why" (`GET /functions/:cluster/:namespace/:name/trace`): the chain from the
 * function repository's commit to the traffic a revision gets, and the Flux Kustomizations the
 * function's Kustomization waits for; and "Sync now" (`POST …/sync`).
 */

/** The links of the trace, in order. */
export const TRACE_LINKS = [
  'repository-commit',
  'image',
  'gitops-commit',
  'flux-applied',
  'revisions',
  'traffic',
] as const;
export type TraceLinkId = (typeof TRACE_LINKS)[number];

/** One link: what it is, and whether the chain holds there. */
export interface TraceLink {
  id: TraceLinkId;
  /** What this link is now, e.g. the image reference or `main@sha1:…`. */
  value?: string;
  /** `ok`; `broken` (the first one is where to look); `unknown` after a broken link or without data. */
  state: 'ok' | 'broken' | 'unknown';
  /** One sentence: what holds, or what is wrong and where. */
  message: string;
  /** When what the link names happened (ISO 8601): the GitOps commit's time. */
  at?: string;
  /** Where to look it up: the function repository's commit, whose checks list its CI run. */
  href?: string;
}

/** A Flux Kustomization on the dependency chain of the function's Kustomization. */
export interface TraceKustomization {
  name: string;
  namespace: string;
  ready: ConditionStatus;
  reason?: string;
  message?: string;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  /** `status.lastHandledReconcileAt`: the last reconcile request it handled ("Sync now"). */
  lastHandledReconcileAt?: string;
  /** `namespace/name` of the Kustomizations it waits for (`spec.dependsOn`). */
  dependsOn: string[];
  /** `namespace/name` of the Kustomization that applied this one (Flux's labels), if any. */
  appliedBy?: string;
  /** False when the inventory does not see it (missing, or not readable). */
  found: boolean;
}

/** `GET /functions/:cluster/:namespace/:name/trace`. */
export interface FunctionTrace {
  links: TraceLink[];
  /** Index in `links` of the first broken link, if any. */
  firstBroken?: number;
  /** The function's Kustomization first, then every Kustomization it depends on, breadth first. */
  kustomizations: TraceKustomization[];
  /**
   * The upstream Kustomization that holds the function's back: the deepest not-ready one on the
   * chain whose own dependencies are all ready, as `namespace/name`.
   */
  blockedBy?: string;
}

/** `POST /functions/:cluster/:namespace/:name/sync`: what was asked of Flux. */
export interface SyncResponse {
  /** `namespace/name` of the Receiver called. */
  receiver: string;
  /** `namespace/name` of the Kustomization it reconciles. */
  kustomization: string;
  /** `lastHandledReconcileAt` before the call: the outcome is in when it changes. */
  previousReconcileAt?: string;
  requestedAt: string;
}
