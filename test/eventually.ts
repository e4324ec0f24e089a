/** Polls `probe` until it answers a value, for at most `timeoutMs`: for eventually-consistent reads. */
export async function eventually<T>(
  probe: () => Promise<T | null | undefined>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not hold within ${timeoutMs} ms`);
}
