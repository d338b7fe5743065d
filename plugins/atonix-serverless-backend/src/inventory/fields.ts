import type { ConditionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import type { KubeObject, ReadField } from '../extensions';

// Readers of the fields a WatchedResource declares (see ReadField): what most fields are, a string,
// a number, a label, a condition.

/** A condition as the cache keeps it: its status (`Unknown` unless True or False), reason, message. */
export interface CachedCondition {
  status: ConditionStatus;
  reason?: string;
  message?: string;
}

/** A number, or a number in a string (`"3"`); `fallback` when absent, empty or not a number. */
export function numberOr<T>(value: unknown, fallback: T): number | T {
  const parsed = typeof value === 'number' ? value : Number(value);
  return value === undefined || value === '' || Number.isNaN(parsed)
    ? fallback
    : parsed;
}

/** The string `read` finds (interned); undefined for anything else. */
export function text(
  read: (object: KubeObject) => unknown,
): ReadField<string | undefined> {
  return (object, keep) => {
    const value = read(object);
    return typeof value === 'string' ? keep.intern(value) : undefined;
  };
}

/** The value of one label. */
export function label(key: string): ReadField<string | undefined> {
  return text(object => object.metadata?.labels?.[key]);
}

/** The number `read` finds (also in a string), else `fallback`. */
export function number<T>(
  read: (object: KubeObject) => unknown,
  fallback: T,
): ReadField<number | T> {
  return object => numberOr(read(object), fallback);
}

/**
 * The `status.conditions` entry of `type`, without its timestamps, one shared copy of each
 * distinct one (a fleet's Ready conditions are alike by the thousand); undefined when absent.
 */
export function condition(
  type: string,
): ReadField<CachedCondition | undefined> {
  return (object, keep) => {
    const found = (object.status?.conditions ?? []).find(
      (c: { type?: string }) => c?.type === type,
    );
    if (!found) {
      return undefined;
    }
    const status: ConditionStatus =
      found.status === 'True' || found.status === 'False'
        ? found.status
        : 'Unknown';
    return keep.share({
      status,
      ...(found.reason ? { reason: keep.intern(String(found.reason)) } : {}),
      ...(found.message ? { message: String(found.message) } : {}),
    });
  };
}
