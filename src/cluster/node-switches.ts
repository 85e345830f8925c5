import type { Logger } from 'pino';
import type { PeerNodeConfig } from '../config/config.ts';
import { EslClient } from '../esl/client.ts';
import type { EslConnectionState } from '../telemetry/metrics.ts';

/**
 * The event sockets this controller can reach, by node name: those of the nodes it serves (their runtimes'
 * connections) and those of the other nodes of the cluster (FSP_PEERS), which it only uses to put a hand-off
 * token into a node's hash. Peer connections subscribe to HEARTBEAT only, to notice a dead connection.
 */
export class NodeSwitches {
  private readonly switches = new Map<string, EslClient>();
  private readonly peers: EslClient[] = [];
  private readonly served: ReadonlySet<string>;

  constructor(served: ReadonlyMap<string, EslClient>, peers: readonly PeerNodeConfig[], logger: Logger) {
    for (const [node, esl] of served) this.switches.set(node, esl);
    this.served = new Set(served.keys());
    for (const peer of peers) {
      if (this.switches.has(peer.name)) continue;
      const esl = new EslClient({ ...peer.esl, events: ['HEARTBEAT'], logger: logger.child({ node: peer.name, peer: true }) });
      this.switches.set(peer.name, esl);
      this.peers.push(esl);
    }
  }

  /** The node's event socket, when this controller can reach it and it is connected now. */
  connected(node: string): EslClient | undefined {
    const esl = this.switches.get(node);
    return esl?.isReady ? esl : undefined;
  }

  /**
   * The node's event socket once connected, waiting up to `waitMs` when it is reconnecting: a node that just came
   * back is offered by its own controllers before this controller's back-off would have retried.
   */
  async reachable(node: string, waitMs: number): Promise<EslClient | undefined> {
    const esl = this.switches.get(node);
    return esl && (await esl.readyWithin(waitMs)) ? esl : undefined;
  }

  /** Every event socket and whether it is connected now. */
  *states(): Iterable<EslConnectionState> {
    for (const [node, esl] of this.switches) yield { node, role: this.served.has(node) ? 'served' : 'peer', connected: esl.isReady };
  }

  start(): void {
    for (const esl of this.peers) esl.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.peers.map((esl) => esl.stop()));
  }
}
