import { z } from 'zod';
import type { FunctionSpec } from './functionSpec';

/**
 * What a function promises its callers, and what its alerts watch. Every field is optional in
 * `function.yaml`: what is left out comes from {@link OBJECTIVE_DEFAULTS}, stricter for a critical
 * function. The objectives are measured over {@link OBJECTIVE_WINDOW_DAYS} days, the window the
 * burn-rate alerts' factors assume.
 */
export const objectivesSchema = z
  .strictObject({
    /** Percentage of requests answered without a 5xx over the window, e.g. 99.5. */
    availability: z
      .number()
      .min(
        90,
        'availability below 90% leaves no objective worth alerting on; use 90 or more',
      )
      .max(
        99.99,
        'availability above 99.99% cannot be measured from 5-minute windows; use 99.99 or less',
      ),
    /** The 95th percentile of request latency the function keeps to, in milliseconds. */
    latencyP95Ms: z.number().int().min(1),
    /** The 95th percentile of the time a request waits for a start from zero, in milliseconds. */
    coldStartP95Ms: z.number().int().min(1),
  })
  .partial();

export type FunctionObjectivesInput = z.output<typeof objectivesSchema>;
export type FunctionObjectives = Required<FunctionObjectivesInput>;

/** The window availability is measured over; the burn-rate thresholds are fractions of it. */
export const OBJECTIVE_WINDOW_DAYS = 30;

/**
 * Defaults per kind of function. A critical function keeps replicas warm and sits in a caller's
 * path, so it promises more; the others scale to zero and pay a start now and then.
 */
export const OBJECTIVE_DEFAULTS: Readonly<
  Record<'standard' | 'critical', FunctionObjectives>
> = {
  standard: { availability: 99, latencyP95Ms: 1000, coldStartP95Ms: 5000 },
  critical: { availability: 99.9, latencyP95Ms: 500, coldStartP95Ms: 2000 },
};

/** A function's objectives: what its spec says, the defaults for the rest. */
export function functionObjectives(
  spec: Pick<FunctionSpec, 'critical' | 'objectives'>,
): FunctionObjectives {
  return {
    ...OBJECTIVE_DEFAULTS[spec.critical ? 'critical' : 'standard'],
    ...spec.objectives,
  };
}

/**
 * What to do when requests wait longer for a start from zero than the objective allows: the
 * function's cold-start alert says it, and the portal shows it beside the measured wait.
 */
export function coldStartAdvice(critical: boolean): string {
  return critical
    ? 'Requests wait for a pod although the function is critical: raise scaling.minScale so enough replicas stay warm, or make the image smaller and the start faster.'
    : 'Make the image smaller or the start faster, or mark the function critical and keep scaling.minScale at 1 so a replica stays warm.';
}

/**
 * The labels every function alert carries: Alertmanager routes on `team` (with the `namespace` the
 * Prometheus Operator forces onto a team's rules), the portal finds a function's alerts by
 * `team` + `function`, and `severity` says how urgent it is.
 */
export const FUNCTION_ALERT_LABELS = {
  team: 'team',
  function: 'function',
  severity: 'severity',
} as const;

/** Severities of function alerts, least urgent first. */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
