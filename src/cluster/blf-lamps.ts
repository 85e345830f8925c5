import type { Logger } from 'pino';
import { reasonOf } from '../logger.ts';
import { isValidGroupName } from '../domain/groups.ts';
import { validateDomain, validateExtension } from '../domain/users.ts';
import type { EslClient } from '../esl/client.ts';
import type { EslEvent } from '../esl/event.ts';
import { type LampState, lampPresenceHeaders, nativeHangupOf, probedEntity } from '../esl/presence-event.ts';
import type { Keys } from '../store/keys.ts';
import type { RedisConnection } from '../store/redis-connection.ts';

/** A served FreeSWITCH node, as the lamps address it. */
export interface LampNode {
  readonly name: string;
  readonly esl: EslClient;
}

interface GroupLampChange {
  readonly domain: string;
  readonly group: string;
  readonly state: LampState;
  readonly version: number;
}

interface ExtensionLampChange {
  readonly domain: string;
  readonly extension: string;
  /** Where the extension's pickable calls ring, space-separated. */
  readonly nodes: string;
  readonly version: number;
}

/**
 * BLF lamps on every node. The store's scripts publish each change of a lamp, with a version per lamp (delivered here
 * by the ChangeFeed); every controller sends PRESENCE_IN to its own FreeSWITCH nodes, and answers PRESENCE_PROBE (a
 * phone subscribing to such a key) with the current state.
 *
 * - Group lamps, `88<group>@<domain>` and `88*<group>@<domain>`: lit while a call of the group can be picked up.
 * - Extension lamps, `<ext>@<domain>` (a BLF key on a user): lit on a node while a pickable call rings the user on
 *   another node. On the node where the call rings FreeSWITCH shows it itself (the ringing leg's presence_id), and
 *   nothing is sent there: mod_sofia sends one dialog per NOTIFY (`state="full"`), so the last event would win. Where
 *   the user has calls of that node, mod_sofia turns a `terminated` of ours into their state (it rewrites a hangup for
 *   a user who still has dialogs: actual_sofia_presence_event_handler), so ours never darkens them; when one of them
 *   ends, FreeSWITCH's own `terminated` would darken a lamp ours lit: it is lit again right after.
 */
export class BlfLamps {
  private readonly log: Logger;
  private readonly newest = new Map<string, number>();
  /** Extension lamps lit on a node, by `<node> <entity>`. */
  private readonly lit = new Set<string>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly prefix: string,
    private readonly nodes: readonly LampNode[],
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'blf' });
  }

  /** Feeds a node's events: answers PRESENCE_PROBE for our lamps; lights an extension lamp again after a local hangup. */
  async observe(node: LampNode, event: EslEvent): Promise<void> {
    if (event.name === 'PRESENCE_IN') {
      const entity = nativeHangupOf(event.headers);
      if (entity !== undefined && this.lit.has(`${node.name} ${entity}`)) await this.send(node.esl, entity, 'early', 0);
      return;
    }
    if (event.name !== 'PRESENCE_PROBE') return;
    const entity = probedEntity(event.headers);
    if (!entity) return;
    const lamp = this.groupLampOf(entity);
    if (lamp) {
      const stored = await this.redis.hmget(this.keys.blfState(lamp.domain, lamp.group), 'state', 'version');
      const state: LampState = stored[0] === 'early' ? 'early' : 'terminated';
      await node.esl.sendEvent('PRESENCE_IN', lampPresenceHeaders(entity, state, Number(stored[1] ?? 0)));
      this.log.debug({ entity, state }, 'answered a BLF probe');
      return;
    }
    const user = userOf(entity);
    if (!user) return;
    // Only a lit lamp is ours to tell: FreeSWITCH answers the probe with the node's own calls of the user.
    const stored = await this.redis.hmget(this.keys.extensionLamp(user.domain, user.extension), 'nodes', 'version');
    if (!ringsElsewhere(stored[0] ?? '', node.name)) return;
    await this.send(node.esl, entity, 'early', Number(stored[1] ?? 0));
    this.lit.add(`${node.name} ${entity}`);
    this.log.debug({ entity }, 'answered a BLF probe for a call ringing on another node');
  }

  /** A group lamp change from the feed (`<prefix>:presence`, published by the store's scripts). */
  async onChange(message: string): Promise<void> {
    const change = parsed<GroupLampChange>(message);
    if (!change || this.isOld(`group ${change.domain} ${change.group}`, change.version)) return;
    for (const entity of [`${this.prefix}${change.group}@${change.domain}`, `${this.prefix}*${change.group}@${change.domain}`]) {
      for (const { esl } of this.nodes) await this.send(esl, entity, change.state, change.version);
    }
    this.log.info({ domain: change.domain, group: change.group, state: change.state }, 'group lamp changed');
  }

  /**
   * An extension lamp change from the feed (`<prefix>:extension-lamps`): the nodes where its pickable calls ring now.
   * Each served node gets `early` while they ring elsewhere — again on every change, since a call of its own that
   * started or stopped meanwhile had FreeSWITCH send its own state —, and `terminated` once, when they stop.
   */
  async onExtensionChange(message: string): Promise<void> {
    const change = parsed<ExtensionLampChange>(message);
    if (!change || this.isOld(`extension ${change.domain} ${change.extension}`, change.version)) return;
    const entity = `${change.extension}@${change.domain}`;
    for (const node of this.nodes) {
      const key = `${node.name} ${entity}`;
      if (ringsElsewhere(change.nodes, node.name)) {
        this.lit.add(key);
        await this.send(node.esl, entity, 'early', change.version);
      } else if (this.lit.delete(key)) {
        await this.send(node.esl, entity, 'terminated', change.version);
      }
    }
    this.log.info({ domain: change.domain, extension: change.extension, ringingOn: change.nodes.split(' ').filter(Boolean) }, 'extension lamp changed');
  }

  /** Messages of one lamp can arrive out of order only across reconnects; the version settles it. */
  private isOld(key: string, version: number): boolean {
    if ((this.newest.get(key) ?? 0) >= version) return true;
    this.newest.set(key, version);
    return false;
  }

  private async send(esl: EslClient, entity: string, state: LampState, version: number): Promise<void> {
    if (!esl.isReady) return;
    await esl.sendEvent('PRESENCE_IN', lampPresenceHeaders(entity, state, version)).catch((error: unknown) => this.log.warn({ reason: reasonOf(error), entity }, 'could not send a BLF update'));
  }

  /** `88sales@pbx.test` / `88*sales@pbx.test` → the group and domain, when the entity is one of our group lamps. */
  private groupLampOf(entity: string): { domain: string; group: string } | undefined {
    const at = entity.lastIndexOf('@');
    const user = entity.slice(0, at);
    const domain = entity.slice(at + 1);
    if (at < 0 || !user.startsWith(this.prefix) || validateDomain(domain)) return undefined;
    const rest = user.slice(this.prefix.length);
    const group = rest.startsWith('*') ? rest.slice(1) : rest;
    return isValidGroupName(group) ? { domain, group } : undefined;
  }
}

/** Whether the space-separated `nodes` name one other than `node`. */
function ringsElsewhere(nodes: string, node: string): boolean {
  return nodes.split(' ').some((other) => other !== '' && other !== node);
}

/** `200@pbx.test` → the user, when it could be a directory user. */
function userOf(entity: string): { extension: string; domain: string } | undefined {
  const at = entity.lastIndexOf('@');
  const extension = entity.slice(0, at);
  const domain = entity.slice(at + 1);
  return at < 0 || validateExtension(extension) || validateDomain(domain) ? undefined : { extension, domain };
}

function parsed<T>(message: string): T | undefined {
  try {
    return JSON.parse(message) as T;
  } catch {
    return undefined;
  }
}
