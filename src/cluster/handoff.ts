import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { reasonOf } from '../logger.ts';
import { deleteTokenCommand, handoffDialString, insertTokenCommand, tokenDestination } from '../esl/handoff-token.ts';
import type { ClaimedCall } from '../store/call-store.ts';
import type { HandoffTokenStore } from '../store/handoff-tokens.ts';
import type { NodeRegistry } from '../store/node-registry.ts';
import type { NodeSwitches } from './node-switches.ts';

/** Settings of cross-node pickups. */
export interface HandoffSettings {
  /** The SIP profile that reaches other nodes' `cluster` profiles. */
  readonly sipProfile: string;
  /** How long an unused token stays in the call node's hash. */
  readonly tokenTtlMs: number;
  /** How long the picker's node waits for the call's node to answer. */
  readonly originateTimeoutSec: number;
  /** How often expired tokens are removed from the served nodes. */
  readonly sweepIntervalMs: number;
  /** How long a pickup waits for the call node's event socket while it reconnects. */
  readonly reconnectWaitMs: number;
}

export const DEFAULT_HANDOFF_SETTINGS: HandoffSettings = Object.freeze({
  sipProfile: 'cluster',
  tokenTtlMs: 10_000,
  originateTimeoutSec: 6,
  sweepIntervalMs: 2_000,
  reconnectWaitMs: 1_000,
});

/** Why a call on another node could not be prepared for the picker. */
export type HandoffRefusal = 'no-address' | 'node-unreachable' | 'switch-refused';

/**
 * Cross-node pickup without a controller on the way at the call's node (captures 17, 17b): the picker's
 * controller puts a one-time token (128 random bits) straight into the call node's own FreeSWITCH hash through
 * that node's event socket, then the picker's node bridges the picker to the call node's `cluster` profile with
 * the token as destination; the call node's dialplan looks the token up, deletes it and intercepts the call at
 * once. Tokens are listed in Redis and removed from the switch by the controllers serving that node when they
 * expire unused.
 */
export class Handoff {
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly switches: NodeSwitches,
    private readonly registry: NodeRegistry,
    private readonly tokens: HandoffTokenStore,
    private readonly settings: HandoffSettings,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'handoff' });
  }

  /** Prepares the call's node for the picker; resolves with what the picker's node must dial, or why it cannot. */
  async prepare(call: ClaimedCall): Promise<{ dialString: string } | { refusal: HandoffRefusal }> {
    const address = await this.registry.sipAddressOf(call.node);
    if (!address) return { refusal: 'no-address' };
    const esl = await this.switches.reachable(call.node, this.settings.reconnectWaitMs);
    if (!esl) return { refusal: 'node-unreachable' };
    const destination = tokenDestination(call.callKind, randomBytes(16).toString('hex'));
    // Listed first, so that a token in a hash is always one the sweep knows about.
    await this.tokens.record(call.node, destination, Date.now() + this.settings.tokenTtlMs);
    const reply = await esl.api(insertTokenCommand(destination, call.callUuid));
    if (!reply.startsWith('+OK')) return { refusal: 'switch-refused' };
    return { dialString: handoffDialString(this.settings.sipProfile, destination, address, this.settings.originateTimeoutSec) };
  }

  /** Removes expired tokens from these nodes' hashes, now and every sweep interval. */
  startSweeping(nodes: readonly string[]): void {
    const sweep = (): void => {
      for (const node of nodes) void this.sweep(node).catch((error: unknown) => this.log.debug({ reason: reasonOf(error), node }, 'could not remove expired hand-off tokens; next sweep'));
    };
    this.sweepTimer = setInterval(sweep, this.settings.sweepIntervalMs);
  }

  stop(): void {
    clearInterval(this.sweepTimer);
  }

  /** One sweep of one node; resolves with how many tokens it removed. */
  async sweep(node: string): Promise<number> {
    const esl = this.switches.connected(node);
    if (!esl) return 0;
    const expired = await this.tokens.expired(node, Date.now());
    for (const destination of expired) await esl.api(deleteTokenCommand(destination));
    await this.tokens.forget(node, expired);
    if (expired.length > 0) this.log.debug({ node, removed: expired.length }, 'removed expired hand-off tokens from the switch');
    return expired.length;
  }
}
