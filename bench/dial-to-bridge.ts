import { RUN5_NATIVE_PICKUP_DIALPLAN } from '../test/simulator/capture-lab.ts';
import type { FreeSwitchSimulator } from '../test/simulator/index.ts';
import { type BenchNode, DOMAIN, GROUP, PICKER, RUNG, startBenchCluster } from './bench-cluster.ts';
import { type Spread, spreadOf } from './stats.ts';
import { until } from './wait.ts';

/** The three ways of picking up a call that rings 200 on node 2. */
export const FLOWS = ['native', 'same-node', 'cross-node'] as const;
export type Flow = (typeof FLOWS)[number];

export interface DialToBridgeResult {
  readonly runsPerFlow: number;
  /** Picker's INVITE → CHANNEL_BRIDGE of the caller's A leg (ms). */
  readonly dialToBridge: Readonly<Record<Flow, Spread>>;
  /** Picker's INVITE → CHANNEL_ANSWER of the caller's A leg: when the intercept took the call (ms). */
  readonly callerAnswered: Readonly<Record<Flow, Spread>>;
  /** The picker's controller: the request's channel data received → intercept or hand-off written (`decisionMs` of `call claimed`). */
  readonly decision: Readonly<Record<Exclude<Flow, 'native'>, Spread>>;
}

/**
 * Predicted dial-to-bridge on simulators with FreeSWITCH's measured timing ('real'): the same call, a caller
 * ringing 200 on node 2 through the capture lab's dialplan (which files its leg in the hash), picked up
 * - natively: the picker on node 2 dials 89200, FreeSWITCH's own `intercept ${hash(select/…)}`;
 * - by fs-pickup on the same node: the picker on node 2 dials 88sales (the product's dialplan, node 2's controller);
 * - by fs-pickup across nodes: the picker on node 1 dials 88sales (node 1's controller hands it to node 2).
 * The flows alternate run by run, after one warm-up run each (script loading, first connections).
 */
export async function measureDialToBridge(redisUrl: string, runsPerFlow: number): Promise<DialToBridgeResult> {
  const cluster = await startBenchCluster({ redisUrl, nodeCount: 2, timing: 'real', dialplan: RUN5_NATIVE_PICKUP_DIALPLAN });
  try {
    const [node1, node2] = cluster.nodes as [BenchNode, BenchNode];
    const samples: Record<Flow, number[]> = { native: [], 'same-node': [], 'cross-node': [] };
    const answers: Record<Flow, number[]> = { native: [], 'same-node': [], 'cross-node': [] };
    const decisions: Record<Exclude<Flow, 'native'>, number[]> = { 'same-node': [], 'cross-node': [] };

    const pickUp = async (flow: Flow): Promise<{ dialToBridgeMs: number; answeredMs: number; decisionMs: number | undefined }> => {
      const pickerNode = flow === 'cross-node' ? node1 : node2;
      const aLeg = node2.sim.sipCall({ fromUser: '300', fromHost: DOMAIN, destination: RUNG });
      await node2.sim.waitForChannel(aLeg, (channel) => channel.times.progress > 0);
      // Every flow starts from the same state: the call rings and the controllers have mirrored it.
      await until(() => cluster.calls.isOffered(DOMAIN, GROUP, aLeg), 'the ringing call to be mirrored');
      const picker = await pickerNode.sim.dialPickup({ extension: PICKER, domain: DOMAIN, dialled: flow === 'native' ? `89${RUNG}` : `88${GROUP}` });
      const bridged = await node2.sim.waitForChannel(aLeg, (channel) => channel.times.bridged > 0);
      const inviteSent = pickerNode.sim.channel(picker)?.times.inviteSent ?? Number.NaN;
      const claimed = flow === 'native' ? undefined : await pickerNode.controller.waitForLog((line) => line.msg === 'call claimed' && line.pickerUuid === picker);
      await hangUpEverything(node1.sim, node2.sim);
      return {
        dialToBridgeMs: (bridged.times.bridged - inviteSent) / 1000,
        answeredMs: (bridged.times.answered - inviteSent) / 1000,
        decisionMs: typeof claimed?.decisionMs === 'number' ? claimed.decisionMs : undefined,
      };
    };

    for (const flow of FLOWS) await pickUp(flow);
    for (let run = 0; run < runsPerFlow; run++) {
      for (const flow of FLOWS) {
        const { dialToBridgeMs, answeredMs, decisionMs } = await pickUp(flow);
        samples[flow].push(dialToBridgeMs);
        answers[flow].push(answeredMs);
        if (flow !== 'native' && decisionMs !== undefined) decisions[flow].push(decisionMs);
      }
    }
    const byFlow = (of: Record<Flow, number[]>): Record<Flow, Spread> => ({ native: spreadOf(of.native), 'same-node': spreadOf(of['same-node']), 'cross-node': spreadOf(of['cross-node']) });
    return {
      runsPerFlow,
      dialToBridge: byFlow(samples),
      callerAnswered: byFlow(answers),
      decision: { 'same-node': spreadOf(decisions['same-node']), 'cross-node': spreadOf(decisions['cross-node']) },
    };
  } finally {
    await cluster.close();
  }
}

/** Hangs up every channel (one gone with its peer already is skipped) and waits until both switches are idle. */
async function hangUpEverything(...sims: FreeSwitchSimulator[]): Promise<void> {
  for (const sim of sims) {
    for (const channel of sim.liveChannels()) await sim.hangup(channel.uuid).catch(() => undefined);
  }
  await until(() => sims.every((sim) => sim.liveChannels().length === 0), 'the switches to be idle', 10_000, 5);
}
