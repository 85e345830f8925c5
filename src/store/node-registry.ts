import type { Keys } from './keys.ts';
import type { RedisConnection } from './redis-connection.ts';

/** What one controller tells the cluster about a node it serves. */
export interface NodeAnnouncement {
  readonly sipAddress: string | undefined;
  readonly coreUuid: string;
}

/** What a pickup decision needs to know about the cluster, read in the background. */
export interface ClusterView {
  /** Nodes with an unexpired heartbeat. */
  readonly liveNodes: ReadonlySet<string>;
  /** Nodes served once and without an unexpired heartbeat now. */
  readonly deadNodes: ReadonlySet<string>;
  /** Each live node's cluster SIP address, as its controllers announced it. */
  readonly sipAddresses: ReadonlyMap<string, string>;
}

const EMPTY_VIEW: ClusterView = Object.freeze({ liveNodes: new Set<string>(), deadNodes: new Set<string>(), sipAddresses: new Map<string, string>() });

/**
 * Node records and liveness. Every controller serving a node refreshes `<node>|<controller>` in a sorted set
 * scored by expiry; a node is alive while any of its entries has not expired. A controller that loses a
 * node's event socket withdraws its entry at once, so with no other controller the node is down immediately;
 * a controller that dies stops refreshing and its entry expires.
 *
 * Pickups read the cluster from `view`, refreshed in the background every `refreshMs` and after every change
 * this controller makes, so that a decision never waits for it.
 */
export class NodeRegistry {
  private current: ClusterView = EMPTY_VIEW;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly controllerId: string,
    /** How long one heartbeat keeps a node alive. */
    private readonly aliveForMs = 8_000,
    private readonly now: () => number = Date.now,
    private readonly refreshMs = 500,
  ) {}

  /** The cluster as last read (empty before the first refresh). */
  get view(): ClusterView {
    return this.current;
  }

  /** Starts refreshing the view in the background (an error keeps the previous view until the next try). */
  start(): void {
    const refresh = (): void => void this.refresh().catch(() => undefined);
    refresh();
    this.refreshTimer = setInterval(refresh, this.refreshMs);
  }

  stop(): void {
    clearInterval(this.refreshTimer);
  }

  /** Reads the live nodes and their addresses now. */
  async refresh(): Promise<ClusterView> {
    const [members, known] = await Promise.all([this.redis.zrangebyscore(this.keys.aliveNodes(), this.now(), '+inf'), this.redis.smembers(this.keys.nodes())]);
    const liveNodes = new Set(members.map((member) => member.slice(0, member.lastIndexOf('|'))));
    const nodes = [...liveNodes];
    const addresses = await Promise.all(nodes.map((node) => this.redis.hget(this.keys.node(node), 'sipAddress')));
    const sipAddresses = new Map(nodes.flatMap((node, i) => (addresses[i] ? [[node, addresses[i]] as const] : [])));
    this.current = { liveNodes, deadNodes: new Set(known.filter((node) => !liveNodes.has(node))), sipAddresses };
    return this.current;
  }

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
    await this.refresh();
  }

  /** This controller no longer serves the node (its event socket was lost, or the controller stops). */
  async withdraw(node: string): Promise<void> {
    await this.redis.zrem(this.keys.aliveNodes(), this.member(node));
    await this.refresh();
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

  /** Nodes that were served once and have no live heartbeat now. */
  async deadNodes(): Promise<string[]> {
    const { deadNodes } = await this.refresh();
    await this.redis.zremrangebyscore(this.keys.aliveNodes(), '-inf', this.now() - this.aliveForMs);
    return [...deadNodes].sort();
  }

  /** Every node ever served, with what its controllers announced and whether one serves it now. */
  async describeNodes(): Promise<Array<{ node: string; alive: boolean; sipAddress: string | undefined; coreUuid: string | undefined }>> {
    const [known, { liveNodes: live }] = await Promise.all([this.redis.smembers(this.keys.nodes()), this.refresh()]);
    return Promise.all(
      known.sort().map(async (node) => {
        const [sipAddress, coreUuid] = await this.redis.hmget(this.keys.node(node), 'sipAddress', 'coreUuid');
        return { node, alive: live.has(node), sipAddress: sipAddress ?? undefined, coreUuid: coreUuid ?? undefined };
      }),
    );
  }

  /**
   * A node's cluster SIP address: from the view, or — for a node that came up since the last refresh — read now.
   */
  async sipAddressOf(node: string): Promise<string | undefined> {
    return this.current.sipAddresses.get(node) ?? (await this.redis.hget(this.keys.node(node), 'sipAddress')) ?? undefined;
  }

  private member(node: string): string {
    return `${node}|${this.controllerId}`;
  }
}
