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
 * owning team, not retrying. The backend's message says which permission and why (not a member of
 * the owner, or the function not linked to its catalog entity yet).
 */
export function ErrorState(props: { error: Error; what: string }) {
  const { error, what } = props;
  if (isPermissionDenied(error)) {
    const reason = (error as ResponseError).body?.error?.message;
    return (
      <WarningPanel
        severity="warning"
        title={`Permission denied: ${what}`}
        defaultExpanded
      >
        {reason ??
          'The permission policy keeps this to the owning team and the platform team: ask them if you need it.'}
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
