/**
 * Retries `check` until it returns (or resolves) without throwing, then returns its value; after
 * `timeoutMs` the last error is thrown. For what a server does asynchronously: a watch delivering
 * a change, a catalog linking an entity.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 25));
    }
  }
}
