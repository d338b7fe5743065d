import {
  FunctionAlerts,
  FunctionDetails,
  FunctionListResponse,
  FunctionLogs,
  FunctionMetrics,
  FunctionStatus,
  FunctionTrace,
  InvokeResult,
  SavedTestEventsResponse,
  FunctionTrafficView,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { functionStatus } from '@internal/backstage-plugin-atonix-serverless-common/testUtils';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { AtonixServerlessApi } from '../api';

/**
 * Backend answers for the components' tests, shaped like `/api/atonix-serverless` responses for
 * the repository's example functions (gitops/functions).
 */

export const chargeCard: FunctionStatus = functionStatus({
  name: 'charge-card',
  url: 'http://charge-card.payments.example.com',
  latestCreatedRevision: 'charge-card-00002',
  latestReadyRevision: 'charge-card-00002',
  traffic: [
    { revisionName: 'charge-card-00002', percent: 90, latest: true },
    {
      revisionName: 'charge-card-00001',
      percent: 10,
      tag: 'previous',
      latest: false,
      url: 'http://previous-charge-card.payments.example.com',
    },
  ],
  replicas: { desired: 3, actual: 3 },
  autoscaling: {
    class: 'kpa.autoscaling.knative.dev',
    metric: 'rps',
    target: 100,
    minScale: 1,
    maxScale: 50,
    initialScale: 1,
  },
  critical: true,
  flux: {
    kustomization: 'payments-functions',
    namespace: 'payments',
    ready: 'True',
    revision: 'main@sha1:2f1e9c0d4b7a',
  },
  entityRef: 'component:default/charge-card',
});

export const chargeCardDetails: FunctionDetails = {
  ...chargeCard,
  image: 'ghcr.io/atonixcorp/charge-card:1.4.0',
  env: [
    { name: 'LOG_LEVEL', value: 'info' },
    { name: 'STRIPE_KEY', secretKeyRef: { name: 'stripe', key: 'api-key' } },
  ],
  revisions: [
    {
      name: 'charge-card-00002',
      ready: 'True',
      image: 'ghcr.io/atonixcorp/charge-card:1.4.0',
      actualReplicas: 3,
      desiredReplicas: 3,
      createdAt: '2026-11-25T18:00:00.000Z',
      trafficPercent: 90,
    },
    {
      name: 'charge-card-00001',
      ready: 'True',
      image: 'ghcr.io/atonixcorp/charge-card:1.3.2',
      actualReplicas: 0,
      desiredReplicas: 0,
      createdAt: '2026-11-20T09:00:00.000Z',
      trafficPercent: 10,
    },
  ],
};

export const orderEvents: FunctionStatus = {
  ...chargeCard,
  namespace: 'analytics',
  team: 'analytics',
  owner: 'group:default/analytics',
  name: 'order-events',
  url: 'http://order-events.analytics.example.com',
  ready: 'False',
  reason: 'RevisionMissing',
  message: 'Configuration "order-events" does not have any ready Revision.',
  latestCreatedRevision: 'order-events-00001',
  latestReadyRevision: undefined,
  traffic: [{ revisionName: 'order-events-00001', percent: 100, latest: true }],
  replicas: { desired: 1, actual: 0 },
  critical: false,
  autoscaling: { ...chargeCard.autoscaling, minScale: 0 },
  triggers: [
    {
      kind: 'Trigger',
      name: 'order-events-created',
      broker: 'default',
      filters: { type: 'com.atonix.order.created' },
      ready: 'True',
    },
    {
      kind: 'RabbitmqSource',
      name: 'order-events-source',
      broker: 'default',
      source: 'orders/order-events',
      ready: 'False',
      reason: 'ConnectionFailed',
    },
  ],
  entityRef: 'component:default/order-events',
};

export const fraudScore: FunctionStatus = {
  ...chargeCard,
  name: 'fraud-score',
  url: 'http://fraud-score.payments.example.com',
  latestCreatedRevision: 'fraud-score-00001',
  latestReadyRevision: 'fraud-score-00001',
  traffic: [{ revisionName: 'fraud-score-00001', percent: 100, latest: true }],
  replicas: { desired: 0, actual: 0 },
  scaledToZero: true,
  critical: false,
  autoscaling: { ...chargeCard.autoscaling, minScale: 0 },
  entityRef: 'component:default/fraud-score',
};

export const reportExport: FunctionStatus = {
  ...chargeCard,
  namespace: 'openfaas-fn',
  team: 'analytics',
  owner: 'group:default/analytics',
  name: 'report-export',
  runtime: 'openfaas',
  url: 'http://gateway.openfaas:8080/function/report-export',
  latestCreatedRevision: undefined,
  latestReadyRevision: undefined,
  traffic: [],
  replicas: { desired: 1, actual: 1 },
  autoscaling: {
    class: 'openfaas',
    metric: 'rps',
    target: 50,
    minScale: 1,
    maxScale: 10,
  },
  critical: false,
  flux: {
    kustomization: 'analytics-functions',
    namespace: 'analytics',
    ready: 'False',
    message:
      'kustomize build failed: missing resource report-export/service.yaml',
  },
  entityRef: 'component:default/report-export',
};

export const fleetPage: FunctionListResponse = {
  items: [
    {
      ...chargeCard,
      metrics: {
        requestRate: 42.5,
        errorRate: 0.0042,
        p95LatencyMs: 87,
        coldStarts1h: 0,
        coldStartP95Ms: null,
      },
    },
    // Scaled to zero: no requests, so nothing to divide by or to measure.
    {
      ...fraudScore,
      metrics: {
        requestRate: 0,
        errorRate: null,
        p95LatencyMs: null,
        coldStarts1h: 3,
        coldStartP95Ms: 6200,
      },
    },
    {
      ...orderEvents,
      metrics: {
        requestRate: 1.25,
        errorRate: 0.5,
        p95LatencyMs: 1840,
        coldStarts1h: 1,
        coldStartP95Ms: 2100,
      },
    },
    {
      ...reportExport,
      metrics: {
        requestRate: 3.5,
        errorRate: 0,
        p95LatencyMs: 240,
        coldStarts1h: null,
        coldStartP95Ms: null,
      },
    },
  ],
  totalCount: 5000,
  offset: 0,
  limit: 25,
  clusters: [
    {
      name: 'staging',
      synced: true,
      stale: false,
      lastSyncAt: '2026-11-25T20:00:00.000Z',
    },
  ],
};

const minute = (i: number) => 1764100800 + i * 60;
export const chargeCardMetrics: FunctionMetrics = {
  window: '1h',
  requestRate: 42.5,
  latency: { p50: 12.4, p95: 87, p99: 212.6 },
  errorRate: 0.0042,
  replicas: 3,
  coldStarts: 2,
  // Critical, so its objective is 2 s: the older revision's 2.6 s at p95 exceeds it.
  coldStart: {
    count1h: 2,
    p95Ms: 2600,
    objectiveMs: 2000,
    revisions: [
      { revision: 'charge-card-00001', count1h: 1, p95Ms: 2600 },
      { revision: 'charge-card-00002', count1h: 1, p95Ms: 900 },
    ],
    series: [
      {
        label: 'starts in 1h',
        points: [0, 1, 2, 3].map(i => [minute(i), i < 2 ? 1 : 2]),
      },
      {
        label: 'p95 ms',
        points: [0, 1, 2, 3].map(i => [minute(i), 2000 + i * 200]),
      },
    ],
  },
  series: {
    requestRate: [
      {
        label: 'requests/s',
        points: [0, 1, 2, 3].map(i => [minute(i), 40 + i]),
      },
    ],
    latency: [
      {
        label: 'p50 ms',
        points: [0, 1, 2, 3].map(i => [minute(i), 12 + i]),
      },
      {
        label: 'p95 ms',
        points: [0, 1, 2, 3].map(i => [minute(i), 80 + i * 3]),
      },
      {
        label: 'p99 ms',
        points: [0, 1, 2, 3].map(i => [minute(i), 200 + i * 5]),
      },
    ],
    errorRate: [
      {
        label: 'errors',
        points: [0, 1, 2, 3].map(i => [minute(i), i % 2 ? 0.01 : 0]),
      },
    ],
    replicas: [
      { label: 'replicas', points: [0, 1, 2, 3].map(i => [minute(i), 3]) },
    ],
  },
};

export const chargeCardLogs: FunctionLogs = {
  lines: [
    {
      timestamp: '2026-11-25T20:00:02.000Z',
      line: 'charged order 1042: 200',
      labels: {
        revision: 'charge-card-00002',
        pod: 'charge-card-00002-deployment-7d9f',
      },
    },
    {
      timestamp: '2026-11-25T20:00:01.000Z',
      line: 'charged order 1041: 200',
      labels: {
        revision: 'charge-card-00001',
        pod: 'charge-card-00001-deployment-5c4b',
      },
    },
  ],
  truncated: false,
  query: '{namespace="payments", service="charge-card"}',
};

export const chargeCardEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'charge-card',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'charge-card',
      'backstage.io/kubernetes-namespace': 'payments',
      'atonix.io/runtime': 'knative',
      'atonix.io/team': 'payments',
    },
  },
  spec: { type: 'function', lifecycle: 'production', owner: 'group:payments' },
};

/** Saved test events of charge-card's GitOps folder: one good, one broken file. */
export const chargeCardTestEvents: SavedTestEventsResponse = {
  folder: 'gitops/functions/payments/charge-card',
  revision: '4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
  events: [
    {
      name: 'charge-ten',
      path: 'gitops/functions/payments/charge-card/events/charge-ten.json',
      description: 'Charges ten euros',
      request: {
        method: 'POST',
        path: '/charge',
        headers: {},
        body: { amount: 10 },
      },
      expect: { status: 200 },
    },
    {
      name: 'broken',
      path: 'gitops/functions/payments/charge-card/events/broken.json',
      error:
        'gitops/functions/payments/charge-card/events/broken.json is not JSON',
    },
  ],
};

/** What a test request to charge-card answered: a cold start. */
export const chargeCardInvokeResult: InvokeResult = {
  url: 'http://charge-card.payments.example.com',
  coldStart: true,
  latencyMs: 1840,
  sent: { method: 'POST', path: '/charge', headers: {} },
  response: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"charged":10}',
    bodyBytes: 14,
    truncated: false,
  },
};

/** charge-card's trace: Flux has not applied the GitOps head, its tenant is blocked upstream. */
export const chargeCardTrace: FunctionTrace = {
  links: [
    {
      id: 'repository-commit',
      value: '229ba8aea2aecbb0af3a78d22215a150aede8056',
      state: 'ok',
      message:
        "The image was built from commit 229ba8a of the function's repository; its CI run is listed on the commit",
      href: 'https://github.com/atonixcorp/charge-card/commit/229ba8aea2aecbb0af3a78d22215a150aede8056',
    },
    {
      id: 'image',
      value:
        'ghcr.io/atonixcorp/charge-card:229ba8aea2aecbb0af3a78d22215a150aede8056',
      state: 'ok',
      message:
        'gitops/functions/payments/charge-card/function.yaml names this image',
    },
    {
      id: 'gitops-commit',
      value: 'b'.repeat(40),
      state: 'ok',
      message: 'The GitOps branch is at bbbbbbb, merged 12m ago',
      at: '2026-11-29T09:48:00.000Z',
    },
    {
      id: 'flux-applied',
      value: 'main@sha1:4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
      state: 'broken',
      message:
        "The GitOps branch is at bbbbbbb, merged 12m ago, Flux has not applied it (last applied main@sha1:4f3c2b1): Kustomization payments/functions is not Ready (DependencyNotReady): dependency 'flux-system/tenants' is not ready",
      at: '2026-11-29T09:48:00.000Z',
    },
    {
      id: 'revisions',
      value: 'charge-card-00002',
      state: 'ok',
      message: 'charge-card-00002 runs the image',
    },
    {
      id: 'traffic',
      value: '90 %',
      state: 'ok',
      message: "90 % of the function's traffic",
    },
  ],
  firstBroken: 3,
  kustomizations: [
    {
      name: 'functions',
      namespace: 'payments',
      ready: 'False',
      reason: 'DependencyNotReady',
      message: "dependency 'flux-system/tenants' is not ready",
      lastHandledReconcileAt: '2026-11-29T09:00:00Z',
      dependsOn: [],
      appliedBy: 'flux-system/tenants',
      found: true,
    },
    {
      name: 'tenants',
      namespace: 'flux-system',
      ready: 'False',
      reason: 'DependencyNotReady',
      message: "dependency 'flux-system/infra-configs' is not ready",
      dependsOn: ['flux-system/infra-configs'],
      found: true,
    },
    {
      name: 'infra-configs',
      namespace: 'flux-system',
      ready: 'False',
      reason: 'HealthCheckFailed',
      message: 'health check failed after 4m0s',
      dependsOn: [],
      found: true,
    },
  ],
  blockedBy: 'flux-system/infra-configs',
};

/** charge-card burning its error budget now, and a latency alert that resolved an hour ago. */
export const chargeCardAlerts: FunctionAlerts = {
  firing: [
    {
      fingerprint: '4a1c9e0d2b7f3a61',
      name: 'FunctionErrorBudgetFastBurn',
      severity: 'warning',
      state: 'firing',
      summary:
        'payments/charge-card burns its error budget 14.4× too fast: 50% of requests fail (objective 99% over 30 days)',
      startsAt: '2026-11-29T10:02:00Z',
      labels: {
        alertname: 'FunctionErrorBudgetFastBurn',
        team: 'payments',
        function: 'charge-card',
        severity: 'warning',
        namespace: 'payments',
      },
    },
  ],
  resolved: [
    {
      fingerprint: '9e3b6c1f0a2d4e57',
      name: 'FunctionLatencyObjective',
      severity: 'info',
      state: 'resolved',
      summary:
        'payments/charge-card answers in 1.3k ms at p95 (objective 1000 ms)',
      startsAt: '2026-11-29T08:40:00Z',
      endsAt: '2026-11-29T09:05:00Z',
      labels: {
        alertname: 'FunctionLatencyObjective',
        team: 'payments',
        function: 'charge-card',
        severity: 'info',
        namespace: 'payments',
      },
    },
  ],
};

/** charge-card's traffic in git: a canary of v2 beside v1, no change pending. */
export const chargeCardTraffic: FunctionTrafficView = {
  file: 'gitops/functions/payments/charge-card/function.yaml',
  revisionName: 'charge-card-v2',
  traffic: [
    { revisionName: 'charge-card-v1', percent: 90, tag: 'stable' },
    { latestRevision: true, percent: 10, tag: 'canary' },
  ],
  namedRevisions: ['charge-card-v1', 'charge-card-v2'],
};

/** An override of `fakeApi` under which charge-card's entity describes `functions`. */
export function entityRunning(
  ...functions: FunctionStatus[]
): Pick<AtonixServerlessApi, 'getEntityFunctions'> {
  return {
    getEntityFunctions: async () => ({
      entityRef: 'component:default/charge-card',
      items: functions,
    }),
  };
}

/** An API that answers every route with the charge-card fixtures; override what a test varies. */
export function fakeApi(
  overrides: Partial<AtonixServerlessApi> = {},
): AtonixServerlessApi {
  return {
    getRuntimeAvailability: async () => ({
      items: [
        { runtime: 'knative', provided: true },
        { runtime: 'openfaas', provided: true },
      ],
    }),
    listFunctions: async () => fleetPage,
    getFunction: async () => chargeCardDetails,
    getFunctionMetrics: async () => chargeCardMetrics,
    getFunctionLogs: async () => chargeCardLogs,
    getFunctionAlerts: async () => chargeCardAlerts,
    getTraffic: async () => chargeCardTraffic,
    changeTraffic: async () => {
      throw new Error('this test changes no traffic');
    },
    ...entityRunning(chargeCard),
    listTestEvents: async () => chargeCardTestEvents,
    invokeFunction: async () => chargeCardInvokeResult,
    syncFunction: async () => ({
      receiver: 'payments/functions',
      kustomization: 'payments/functions',
      previousReconcileAt: '2026-11-29T09:00:00Z',
      requestedAt: '2026-11-29T10:00:00.000Z',
    }),
    getFunctionTrace: async () => chargeCardTrace,
    writeFunctionSecret: async () => ({ taskId: 'task-1' }),
    ...overrides,
  };
}

/**
 * Overrides of `fakeApi` under which each of `calls` is refused as the permission policy refuses
 * it: the client's 403 `ResponseError` with the backend's reason.
 */
export function denying(
  ...calls: Array<keyof AtonixServerlessApi>
): Partial<AtonixServerlessApi> {
  const refuse = async () => {
    throw await permissionDenied();
  };
  return Object.fromEntries(calls.map(call => [call, refuse]));
}

/** What the client throws when the permission policy denied the request. */
export function permissionDenied(
  permission = 'atonix.function.logs.read',
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: 'NotAllowedError',
          message: `You may not use ${permission} on function payments/charge-card: it is for members of its owner group:default/payments. Ask them, or the platform team.`,
        },
        response: { statusCode: 403 },
      }),
      { status: 403, headers: { 'content-type': 'application/json' } },
    ),
  );
}
