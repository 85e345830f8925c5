import type { Keys } from './keys.ts';
import type { RedisConnection } from './redis-connection.ts';

/** What one controller tells the cluster about a node it serves. */
export interface NodeAnnouncement {
  readonly sipAddress: string | undefined;
  readonly coreUuid: string;
}

/**
 * Node records and liveness. Every controller serving a node refreshes `<node>|<controller>` in a sorted set
 * scored by expiry; a node is alive while any of its entries has not expired. A controller that loses a
 * node's event socket withdraws its entry at once, so with no other controller the node is down immediately;
 * a controller that dies stops refreshing and its entry expires.
 */
export class NodeRegistry {
  private liveCache: { at: number; nodes: Set<string> } | undefined;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly controllerId: string,
    /** How long one heartbeat keeps a node alive. */
    private readonly aliveForMs = 8_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Refreshes this controller's heartbeat for the node and its record. */
  async heartbeat(node: string, announcement: NodeAnnouncement): Promise<void> {
    const now = this.now();
    const fields: Record<string, string | number> = { coreUuid: announcement.coreUuid, updatedAt: now };
    if (announcement.sipAddress) fields.sipAddress = announcement.sipAddress;
    await Promise.all([
      this.redis.zadd(this.keys.aliveNodes(), now + this.aliveForMs, this.member(node)),
      this.redis.hset(this.keys.node(node), fields),
      this.redis.sadd(this.keys.nodes(), node),
    ]);
    this.liveCache = undefined;
  }

  /** This controller no longer serves the node (its event socket was lost, or the controller stops). */
  async withdraw(node: string): Promise<void> {
    await this.redis.zrem(this.keys.aliveNodes(), this.member(node));
    this.liveCache = undefined;
  }

  /**
   * Records the node's current Core-UUID and returns the one recorded before, when it differs: FreeSWITCH
   * restarted and every call the store knows on that node is gone.
   */
  async swapCoreUuid(node: string, coreUuid: string): Promise<string | undefined> {
    const previous = await this.redis.hget(this.keys.node(node), 'coreUuid');
    await this.redis.hset(this.keys.node(node), 'coreUuid', coreUuid);
    return previous && previous !== coreUuid ? previous : undefined;
  }

  /** Nodes with an unexpired heartbeat. Cached for half a second: a claim must not cost a round trip more. */
  async liveNodes(): Promise<Set<string>> {
    const now = this.now();
    if (this.liveCache && now - this.liveCache.at < 500) return this.liveCache.nodes;
    const members = await this.redis.zrangebyscore(this.keys.aliveNodes(), now, '+inf');
    const nodes = new Set(members.map((member) => member.slice(0, member.lastIndexOf('|'))));
    this.liveCache = { at: now, nodes };
    return nodes;
  }

  /** Nodes that were served once and have no live heartbeat now. */
  async deadNodes(): Promise<string[]> {
    const [known, live] = await Promise.all([this.redis.smembers(this.keys.nodes()), this.liveNodes()]);
    await this.redis.zremrangebyscore(this.keys.aliveNodes(), '-inf', this.now() - this.aliveForMs);
    return known.filter((node) => !live.has(node)).sort();
  }

  /** Every node ever served, with what its controllers announced and whether one serves it now. */
  async describeNodes(): Promise<Array<{ node: string; alive: boolean; sipAddress: string | undefined; coreUuid: string | undefined }>> {
    const [known, live] = await Promise.all([this.redis.smembers(this.keys.nodes()), this.liveNodes()]);
    return Promise.all(
      known.sort().map(async (node) => {
        const [sipAddress, coreUuid] = await this.redis.hmget(this.keys.node(node), 'sipAddress', 'coreUuid');
        return { node, alive: live.has(node), sipAddress: sipAddress ?? undefined, coreUuid: coreUuid ?? undefined };
      }),
    );
  }

  /** The node's cluster SIP address, as its controller announced it. */
  async sipAddressOf(node: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.node(node), 'sipAddress')) ?? undefined;
  }

  private member(node: string): string {
    return `${node}|${this.controllerId}`;
  }
}
