/**
 * Capture replay of the cross-node hand-off (run 4, scenarios 15, 15b, 15c, 15h): the picker P parked
 * on node1 is bridged by node1's stand-in controller to `sofia/cluster/pickup-<token>@<node2>`, which
 * makes the outbound leg X on node1 and the token leg T on node2, where node2's controller intercepts
 * the caller's A leg. Per node and per leg (P, X on node1; C, A, B, T on node2) the CHANNEL_* events
 * are compared as in replay.test.ts, with the commands and replies of every connection, plus chosen
 * headers: T's CHANNEL_PARK, X's creation, both cluster legs' hangup causes and SIP dispositions, and
 * what P's bridge application ends with.
 */
import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { RUN4_NODES } from './capture-lab.ts';
import { recordsOfCapture, recordsOfCluster, type ClusterScenario, type NodeName } from './cluster-replay-harness.ts';
import type { HeaderCheck } from './leg-sequences.ts';
import { controllerExecutes, controllerIntercepts, originate, run4Call, run4Cleanup, run4Picker, subscribedController } from './replay-drivers.ts';
import { expectSameAsCapture, type ReplayContext } from './replay-harness.ts';

const HEADER_CHECKS: readonly HeaderCheck[] = [
  {
    role: /^sofia\/cluster\/100@/,
    event: 'CHANNEL_PARK',
    headers: [
      'Call-Direction', 'Caller-Destination-Number', 'Caller-Context', 'Caller-Username', 'Caller-Caller-ID-Number',
      'Caller-Caller-ID-Name', 'Caller-ANI', 'Caller-Network-Addr', 'variable_pickup_token', 'variable_user_name',
      'variable_domain_name', 'variable_sip_from_user', 'variable_sip_from_host', 'variable_sip_from_uri',
      'variable_sip_from_display', 'variable_sip_req_user', 'variable_sip_req_uri', 'variable_sip_to_user',
      'variable_sip_network_ip', 'variable_sip_network_port', 'variable_sip_received_port', 'variable_sofia_profile_name',
      'variable_sofia_profile_url', 'variable_sip_contact_user', 'variable_sip_user_agent', 'variable_sip_Remote-Party-ID',
      'variable_sip_call_id',
    ],
  },
  {
    role: /^sofia\/cluster\/pickup-/,
    event: 'CHANNEL_CREATE',
    headers: [
      'Other-Leg-Unique-ID', 'Channel-Call-UUID', 'variable_originating_leg_uuid', 'variable_signal_bond',
      'variable_sofia_profile_name', 'variable_sip_req_uri', 'variable_sip_to_host', 'variable_sip_from_host',
    ],
  },
  {
    role: /^sofia\/cluster\//,
    event: 'CHANNEL_HANGUP_COMPLETE',
    headers: [
      'Hangup-Cause', 'variable_sip_hangup_disposition', 'variable_sip_term_status', 'variable_sip_term_cause',
      'variable_sip_reason', 'variable_sip_invite_failure_status',
    ],
  },
  {
    role: /^sofia\/internal\/100@/,
    event: 'CHANNEL_EXECUTE_COMPLETE',
    application: 'bridge',
    headers: [
      'Answer-State', 'Hangup-Cause', 'variable_originate_disposition', 'variable_DIALSTATUS', 'variable_signal_bond',
      'variable_bridge_hangup_cause', 'variable_last_bridge_hangup_cause',
    ],
  },
];

type Nodes = Readonly<Record<NodeName, ReplayContext>>;

/** The part every 15* run shares: both controllers subscribed, P parked on node1 and sent to node2, T parked there. */
async function pickerSentToNode2(nodes: Nodes, token: string, beforeBridge: ReadonlyArray<readonly [string, string]> = []): Promise<{ picker: string; tokenLeg: string }> {
  await subscribedController(nodes.node1);
  await subscribedController(nodes.node2);
  const picker = await run4Picker(nodes.node1);
  await controllerExecutes(nodes.node1, picker, [...beforeBridge, ['bridge', `sofia/cluster/pickup-${token}@${RUN4_NODES.node2.clusterSipAddress}`]]);
  const tokenLeg = await nodes.node2.channelNamed(/^sofia\/cluster\//, (channel) => channel.parked);
  return { picker, tokenLeg: tokenLeg.uuid };
}

/** node2's controller intercepts A for T; resolves once T is bridged to A and P answered and bridged on node1. */
async function pickedUp(nodes: Nodes, picker: string, tokenLeg: string, aLeg: string): Promise<void> {
  await controllerIntercepts(nodes.node2, tokenLeg, aLeg);
  await nodes.node2.sim.waitForChannel(tokenLeg, (channel) => channel.bridgedTo === aLeg);
  await nodes.node1.sim.waitForChannel(picker, (channel) => channel.bridgedTo !== undefined && channel.answerState === 'answered');
}

async function cleanup(nodes: Nodes): Promise<void> {
  await Promise.all([nodes.node1.gone(), nodes.node2.gone()]);
  await run4Cleanup(nodes.node1);
  await run4Cleanup(nodes.node2);
}

/** 15c/15h: the caller hangs up (uuid_kill of its loopback leg) once the pickup is bridged. */
async function callerHangsUpAfterPickup(nodes: Nodes, token: string, beforeBridge: ReadonlyArray<readonly [string, string]>): Promise<string> {
  const { caller, aLeg } = await run4Call(nodes.node2);
  const { picker, tokenLeg } = await pickerSentToNode2(nodes, token, beforeBridge);
  await pickedUp(nodes, picker, tokenLeg, aLeg);
  await nodes.node2.send(`api uuid_kill ${caller} NORMAL_CLEARING`);
  return picker;
}

const SCENARIOS: ClusterScenario[] = [
  {
    title: '15 cross-node pickup with a token; the picker hangs up',
    stem: '15-cross-node-sendmsg-bridge-token-intercept',
    formats: ['plain', 'json'],
    nodes: RUN4_NODES,
    headerChecks: HEADER_CHECKS,
    async drive(nodes, token) {
      const { aLeg } = await run4Call(nodes.node2);
      const { picker, tokenLeg } = await pickerSentToNode2(nodes, token);
      await pickedUp(nodes, picker, tokenLeg, aLeg);
      await nodes.node1.sim.hangup(picker);
      await cleanup(nodes);
    },
  },
  {
    title: '15b target gone on node2: early-media bridge on node1, then 404 (NO_ROUTE_DESTINATION) ends the picker',
    stem: '15b-cross-node-token-target-gone',
    formats: ['plain', 'json'],
    // As in 14c3, the caller was killed after the 180 but before the originate loop passed it on to
    // the caller: a slow loop tick on node2 reproduces that.
    nodes: { ...RUN4_NODES, node2: { ...RUN4_NODES.node2, parkTickMs: 300 } },
    headerChecks: HEADER_CHECKS,
    async drive(nodes, token) {
      const caller = randomUUID();
      await nodes.node2.send(originate(caller, '300', '200', 'Caller300'));
      await nodes.node2.channelNamed(/^sofia\/internal\/200@/, (channel) => channel.callState === 'RINGING');
      const aLeg = (await nodes.node2.channelNamed(/^loopback\/200-b$/)).uuid;
      await nodes.node2.send(`api uuid_kill ${caller} NORMAL_CLEARING`);
      await nodes.node2.gone();
      const { picker, tokenLeg } = await pickerSentToNode2(nodes, token);
      const controller = await controllerIntercepts(nodes.node2, tokenLeg, aLeg);
      await controller.waitForEvent((event) => event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE' && event.get('Application') === 'intercept');
      await nodes.node1.sim.waitForChannel(picker, (channel) => channel.bridgedTo !== undefined);
      await controllerExecutes(nodes.node2, tokenLeg, [['hangup', 'NO_ROUTE_DESTINATION']]);
      await cleanup(nodes);
    },
  },
  {
    title: '15c the caller hangs up after the pickup: the picker is back in park, answered, until its own BYE',
    stem: '15c-cross-node-then-caller-hangs-up',
    formats: ['plain'],
    nodes: RUN4_NODES,
    headerChecks: HEADER_CHECKS,
    async drive(nodes, token) {
      const picker = await callerHangsUpAfterPickup(nodes, token, []);
      await nodes.node1.event((event) => event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE' && event.get('Application') === 'bridge', 'the bridge to end');
      await nodes.node1.sim.hangup(picker);
      await cleanup(nodes);
    },
  },
  {
    title: '15h hangup_after_bridge=true: the caller hanging up ends the picker',
    stem: '15h-cross-node-hangup_after_bridge-then-caller-hangs-up',
    formats: ['plain'],
    nodes: RUN4_NODES,
    headerChecks: HEADER_CHECKS,
    async drive(nodes, token) {
      await callerHangsUpAfterPickup(nodes, token, [['set', 'hangup_after_bridge=true']]);
      await cleanup(nodes);
    },
  },
];

describe.concurrent('cluster capture replay', () => {
  for (const scenario of SCENARIOS) {
    for (const format of scenario.formats) {
      it(`${scenario.title} [${format}]`, async () => {
        const capture = recordsOfCapture(scenario, format);
        const simulated = await recordsOfCluster(scenario, format);
        expectSameAsCapture(simulated.node1, capture.node1);
        expectSameAsCapture(simulated.node2, capture.node2);
      }, 30_000);
    }
  }
});
