export { formatAge } from '@internal/backstage-plugin-atonix-serverless-common';

/** Seconds between an ISO 8601 time and now. */
export function secondsSince(iso: string, now = Date.now()): number {
  return (now - new Date(iso).getTime()) / 1000;
}

/** Requests per second with the precision a reader can use. */
export function formatRate(rps: number): string {
  if (rps === 0) return '0 req/s';
  if (rps < 0.1) return `${rps.toFixed(3)} req/s`;
  if (rps < 10) return `${rps.toFixed(2)} req/s`;
  return `${rps.toFixed(1)} req/s`;
}

/** A share (0..1) as a percentage; "–" where there were no requests to divide by. */
export function formatPercent(share: number | null): string {
  if (share === null) return '–';
  const percent = share * 100;
  return `${
    percent < 1 && percent > 0 ? percent.toFixed(2) : percent.toFixed(1)
  }%`;
}

/** Milliseconds, or "–" where there was no traffic to measure. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
