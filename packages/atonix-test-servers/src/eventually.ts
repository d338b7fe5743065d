/**
 * Retries `check` every `intervalMs` until it returns (or resolves) without throwing, then returns
 * its value; after `timeoutMs` the last error is thrown, so a check says in its error what it is
 * still waiting for. For what a server does asynchronously: a watch delivering a change, a catalog
 * linking an entity, a process becoming ready, a scaffolder task ending.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, intervalMs));
    }
  }
}
