/** Reading a controller's /metrics (Prometheus text) the way a scrape would. */
import type { ControllerProcess } from '../helpers/controller-process.ts';

/** The value of `name` with exactly these labels in a Prometheus text, or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

/** The controller's resident set and used heap, as its /metrics reports them. */
export async function memoryOf(controller: ControllerProcess): Promise<{ rss: number; heapUsed: number }> {
  const text = await (await fetch(`${await controller.httpUrl()}/metrics`)).text();
  const rss = sample(text, 'process_resident_memory_bytes');
  const heapUsed = sample(text, 'nodejs_heap_size_used_bytes');
  if (rss === undefined || heapUsed === undefined) throw new Error('the controller’s /metrics has no process_resident_memory_bytes or nodejs_heap_size_used_bytes');
  return { rss, heapUsed };
}

/** HTTP status of the controller's /readyz. */
export async function readiness(controller: ControllerProcess): Promise<number> {
  return (await fetch(`${await controller.httpUrl()}/readyz`)).status;
}
