import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';

/** True when the backend refused the request for lack of permission (403). */
export function isPermissionDenied(error: Error): boolean {
  return (
    error.name === 'ResponseError' &&
    (error as ResponseError).statusCode === 403
  );
}

/**
 * A failed backend call: permission denied gets its own explanation, because the fix is asking the
 * owning team, not retrying.
 */
export function ErrorState(props: { error: Error; what: string }) {
  const { error, what } = props;
  if (isPermissionDenied(error)) {
    return (
      <WarningPanel severity="warning" title={`Permission denied: ${what}`}>
        You are not allowed to read this (permission atonix.function.read). Ask
        a member of the owning team, or a portal admin, to grant it.
      </WarningPanel>
    );
  }
  return <ResponseErrorPanel error={error} title={`Could not load ${what}`} />;
}

/** A panel whose data source (Prometheus, Loki) is down or not configured; the rest of the page works. */
export function UnavailableState(props: { source: string; reason: string }) {
  return (
    <WarningPanel severity="info" title={`${props.source} is unavailable`}>
      {props.reason}
    </WarningPanel>
  );
}
