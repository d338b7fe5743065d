/** Where log lines go: stdout in production, an array in tests. */
export interface LogSink {
  write(line: string): unknown;
}

export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

/**
 * One JSON object per line on stdout: the cluster's log shipper forwards stdout to Loki, where
 * the fields can be filtered with `| json` without any parsing rules on the platform side.
 */
export function createLogger(
  sink: LogSink = process.stdout,
  fields: Record<string, unknown> = {},
): Logger {
  const write = (level: string, msg: string, extra: Record<string, unknown>) =>
    sink.write(
      `${JSON.stringify({
        time: new Date().toISOString(),
        level,
        msg,
        ...fields,
        ...extra,
      })}\n`,
    );
  return {
    info: (msg, extra = {}) => write('info', msg, extra),
    error: (msg, extra = {}) => write('error', msg, extra),
  };
}
