/** Polls `check` every `everyMs` until it holds; throws after `timeoutMs` naming `what`. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000, everyMs = 2): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
