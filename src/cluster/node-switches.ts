import type { Logger } from 'pino';
import type { PeerNodeConfig } from '../config/config.ts';
import { EslClient } from '../esl/client.ts';

/**
 * The event sockets this controller can reach, by node name: those of the nodes it serves (their runtimes'
 * connections) and those of the other nodes of the cluster (FSP_PEERS), which it only uses to put a hand-off
 * token into a node's hash. Peer connections subscribe to HEARTBEAT only, to notice a dead connection.
 */
export class NodeSwitches {
  private readonly switches = new Map<string, EslClient>();
  private readonly peers: EslClient[] = [];

  constructor(served: ReadonlyMap<string, EslClient>, peers: readonly PeerNodeConfig[], logger: Logger) {
    for (const [node, esl] of served) this.switches.set(node, esl);
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

  start(): void {
    for (const esl of this.peers) esl.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.peers.map((esl) => esl.stop()));
  }
}
