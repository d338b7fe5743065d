/**
 * One JSON object per line on stdout: the cluster's log shipper forwards stdout to Loki, where
 * the fields can be filtered with `| json` without any parsing rules on the platform side.
 */
export function createLogger(stream = process.stdout, fields = {}) {
  const write = (level, msg, extra) =>
    stream.write(
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
