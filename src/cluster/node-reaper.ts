import type { Logger } from 'pino';
import { reasonOf } from '../logger.ts';
import type { CallStore } from '../store/call-store.ts';
import type { NodeRegistry } from '../store/node-registry.ts';

/** How often every controller looks for nodes whose heartbeat expired. */
export const REAP_INTERVAL_MS = 2_000;

/**
 * Stops offering the calls of nodes nobody serves any more (their controllers died or lost the event socket):
 * with an 8 s heartbeat life and a 2 s sweep, within 10 s. Any controller may do it; it is idempotent. The calls
 * stay in the store, offline, until the node's resync brings them back or removes them.
 */
export class NodeReaper {
  private readonly reaped = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly registry: NodeRegistry,
    private readonly calls: CallStore,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'reaper' });
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep().catch((error: unknown) => this.log.debug({ reason: reasonOf(error) }, 'node sweep failed; next sweep')), REAP_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One sweep: takes the calls of newly dead nodes offline. */
  async sweep(): Promise<void> {
    const dead = new Set(await this.registry.deadNodes());
    for (const node of this.reaped) if (!dead.has(node)) this.reaped.delete(node);
    for (const node of dead) {
      if (this.reaped.has(node)) continue;
      let offline = 0;
      for (const { domain, callUuid } of await this.calls.callsOfNode(node)) {
        if (await this.calls.takeOffline(domain, callUuid)) offline++;
      }
      this.reaped.add(node);
      this.log.warn({ node, callsTakenOffline: offline }, 'node down: its calls are no longer offered');
    }
  }
}
