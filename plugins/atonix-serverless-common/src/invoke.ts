import { z } from 'zod';

/**
 * Testing a function from the portal (`POST /functions/:cluster/:namespace/:name/invoke`) and its
 * saved test events (`GET …/events`). A saved event is a file `events/<name>.json` of the function's
 * GitOps folder, in the format every function repository's `events/` folder uses
 * (templates/README.md, "Saved test events").
 */

/** An HTTP request as a test sends it; the body is sent as it is when a string, else as JSON. */
export const testRequestSchema = z.object({
  method: z
    .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
    .default('POST'),
  path: z.string().max(2048).regex(/^\//, 'must start with "/"').default('/'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
});
export type TestRequest = z.input<typeof testRequestSchema>;

/** The CloudEvents content modes of the HTTP binding: attributes as `ce-*` headers, or one JSON document. */
export const CLOUDEVENT_MODES = ['binary', 'structured'] as const;

/** A CloudEvent a test sends; `id` and `time` are generated when absent. */
export const testCloudEventSchema = z.object({
  mode: z.enum(CLOUDEVENT_MODES).default('binary'),
  type: z.string().min(1),
  source: z.string().min(1),
  id: z.string().min(1).optional(),
  subject: z.string().optional(),
  datacontenttype: z.string().default('application/json'),
  data: z.unknown().optional(),
  /** Extension attributes (lower-case alphanumeric names, e.g. `traceparent`). */
  extensions: z
    .record(z.string().regex(/^[a-z0-9]{1,20}$/), z.string())
    .default({}),
});
export type TestCloudEvent = z.input<typeof testCloudEventSchema>;

/** A saved test event file (`events/<name>.json`). */
export const savedTestEventSchema = z.object({
  description: z.string().min(1),
  request: testRequestSchema,
  expect: z.object({ status: z.number().int() }).optional(),
});

/** One saved test event, or why its file could not be read. */
export type SavedTestEvent =
  | {
      /** The file name without `.json`. */
      name: string;
      /** The file's path in the GitOps repository. */
      path: string;
      description: string;
      request: z.output<typeof testRequestSchema>;
      expect?: { status: number };
    }
  | { name: string; path: string; error: string };

/** `GET /functions/:cluster/:namespace/:name/events`. */
export interface SavedTestEventsResponse {
  /** The function's GitOps folder the events were read from. */
  folder: string;
  /** The GitOps revision read (a commit, or a content hash for a folder). */
  revision: string;
  events: SavedTestEvent[];
}

/** Where a test request goes: the function's URL (the traffic split decides) or one revision's tag URL. */
export const invokeTargetSchema = z
  .object({ revision: z.string().min(1).max(253).optional() })
  .default({});

/** Body of `POST /functions/:cluster/:namespace/:name/invoke`: exactly one of request, cloudEvent, savedEvent. */
export const invokeRequestSchema = z
  .object({
    target: invokeTargetSchema,
    request: testRequestSchema.optional(),
    cloudEvent: testCloudEventSchema.optional(),
    /** The name of a saved test event of the function's GitOps folder. */
    savedEvent: z.string().min(1).max(253).optional(),
  })
  .refine(
    body =>
      [body.request, body.cloudEvent, body.savedEvent].filter(
        v => v !== undefined,
      ).length === 1,
    { message: 'give exactly one of request, cloudEvent or savedEvent' },
  );
export type InvokeRequest = z.input<typeof invokeRequestSchema>;

/** What a test request answered, or why it has no answer. */
export interface InvokeResult {
  /** The URL the request was for (its host is the Host header sent to the ingress). */
  url: string;
  /** The revision that was asked for, when a tag URL was used. */
  revision?: string;
  /**
   * True when every revision that could serve the request had 0 ready replicas before the call, so
   * the request waited for a pod to start (from the inventory, not from the response).
   */
  coldStart: boolean;
  latencyMs: number;
  /** The HTTP request that was sent (method, path, headers), for the developer to check. */
  sent: { method: string; path: string; headers: Record<string, string> };
  response?: {
    status: number;
    headers: Record<string, string>;
    body: string;
    /** Bytes the function sent; the body is cut at the backend's limit. */
    bodyBytes: number;
    truncated: boolean;
  };
  /** Why there is no response: a timeout or a connection error. */
  error?: string;
}
