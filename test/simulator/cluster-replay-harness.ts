/**
 * Replays of scenarios recorded on two FreeSWITCH nodes at once (run 4, scenarios 15*): one simulator
 * per node on one SipNetwork, each with the capture driver's connections, each node's side compared
 * with that node's capture files (`<stem>.node1.*`, `<stem>.node2.*`).
 */
import { captureBytes } from '../helpers/captures.ts';
import type { HeaderCheck } from './leg-sequences.ts';
import { openNode, recordOfCapture, type NodeSession, type ReplayContext, type ReplayRecord } from './replay-harness.ts';
import type { SimulatorOptions } from './simulator.ts';
import { SipNetwork } from './sip-network.ts';

/** The two recorded nodes. */
export type NodeName = 'node1' | 'node2';

/** A two-node scenario and how to drive it. */
export interface ClusterScenario {
  readonly title: string;
  /** File-name stem without the node (`15-cross-node-sendmsg-bridge-token-intercept`). */
  readonly stem: string;
  readonly formats: ReadonlyArray<'plain' | 'json'>;
  /** Each node's simulator (its `cluster` address and dialplan); the network is added. */
  readonly nodes: Readonly<Record<NodeName, SimulatorOptions>>;
  readonly headerChecks?: readonly HeaderCheck[];
  /** `token`: the one the recorded run used (result.json), so that channel names match. */
  readonly drive: (nodes: Readonly<Record<NodeName, ReplayContext>>, token: string) => Promise<void>;
}

/** The pickup token of a recorded run 4 scenario. */
export function recordedToken(stem: string): string {
  const result = JSON.parse(captureBytes(`${stem}.result.json`).toString('utf8')) as { token?: unknown };
  if (typeof result.token !== 'string') throw new Error(`${stem}.result.json has no token`);
  return result.token;
}

/** Each node's capture side. */
export function recordsOfCapture(scenario: ClusterScenario, format: 'plain' | 'json'): Record<NodeName, ReplayRecord> {
  const of = (name: NodeName): ReplayRecord => recordOfCapture({ ...scenario, stem: `${scenario.stem}.${name}`, sharedControl: true }, format);
  return { node1: of('node1'), node2: of('node2') };
}

/** Runs the scenario on two simulators sharing a SipNetwork; returns each node's side. */
export async function recordsOfCluster(scenario: ClusterScenario, format: 'plain' | 'json'): Promise<Record<NodeName, ReplayRecord>> {
  const network = new SipNetwork();
  const sessions: NodeSession[] = [];
  try {
    const node1 = await openNode({ ...scenario.nodes.node1, sipNetwork: network }, format);
    sessions.push(node1);
    const node2 = await openNode({ ...scenario.nodes.node2, sipNetwork: network }, format);
    sessions.push(node2);
    await scenario.drive({ node1: node1.context, node2: node2.context }, recordedToken(scenario.stem));
    await Promise.all(sessions.map((session) => session.context.gone()));
    return { node1: await node1.record(scenario), node2: await node2.record(scenario) };
  } finally {
    await Promise.all(sessions.map((session) => session.close()));
  }
}
