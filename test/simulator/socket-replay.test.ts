/**
 * Capture replay of run 5 (scenarios 16–17): the picker dials 88sales, the dialplan runs the
 * synchronous `socket` application, and a stand-in controller (sockctl's commands, one write each, or
 * `sendmsg` + `exit` in one write) decides; 17/17b hand the picker to node2 with a token put into
 * node2's hash. Per node and leg the CHANNEL_* events, the driver's and the controller's commands and
 * replies, and the outbound session's commands, replies, events and disconnect notice must be the
 * capture's (socket-replay-harness.ts), in fast and in real timing.
 */
import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { RUN5_NODES } from './capture-lab.ts';
import { originate } from './replay-drivers.ts';
import type { ReplayContext } from './replay-harness.ts';
import { expectRun5Replay, type Run5Context, type SocketScenario } from './socket-replay-harness.ts';
import { closedPort } from './stand-in-controller.ts';
import type { EslTestClient } from './test-client.ts';

// 17's token (both 17 and 17b dial it; 17b after 17 had used it).
const TOKEN = '3c7719ff71e74ef7b1eaf8f2be002bef';
const NODE1 = { node1: RUN5_NODES.node1 };

function execute(app: string, arg: string): string {
  return `sendmsg\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}\nEvent-UUID: ${randomUUID()}`;
}

/**
 * The driver's `ring`: a loopback caller to `extension`; resolves once its B leg has sent 180 and the
 * caller hears it (on the real switch that came 20 ms later, long before the picker dialled).
 */
async function ring(node: ReplayContext, extension = '200', callerNumber = '300'): Promise<{ aLeg: string; bLeg: string }> {
  await node.send(originate(randomUUID(), callerNumber, extension, `Caller${callerNumber}`));
  const progress = await node.event((event) => event.get('Event-Name') === 'CHANNEL_PROGRESS' && event.get('variable_dialed_user') === extension, `${extension} to ring`);
  const aLeg = progress.get('Other-Leg-Unique-ID')!;
  await node.event((event) => event.get('Event-Name') === 'CHANNEL_PROGRESS' && event.get('Unique-ID') === aLeg, `the caller of ${extension} to hear it ring`);
  return { aLeg, bLeg: progress.get('Unique-ID')! };
}

/** `api global_setvar cap_mode=…`, a call to 200, the picker (user 100) dialling 88sales, its socket session. */
async function pickerMeetsController(run: Run5Context, capMode: string): Promise<{ aLeg: string; picker: string; session: EslTestClient }> {
  await run.node1.send(`api global_setvar cap_mode=${capMode}`);
  const { aLeg } = await ring(run.node1);
  const picker = await run.node1.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
  return { aLeg, picker, session: await run.controller.nextSession() };
}

/** The picker's phone hangs up (BYE) once it is bridged to `aLeg`. */
async function talkThenHangUp(node: ReplayContext, picker: string, to: string): Promise<void> {
  await node.sim.waitForChannel(picker, (channel) => channel.bridgedTo === to);
  await node.sim.hangup(picker);
}

/** The driver's end: `api hupall`, `api show channels count` until none is left, `exit`. */
async function cleanup(...nodes: ReplayContext[]): Promise<void> {
  for (const node of nodes) await node.send('api hupall NORMAL_CLEARING');
  for (const node of nodes) {
    while (!(await node.send('api show channels count')).includes('0 total')) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const node of nodes) await node.send('exit');
}

/** A decision RPC in one write (16a, 16d, 16d2, 16d3, 16e2): `sendmsg` + `exit`; resolves when FreeSWITCH closed. */
async function decide(session: EslTestClient, sendmsg: string): Promise<void> {
  await session.command('connect');
  session.write(`${sendmsg}\n\nexit\n\n`);
  await session.whenClosed();
}

const SCENARIOS: SocketScenario[] = [
  {
    title: '16a decision RPC: set pickup_uuid + exit in one write; the dialplan intercepts',
    stem: '16a-sync-socket-decision-rpc',
    nodes: NODE1,
    async drive(run) {
      const { aLeg, picker, session } = await pickerMeetsController(run, '16a');
      await decide(session, execute('set', `pickup_uuid=${aLeg}`));
      await talkThenHangUp(run.node1, picker, aLeg);
      await cleanup(run.node1);
    },
  },
  ...[['16b-sync-socket-controller-intercepts', 0], ['16b2-sync-socket-controller-intercepts-exit-500ms-later', 100]].map(([stem, exitAfterMs]): SocketScenario => ({
    title: exitAfterMs ? '16b2 the intercept inside the socket bridges only after a late exit' : '16b the controller intercepts over the socket: +OK after the app, then its events; bridge after exit',
    stem: stem as string,
    nodes: NODE1,
    async drive(run) {
      const { aLeg, picker, session } = await pickerMeetsController(run, '16b');
      await session.command('connect');
      if (!exitAfterMs) await session.command('event plain CHANNEL_EXECUTE_COMPLETE CHANNEL_BRIDGE');
      await session.command('myevents');
      await session.command(execute('intercept', aLeg));
      await session.waitForEvent((event) => event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE', 'the intercept to complete');
      if (exitAfterMs) await new Promise((resolve) => setTimeout(resolve, exitAfterMs as number));
      await session.command('exit');
      await talkThenHangUp(run.node1, picker, aLeg);
      await cleanup(run.node1);
    },
  })),
  {
    title: '16c an intercept of an answered call is refused (picker pre-answered); the retry on the same socket succeeds',
    stem: '16c-sync-socket-target-answered-then-retry',
    nodes: NODE1,
    async drive(run) {
      await run.node1.send('api global_setvar cap_mode=16b');
      const answered = await ring(run.node1, '205', '305');
      await run.node1.sim.answer(answered.bLeg);
      await run.node1.sim.waitForChannel(answered.aLeg, (channel) => channel.bridgedTo === answered.bLeg);
      const ringing = await ring(run.node1, '201', '301');
      const picker = await run.node1.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
      const session = await run.controller.nextSession();
      await session.command('connect');
      await session.command('myevents');
      await session.command(execute('intercept', answered.aLeg));
      await session.command(execute('intercept', ringing.aLeg));
      await session.command('exit');
      await talkThenHangUp(run.node1, picker, ringing.aLeg);
      await cleanup(run.node1);
    },
  },
  ...([
    ['16d-sync-socket-refusal-pickup_cause-CALL_REJECTED', 'the decision sets pickup_cause: empty intercept (183), then hangup CALL_REJECTED', execute('set', 'pickup_cause=CALL_REJECTED')],
    ['16d2-sync-socket-refusal-sendmsg-respond-403', 'respond 403 inside the socket: CALL_REJECTED, then only +OK and the notice', execute('respond', '403 Forbidden')],
    ['16d3-sync-socket-refusal-sendmsg-hangup-OUTGOING_CALL_BARRED', 'call-command hangup inside the socket: the exit behind it is never read', 'sendmsg\ncall-command: hangup\nhangup-cause: OUTGOING_CALL_BARRED'],
  ] as const).map(([stem, what, sendmsg]): SocketScenario => ({
    title: `${stem.slice(0, stem.indexOf('-'))} refusal: ${what}`,
    stem,
    nodes: NODE1,
    async drive(run) {
      const { picker, session } = await pickerMeetsController(run, '16a');
      await decide(session, sendmsg);
      await run.node1.gone(picker);
      await cleanup(run.node1);
    },
  })),
  {
    title: '16e nothing listens: the socket app returns at once, the dialplan goes on (480)',
    stem: '16e-socket-app-no-controller-closed-port',
    nodes: NODE1,
    async drive(run) {
      run.node1.sim.setGlobal('cap_closed', String(await closedPort()));
      await run.node1.send('api global_setvar cap_mode=16e');
      await ring(run.node1);
      await run.node1.gone(await run.node1.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' }));
      await cleanup(run.node1);
    },
  },
  {
    title: '16e2 failover: a refused host is skipped, the next one decides',
    stem: '16e2-socket-app-failover-closed-then-open',
    nodes: NODE1,
    async drive(run) {
      run.node1.sim.setGlobal('cap_closed', String(await closedPort()));
      const { aLeg, picker, session } = await pickerMeetsController(run, '16e2');
      await decide(session, execute('set', `pickup_uuid=${aLeg}`));
      await talkThenHangUp(run.node1, picker, aLeg);
      await cleanup(run.node1);
    },
  },
  {
    title: '16f a controller that never writes: the notice at the first-command timeout, the dialplan goes on',
    stem: '16f-hung-controller-accepts-never-writes',
    nodes: { node1: { ...RUN5_NODES.node1, socketFirstCommandTimeoutMs: 200 } },
    async drive(run) {
      const { picker, session } = await pickerMeetsController(run, '16a');
      await session.whenClosed();
      await run.node1.gone(picker);
      await cleanup(run.node1);
    },
  },
  {
    title: '16f2 connect, then silence: no timeout; the caller cancelling ends the session',
    stem: '16f2-hung-controller-connect-then-silent-picker-cancels',
    nodes: NODE1,
    async drive(run) {
      const { picker, session } = await pickerMeetsController(run, '16a');
      await session.command('connect');
      await run.node1.sim.hangup(picker);
      await session.whenClosed();
      await cleanup(run.node1);
    },
  },
  {
    title: '16f3 connect, then the controller closes: the app ends at once, the dialplan goes on',
    stem: '16f3-hung-controller-connect-then-closes-after-5s',
    nodes: NODE1,
    async drive(run) {
      const { picker, session } = await pickerMeetsController(run, '16a');
      await session.command('connect');
      session.close();
      await run.node1.gone(picker);
      await cleanup(run.node1);
    },
  },
  {
    title: '16g what a static socket accepts: every ESL command once, then as 16a',
    stem: '16g-static-socket-command-probe',
    nodes: NODE1,
    async drive(run) {
      const { aLeg, picker, session } = await pickerMeetsController(run, '16a');
      const probe = [
        'connect', 'getvar pickup_target', 'getvar no_such_variable', 'myevents', 'myevents', 'event plain ALL', 'linger', 'nolinger',
        `api uuid_exists ${aLeg}`, 'bgapi status', 'log 7', 'sendevent CUSTOM\nEvent-Subclass: cap16::probe', 'nixevent CHANNEL_ANSWER',
        'filter Event-Name CHANNEL_EXECUTE', 'divert_events on', 'noevents', 'auth ClueCon', 'nosuchcommand',
        'sendmsg\ncall-command: execute\nexecute-app-name: log\nexecute-app-arg: INFO cap16g sendmsg without uuid',
        `sendmsg ${aLeg}\ncall-command: execute\nexecute-app-name: log\nexecute-app-arg: INFO cap16g sendmsg to the A leg`,
      ];
      for (const command of probe) await session.command(command);
      await decide(session, execute('set', `pickup_uuid=${aLeg}`));
      await talkThenHangUp(run.node1, picker, aLeg);
      await cleanup(run.node1);
    },
  },
  ...([true, false] as const).map((inserted): SocketScenario => ({
    title: inserted
      ? '17 cross-node: hash insert on the call node, set pickup_bridge + exit; node2 intercepts from its hash'
      : '17b a used token: node2 finds nothing, 404, the picker ends NO_ROUTE_DESTINATION',
    stem: inserted ? '17-cross-node-token-in-call-node-hash' : '17b-cross-node-used-token-refused',
    nodes: RUN5_NODES,
    async drive(run) {
      const node2 = run.node2!;
      const { aLeg } = await ring(node2);
      await run.node1.send('api global_setvar cap_mode=17');
      const api = await node2.controller();
      await api.command('auth ClueCon');
      const picker = await run.node1.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
      const session = await run.controller.nextSession();
      await session.command('connect');
      if (inserted) await api.command(`api hash insert/fs_pickup_token/${TOKEN}/${aLeg}`);
      session.write(`${execute('set', `pickup_bridge=sofia/cluster/pickup-${TOKEN}@${RUN5_NODES.node2.clusterSipAddress}`)}\n\nexit\n\n`);
      await session.whenClosed();
      if (inserted) {
        await node2.sim.waitForChannel(aLeg, (channel) => channel.bridgedTo !== undefined);
        await run.node1.sim.waitForChannel(picker, (channel) => channel.bridgedTo !== undefined && channel.answerState === 'answered');
        await run.node1.sim.hangup(picker);
      }
      await Promise.all([run.node1.gone(picker), ...(inserted ? [node2.gone(aLeg)] : [])]);
      await node2.send(`api hash select/fs_pickup_token/${TOKEN}`);
      await cleanup(run.node1, node2);
      await api.command('exit');
    },
  })),
];

// Real timing takes other paths through the same code (20 ms polls, delayed SIP hops, listener polls): same
// events. Not for 17/17b: whether the picker's 20 ms originate poll sees node2's 183 before its 200 (an
// early-media bridge, as in 15b) is a timing branch there, which the recorded run did not take.
for (const timing of ['fast', 'real'] as const) {
  describe.concurrent(`capture replay of the synchronous socket (run 5), ${timing} timing`, () => {
    for (const scenario of SCENARIOS.filter((each) => timing === 'fast' || each.nodes.node2 === undefined)) {
      it(scenario.title, () => expectRun5Replay(scenario, timing), 30_000);
    }
  });
}
