import type { Logger } from 'pino';
import { reasonOf } from '../logger.ts';
import { isValidGroupName } from '../domain/groups.ts';
import { validateDomain } from '../domain/users.ts';
import type { EslClient } from '../esl/client.ts';
import type { EslEvent } from '../esl/event.ts';
import { type LampState, lampPresenceHeaders, probedEntity } from '../esl/presence-event.ts';
import type { Keys } from '../store/keys.ts';
import type { RedisConnection } from '../store/redis-connection.ts';

interface LampChange {
  readonly domain: string;
  readonly group: string;
  readonly state: LampState;
  readonly version: number;
}

/**
 * Group BLF lamps on every node. The store's scripts publish each change of a group's lamp (something
 * pickable or not) on `<prefix>:presence` (delivered here by the ChangeFeed); every controller sends PRESENCE_IN for `88<group>@<domain>` and
 * `88*<group>@<domain>` to its own FreeSWITCH nodes, and answers PRESENCE_PROBE (a phone subscribing to
 * such a key) with the current state.
 */
export class BlfLamps {
  private readonly log: Logger;
  private readonly newest = new Map<string, number>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly prefix: string,
    private readonly switches: readonly EslClient[],
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'blf' });
  }

  /** Feeds a node's events: answers PRESENCE_PROBE for our lamps. */
  async observe(esl: EslClient, event: EslEvent): Promise<void> {
    if (event.name !== 'PRESENCE_PROBE') return;
    const entity = probedEntity(event.headers);
    const lamp = entity === undefined ? undefined : this.lampOf(entity);
    if (!entity || !lamp) return;
    const stored = await this.redis.hmget(this.keys.blfState(lamp.domain, lamp.group), 'state', 'version');
    const state: LampState = stored[0] === 'early' ? 'early' : 'terminated';
    await esl.sendEvent('PRESENCE_IN', lampPresenceHeaders(entity, state, Number(stored[1] ?? 0)));
    this.log.debug({ entity, state }, 'answered a BLF probe');
  }

  /** A lamp change from the feed (`<prefix>:presence`, published by the store's scripts). */
  async onChange(message: string): Promise<void> {
    let change: LampChange;
    try {
      change = JSON.parse(message) as LampChange;
    } catch {
      return;
    }
    const key = `${change.domain} ${change.group}`;
    // Messages of one lamp can arrive out of order only across reconnects; the version settles it.
    if ((this.newest.get(key) ?? 0) >= change.version) return;
    this.newest.set(key, change.version);
    for (const entity of [`${this.prefix}${change.group}@${change.domain}`, `${this.prefix}*${change.group}@${change.domain}`]) {
      for (const esl of this.switches) {
        if (!esl.isReady) continue;
        await esl.sendEvent('PRESENCE_IN', lampPresenceHeaders(entity, change.state, change.version)).catch((error: unknown) => this.log.warn({ reason: reasonOf(error), entity }, 'could not send a BLF update'));
      }
    }
    this.log.info({ domain: change.domain, group: change.group, state: change.state }, 'group lamp changed');
  }

  /** `88sales@pbx.test` / `88*sales@pbx.test` → the group and domain, when the entity is one of our lamps. */
  private lampOf(entity: string): { domain: string; group: string } | undefined {
    const at = entity.lastIndexOf('@');
    const user = entity.slice(0, at);
    const domain = entity.slice(at + 1);
    if (at < 0 || !user.startsWith(this.prefix) || validateDomain(domain)) return undefined;
    const rest = user.slice(this.prefix.length);
    const group = rest.startsWith('*') ? rest.slice(1) : rest;
    return isValidGroupName(group) ? { domain, group } : undefined;
  }
}
