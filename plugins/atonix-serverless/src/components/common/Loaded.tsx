import { ReactNode } from 'react';
import { Progress } from '@backstage/core-components';
import { ErrorState } from './ErrorState';

/**
 * A panel's value read from the backend: `children(value)` once there is one (the last answer
 * stays while a refresh fails), else why the read failed (`what` names it), else progress.
 */
export function Loaded<T>(props: {
  value: T | undefined;
  error?: Error;
  what: string;
  children: (value: T) => ReactNode;
}) {
  const { value, error, what, children } = props;
  if (value !== undefined) return <>{children(value)}</>;
  if (error) return <ErrorState error={error} what={what} />;
  return <Progress />;
}
