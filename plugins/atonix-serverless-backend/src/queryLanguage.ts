/**
 * A label value as a PromQL or LogQL string literal. Both languages read Go string literals, and
 * every escape JSON.stringify emits (`\"`, `\\`, `\n`, `\uXXXX`) is a valid Go escape, so a
 * value cannot end the string early or inject a matcher, whatever it contains.
 */
export function quoteLabelValue(value: string): string {
  return JSON.stringify(value);
}

/**
 * A `{a="x",b=~"y.."}` selector with every value quoted: `labels` match exactly, `regexes` as
 * regular expressions. No matcher at all gives the empty string (every series of the metric).
 */
export function labelSelector(
  labels: Record<string, string>,
  regexes: Record<string, string> = {},
): string {
  const matchers = [
    ...Object.entries(labels).map(
      ([name, value]) => `${name}=${quoteLabelValue(value)}`,
    ),
    ...Object.entries(regexes).map(
      ([name, value]) => `${name}=~${quoteLabelValue(value)}`,
    ),
  ];
  return matchers.length ? `{${matchers.join(',')}}` : '';
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in a Prometheus-style duration (`90s`, `15m`, `1h`, `7d`); undefined when malformed. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]] : undefined;
}
