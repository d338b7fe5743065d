import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionRuleset,
  createConditionAuthorizer,
} from '@backstage/plugin-permission-node';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_NAMESPACE,
  FUNCTION_HEALTH_STATES,
  FUNCTION_RUNTIMES,
  FUNCTION_SORT_KEYS,
  FunctionListQuery,
  FunctionStatus,
  FUNCTION_RESOURCE_TYPE,
  METRICS_WINDOWS,
  functionEnvironmentReadPermission,
  functionInvokePermission,
  functionLogsReadPermission,
  functionSyncPermission,
  invokeRequestSchema,
  functionSecretWritePermission,
  functionMetricsReadPermission,
  SORT_ORDERS,
  functionReadPermission,
  isUnavailable,
  functionTrafficUpdatePermission,
  trafficChangeSchema,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  ClusterRuntimes,
  PublishSettings,
  functionDeniedReason,
} from '@internal/backstage-plugin-atonix-serverless-node';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  FunctionInventory,
  MAX_PAGE_SIZE,
} from './inventory/FunctionInventory';
import { FunctionAlerts } from './alertmanager/FunctionAlerts';
import { ConditionalDecisions } from './ConditionalDecisions';
import { LokiLogs, MAX_LOG_LINES } from './loki/LokiLogs';
import { functionFolder, GitOpsRepository } from './gitops/GitOpsRepository';
import { cloudEventRequest, FunctionInvoker } from './invoke/FunctionInvoker';
import { SavedTestEvents } from './invoke/SavedTestEvents';
import { FleetMetricsView } from './prometheus/FleetMetrics';
import { PrometheusMetrics } from './prometheus/PrometheusMetrics';
import { parseDurationSeconds } from './queryLanguage';
import { withoutDetails } from './runtimes/objects';
import { CatalogEntityReads } from './CatalogEntityReads';
import { CallerCredentials } from './CallerCredentials';
import { RuntimeRegistry } from './runtimes/RuntimeRegistry';
import { FluxSync } from './sync/FluxSync';
import { GitOpsFacts, traceFunction } from './trace/traceFunction';
import { GitopsTraffic } from './traffic/GitopsTraffic';

/** A query parameter that may repeat (`team=a&team=b`) or list values (`team=a,b`). */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    value =>
      value === undefined
        ? undefined
        : (Array.isArray(value) ? value : [value])
            .flatMap(v => String(v).split(','))
            .filter(Boolean),
    z.array(item).optional(),
  );

const booleanParam = z
  .enum(['true', 'false'])
  .transform(v => v === 'true')
  .optional();

const listQuerySchema = z.object({
  team: list(z.string()),
  cluster: list(z.string()),
  runtime: list(z.enum(FUNCTION_RUNTIMES)),
  health: list(z.enum(FUNCTION_HEALTH_STATES)),
  scaledToZero: booleanParam,
  alerting: booleanParam,
  search: z.string().max(253).optional(),
  sort: z.enum(FUNCTION_SORT_KEYS).optional(),
  order: z.enum(SORT_ORDERS).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
});

const metricsQuerySchema = z.object({
  window: z.enum(METRICS_WINDOWS).default('1h'),
});

const SEVEN_DAYS = 7 * 86400;
const logsQuerySchema = z.object({
  since: z
    .string()
    .default('1h')
    .transform((value, ctx) => {
      const seconds = parseDurationSeconds(value);
      if (!seconds || seconds > SEVEN_DAYS) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a duration like 15m, 1h or 24h, at most 7d',
        });
        return z.NEVER;
      }
      return seconds;
    }),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_LINES).default(200),
  revision: z.string().max(253).optional(),
  direction: z.enum(['backward', 'forward']).default('backward'),
  filter: z.string().max(1000).optional(),
});

function parse<T extends z.ZodType>(
  schema: T,
  input: unknown,
  where: string,
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues
      .map(issue => `${issue.path.join('.') || 'query'}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid ${where}: ${problems}`);
  }
  return result.data;
}

/** The template the portal runs to write a function's secret (templates/function-secret.yaml). */
export const FUNCTION_SECRET_TEMPLATE = 'template:default/function-secret';

/** The template the portal runs to change a function's traffic (templates/function-traffic.yaml). */
export const FUNCTION_TRAFFIC_TEMPLATE = 'template:default/function-traffic';

/**
 * A secret to write: its name, one key and its value, and optionally the env var that reads it.
 * Values are never echoed: the messages name the fields only.
 */
const secretRequestSchema = z.strictObject({
  name: z
    .string()
    .max(253)
    .regex(
      /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
      "must be a Secret name: lower-case letters, digits, '-' and '.'",
    ),
  key: z
    .string()
    .regex(/^[-._a-zA-Z0-9]+$/, "must be letters, digits, '-', '_' or '.'"),
  value: z.string().min(1, 'must not be empty'),
  envName: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
});

export interface RouterOptions {
  httpAuth: HttpAuthService;
  /** The permission backend's decisions, reused for a short time per caller. */
  decisions: ConditionalDecisions;
  functionRules: PermissionRuleset<FunctionStatus>;
  inventory: FunctionInventory;
  runtimes: RuntimeRegistry;
  metrics: PrometheusMetrics;
  fleetMetrics: FleetMetricsView;
  alerts: FunctionAlerts;
  logs: LokiLogs;
  catalog: CatalogService;
  gitops: GitOpsRepository;
  invoker: FunctionInvoker;
  fluxSync: FluxSync;
  /** Test requests and syncs one caller may send per minute. */
  actionsPerMinute: number;
  scaffolder: ScaffolderService;
  /** Traffic changes through the GitOps repository; absent when `atonix.scaffolder` is not configured. */
  traffic?: GitopsTraffic;
  /** The runtimes each cluster runs (`atonix.clusters.<cluster>.runtimes`). */
  clusterRuntimes: ClusterRuntimes;
  /** Where templates publish (`atonix.scaffolder`), for the trace's links to function commits. */
  publishSettings?: PublishSettings;
}

/**
 * The paths of the router's routes. The router authenticates every request itself (with each
 * user token verified once, {@link CallerCredentials}), so the plugin lets these paths past the
 * backend's own credentials check, which would verify the token again on every request.
 */
export const ROUTER_PATHS = ['/health', '/runtimes', '/functions', '/entity'];

/**
 * The HTTP API: it authenticates, checks the route's permission (`atonix.function.read` for status,
 * `.environment.read` (details, trace), `.metrics.read` (metrics and alerts), `.logs.read`,
 * `.invoke` (test requests, saved events), `.sync`), validates input and hands over to the
 * services. Every route needs user or service credentials.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    decisions,
    inventory,
    runtimes,
    metrics,
    fleetMetrics,
    alerts,
    logs,
    catalog,
    gitops,
    invoker,
    fluxSync,
    scaffolder,
    traffic,
    clusterRuntimes,
    publishSettings,
  } = options;
  const savedEvents = SavedTestEvents.create({ repository: gitops });
  const isAllowed = createConditionAuthorizer(options.functionRules);
  const entityReads = new CatalogEntityReads({
    catalog,
    copy: entityRef => inventory.catalogEntity(entityRef),
    decisions,
  });
  const callers = CallerCredentials.create({ httpAuth });
  const router = Router();
  // Every route needs user or service credentials, a readiness probe included: it reveals which
  // clusters this portal watches. The backend's own check skips these paths (ROUTER_PATHS); a
  // route outside them goes through both.
  router.use(callers.middleware());
  router.use(express.json());

  /**
   * The caller's decision on `permission` as a predicate over functions; undefined when every
   * function is allowed, so the fleet list can skip the check.
   */
  async function allowedBy(
    credentials: BackstageCredentials,
    permission: ResourcePermission<typeof FUNCTION_RESOURCE_TYPE>,
  ): Promise<((fn: FunctionStatus) => boolean) | undefined> {
    return predicateOf(await decisions.decide(permission, credentials));
  }

  function predicateOf(
    decision: PolicyDecision,
  ): ((fn: FunctionStatus) => boolean) | undefined {
    if (decision.result === AuthorizeResult.ALLOW) {
      return undefined;
    }
    return (fn: FunctionStatus) => isAllowed(decision, fn);
  }

  /** The function a `/functions/:cluster/:namespace/:name...` route names, if `permission` allows. */
  async function allowedFunction(
    req: express.Request,
    permission: ResourcePermission<typeof FUNCTION_RESOURCE_TYPE>,
  ) {
    const credentials = await callers.credentials(req, ['user', 'service']);
    const { cluster, namespace, name } = req.params;
    const fn = inventory.get(cluster, namespace, name);
    if (!fn) {
      throw new NotFoundError(
        `No function ${namespace}/${name} in cluster "${cluster}"; GET /functions lists the known ones`,
      );
    }
    const allowed = await allowedBy(credentials, permission);
    if (allowed && !allowed(fn)) {
      throw new NotAllowedError(
        functionDeniedReason(
          fn,
          permission.name,
          'the catalog is read again every atonix.inventory.catalogRefreshSeconds, default 60',
        ),
      );
    }
    const clusterConfig = inventory.cluster(cluster)!;
    return { fn, cluster: clusterConfig };
  }

  router.get('/health', async (_req, res) => {
    res.json({ status: 'ok', clusters: inventory.clusterStatuses() });
  });

  // Whether each runtime runs on every cluster this portal watches (and every configured one):
  // what a template's form checks before a run. The run checks again against the GitOps checkout.
  router.get('/runtimes', async (_req, res) => {
    const clusters = inventory.clusterStatuses().map(cluster => cluster.name);
    res.json({
      items: FUNCTION_RUNTIMES.map(runtime =>
        clusterRuntimes.availability(runtime, clusters),
      ),
    });
  });

  router.get('/functions', async (req, res) => {
    const credentials = await callers.credentials(req, ['user', 'service']);
    const query: FunctionListQuery = parse(
      listQuerySchema,
      req.query,
      'query of GET /functions',
    );
    // The traffic and alert columns are metrics: shown, and sorted on, only where the caller may
    // read them; the alerting filter keeps only those functions.
    const metricsDecision = await decisions.decide(
      functionMetricsReadPermission,
      credentials,
    );
    const readDecision = await decisions.decide(
      functionReadPermission,
      credentials,
    );
    const metricsAllowed = predicateOf(metricsDecision);
    const readable = predicateOf(readDecision);
    const alerting = (fn: FunctionStatus) => {
      const summary = alerts.summary(fn.cluster, fn.namespace, fn.name);
      return (
        (!metricsAllowed || metricsAllowed(fn)) &&
        !isUnavailable(summary) &&
        summary.firing > 0
      );
    };
    const hidden = `Not shown for functions of other teams (${functionMetricsReadPermission.name} is for their owners)`;
    const fleet = inventory.list(
      query,
      query.alerting
        ? fn => (!readable || readable(fn)) && alerting(fn)
        : readable,
      fleetMetrics,
      metricsAllowed && { visible: metricsAllowed, reason: hidden },
      // Callers with the same decisions see the same rows; alerts change without a decision.
      query.alerting
        ? undefined
        : `${viewOf(readDecision)} ${viewOf(metricsDecision)}`,
    );
    // The list's items are built for this answer: their alerts are added in place.
    for (const item of fleet.items) {
      item.alerts =
        !metricsAllowed || metricsAllowed(item)
          ? alerts.summary(item.cluster, item.namespace, item.name)
          : { unavailable: hidden };
    }
    res.json(fleet);
  });

  router.get('/functions/:cluster/:namespace/:name', async (req, res) => {
    const { fn } = await allowedFunction(
      req,
      functionEnvironmentReadPermission,
    );
    res.json(fn);
  });

  router.get(
    '/functions/:cluster/:namespace/:name/metrics',
    async (req, res) => {
      const { window } = parse(
        metricsQuerySchema,
        req.query,
        'query of the metrics route',
      );
      const { fn, cluster } = await allowedFunction(
        req,
        functionMetricsReadPermission,
      );
      res.json(
        await metrics.functionMetrics(
          cluster,
          runtimes.get(fn.runtime).functionQueries(fn),
          withoutDetails(fn),
          window,
        ),
      );
    },
  );

  router.get(
    '/functions/:cluster/:namespace/:name/alerts',
    async (req, res) => {
      const { fn } = await allowedFunction(req, functionMetricsReadPermission);
      res.json(alerts.of(fn.cluster, fn.namespace, fn.name));
    },
  );

  router.get('/functions/:cluster/:namespace/:name/logs', async (req, res) => {
    const query = parse(logsQuerySchema, req.query, 'query of the logs route');
    const { fn, cluster } = await allowedFunction(
      req,
      functionLogsReadPermission,
    );
    res.json(
      await logs.functionLogs(cluster, withoutDetails(fn), {
        sinceSeconds: query.since,
        limit: query.limit,
        direction: query.direction,
        revision: query.revision,
        filter: query.filter,
      }),
    );
  });

  // Testing and syncing reach into a cluster on the caller's behalf: limited per caller, after
  // authentication (an unauthenticated request is refused before it counts).
  const perCaller = rateLimit({
    windowMs: 60_000,
    limit: options.actionsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: async req => {
      const { principal } = await callers.credentials(req, ['user', 'service']);
      return principal.type === 'user'
        ? principal.userEntityRef
        : (principal as { subject: string }).subject;
    },
    handler: (_req, res) => {
      res.status(429).json({
        error: {
          name: 'TooManyRequestsError',
          message: `At most ${options.actionsPerMinute} test requests and syncs per minute (atonix.invoke.perUserPerMinute); try again in a minute`,
        },
      });
    },
  });

  router.get(
    '/functions/:cluster/:namespace/:name/events',
    async (req, res) => {
      const { fn } = await allowedFunction(req, functionInvokePermission);
      res.json(await savedEvents.list(fn.team, fn.name));
    },
  );

  router.post(
    '/functions/:cluster/:namespace/:name/invoke',
    perCaller,
    async (req, res) => {
      const body = parse(
        invokeRequestSchema,
        req.body,
        'body of the invoke route',
      );
      const { fn, cluster } = await allowedFunction(
        req,
        functionInvokePermission,
      );
      let request;
      if (body.request) {
        request = body.request;
      } else if (body.cloudEvent) {
        request = cloudEventRequest(body.cloudEvent);
      } else {
        request = (await savedEvents.get(fn.team, fn.name, body.savedEvent!))
          .request;
      }
      res.json(await invoker.invoke(cluster, fn, body.target, request));
    },
  );

  router.post(
    '/functions/:cluster/:namespace/:name/sync',
    perCaller,
    async (req, res) => {
      const { fn, cluster } = await allowedFunction(
        req,
        functionSyncPermission,
      );
      res.json(
        await fluxSync.sync(cluster, fn, inventory.objects(cluster.name)),
      );
    },
  );

  router.get('/functions/:cluster/:namespace/:name/trace', async (req, res) => {
    const { fn, cluster } = await allowedFunction(
      req,
      functionEnvironmentReadPermission,
    );
    let facts: GitOpsFacts;
    try {
      const tree = await gitops.read();
      const path = `${functionFolder(fn.team, fn.name)}/function.yaml`;
      const file = tree.files.find(f => f.path === path);
      facts = {
        revision: tree.revision,
        ...(tree.committedAt ? { committedAt: tree.committedAt } : {}),
        ...(file ? { functionFile: file } : {}),
      };
    } catch (error) {
      facts = { unavailable: (error as Error).message };
    }
    res.json(
      traceFunction(fn, facts, inventory.objects(cluster.name), {
        functionCommitUrl: commit =>
          publishSettings?.functionCommitUrl(fn.name, commit),
      }),
    );
  });

  // Writes go through GitOps like every change: the function-secret template encrypts the value to
  // the team's public keys and commits it or opens the pull request, as the caller. The value
  // travels only as a scaffolder secret (masked, kept out of the task and its log).
  router.post(
    '/functions/:cluster/:namespace/:name/secrets',
    async (req, res) => {
      const { fn } = await allowedFunction(req, functionSecretWritePermission);
      const body = parse(
        secretRequestSchema,
        req.body,
        'body of POST /functions/:cluster/:namespace/:name/secrets',
      );
      const credentials = await callers.credentials(req, ['user']);
      res.status(202).json(
        await runFunctionTemplate(credentials, fn, {
          templateRef: FUNCTION_SECRET_TEMPLATE,
          values: {
            name: body.name,
            key: body.key,
            // What the template form holds for a masked field; the value is in secrets.
            value: '*'.repeat(body.value.length),
            envName: body.envName ?? '',
          },
          secrets: { value: body.value },
        }),
      );
    },
  );

  /**
   * Starts a day-two template on `fn` as the caller: the template's `team` and `function` are the
   * function's team and catalog entity (its name when not linked yet). Answers the task's id.
   */
  async function runFunctionTemplate(
    credentials: BackstageCredentials,
    fn: FunctionStatus,
    request: Parameters<ScaffolderService['scaffold']>[0],
  ): Promise<{ taskId: string }> {
    const { taskId } = await scaffolder.scaffold(
      {
        ...request,
        values: {
          team: stringifyEntityRef({ kind: 'group', name: fn.namespace }),
          function:
            fn.entityRef ??
            stringifyEntityRef({ kind: 'component', name: fn.name }),
          ...request.values,
        },
      },
      { credentials },
    );
    return { taskId };
  }

  function gitopsTraffic(): GitopsTraffic {
    if (!traffic) {
      throw new NotImplementedError(
        'Traffic changes need the GitOps repository: configure atonix.scaffolder (publishTarget, gitops.repo)',
      );
    }
    return traffic;
  }

  router.get(
    '/functions/:cluster/:namespace/:name/traffic',
    async (req, res) => {
      const { fn } = await allowedFunction(
        req,
        functionEnvironmentReadPermission,
      );
      res.json(await gitopsTraffic().view(fn));
    },
  );

  // A change through GitOps, never a write to a cluster: the function-traffic template writes it
  // into function.yaml, renders, validates and commits it (local) or opens the pull request
  // (GitHub), as the caller; Flux applies it.
  router.post(
    '/functions/:cluster/:namespace/:name/traffic',
    async (req, res) => {
      const credentials = await callers.credentials(req, ['user']);
      const { fn } = await allowedFunction(
        req,
        functionTrafficUpdatePermission,
      );
      const change = parse(
        trafficChangeSchema,
        req.body,
        'body of the traffic route',
      );
      res.status(202).json(
        await runFunctionTemplate(credentials, fn, {
          templateRef: FUNCTION_TRAFFIC_TEMPLATE,
          values: { change },
        }),
      );
    },
  );

  router.get('/entity/:kind/:namespace/:name', async (req, res) => {
    const credentials = await callers.credentials(req, ['user', 'service']);
    const entityRef = stringifyEntityRef({
      kind: req.params.kind,
      namespace: req.params.namespace,
      name: req.params.name,
    });
    // As the caller: an entity they cannot see in the catalog is not found here.
    const entity = await entityReads.get(entityRef, credentials);
    if (!entity) {
      throw new NotFoundError(`No catalog entity ${entityRef}`);
    }
    const kubernetesId =
      entity.metadata.annotations?.[ANNOTATION_KUBERNETES_ID];
    if (!kubernetesId) {
      throw new InputError(
        `Entity ${entityRef} has no ${ANNOTATION_KUBERNETES_ID} annotation; add it (the function's name) to link the entity to its function`,
      );
    }
    const namespace =
      entity.metadata.annotations?.[ANNOTATION_KUBERNETES_NAMESPACE];
    const readable = await allowedBy(credentials, functionReadPermission);
    res.json({
      entityRef,
      items: inventory
        .forKubernetesId(kubernetesId, namespace)
        .filter(fn => !readable || readable(fn)),
    });
  });

  return router;
}

/** Decisions as keys of the rows they let a caller see, by decision (reused for a while per caller). */
const decisionViews = new WeakMap<PolicyDecision, string>();

function viewOf(decision: PolicyDecision): string {
  let view = decisionViews.get(decision);
  if (view === undefined) {
    view = JSON.stringify(decision);
    decisionViews.set(decision, view);
  }
  return view;
}
