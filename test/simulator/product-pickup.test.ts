/**
 * The product's pickup path end to end in the simulator, with a stand-in controller speaking the
 * controller's protocol over the synchronous socket of freeswitch-conf/dialplan/default/00_fs_pickup.xml
 * (`$${fs_pickup_controllers}`): connect + myevents in one write; then sendmsg's in one write, the
 * intercept's EXECUTE_COMPLETE read from the session's own events, a retry, `exit`; a refusal (tone,
 * then hangup); the cross-node hand-off through the call node's hash and fs_pickup_cluster.xml.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEventFrame, type DecodedEvent } from './capture-reader.ts';
import { FreeSwitchSimulator, type SimulatorOptions } from './simulator.ts';
import { SipNetwork } from './sip-network.ts';
import { StandInController } from './stand-in-controller.ts';
import { EslTestClient, bodyText, replyText } from './test-client.ts';

const NODE1 = '10.0.0.1:5090';
const NODE2 = '10.0.0.2:5090';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Node {
  readonly sim: FreeSwitchSimulator;
  readonly port: number;
}

async function startNode(options: SimulatorOptions = {}): Promise<Node> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2, ...options });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  return { sim, port };
}

/** A node whose `fs_pickup_controllers` is a stand-in controller. */
async function nodeWithController(options: SimulatorOptions = {}): Promise<{ node: Node; controller: StandInController }> {
  const node = await startNode(options);
  const controller = await StandInController.listen();
  cleanups.push(() => controller.close());
  node.sim.setGlobal('fs_pickup_controllers', controller.address);
  return { node, controller };
}

function sendmsg(app: string, arg = ''): string {
  return `sendmsg\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}\nEvent-UUID: ${randomUUID()}\n\n`;
}

/** The controller's opening: `connect` and `myevents` in one write; resolves the channel data frame's headers. */
async function open(session: EslTestClient): Promise<ReadonlyMap<string, string>> {
  const data = session.nextReply();
  const myevents = session.nextReply().then(replyText);
  session.write('connect\n\nmyevents\n\n');
  const headers = new Map((await data).headers.map(([name, value]) => [name, decodeURIComponent(value)] as const));
  expect(await myevents).toBe('+OK Events Enabled');
  return headers;
}

/** Writes several commands in one write; resolves their replies' texts in order. */
async function oneWrite(session: EslTestClient, commands: readonly string[]): Promise<Array<string | undefined>> {
  const replies = commands.map(() => session.nextReply());
  session.write(commands.join(''));
  return (await Promise.all(replies)).map(replyText);
}

function completion(session: EslTestClient, app: string, index = 0): Promise<DecodedEvent> {
  return session.waitFor(
    () => session.events.filter((event) => event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE' && event.get('Application') === app).length > index,
    `${app} to complete`,
  ).then(() => session.events.filter((event) => event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE' && event.get('Application') === app)[index]!);
}

describe('same node', () => {
  it('the controller intercepts over the socket: +OK after the app, then its events; the bridge waits for exit; one TCP read per command', async () => {
    const { node, controller } = await nodeWithController();
    const call = await node.sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    const picker = await node.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
    const session = await controller.nextSession();
    const data = await open(session);
    expect([data.get('Unique-ID'), data.get('Caller-Destination-Number'), data.get('variable_user_name'), data.get('Socket-Mode'), data.get('Control')]).toEqual([
      picker, '88sales', '100', 'static', 'single-channel',
    ]);
    expect(await oneWrite(session, [sendmsg('intercept', call.aLeg), sendmsg('sched_cancel')])).toEqual(['+OK', '+OK']);
    const done = await completion(session, 'sched_cancel');
    const intercepted = session.events.find((event) => event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE' && event.get('Application') === 'intercept')!;
    expect([intercepted.get('Answer-State'), intercepted.get('Other-Leg-Unique-ID'), intercepted.get('Application-Response')]).toEqual(['answered', call.aLeg, '_none_']);
    // Each app runs before its +OK; the events wait until no command is left to read (no CHANNEL_CALLSTATE under myevents).
    expect(session.frames.slice(2).map((frame) => replyText(frame) ?? `${decodeEventFrame(frame)?.get('Event-Name')} ${decodeEventFrame(frame)?.get('Application') ?? ''}`.trim())).toEqual([
      '+OK', '+OK', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_EXECUTE intercept', 'CHANNEL_ANSWER', 'CHANNEL_EXECUTE_COMPLETE intercept',
      'CHANNEL_EXECUTE sched_cancel', 'CHANNEL_EXECUTE_COMPLETE sched_cancel',
    ]);
    expect(done.get('Other-Leg-Unique-ID')).toBe(call.aLeg);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(node.sim.channel(picker)!.bridgedTo).toBeUndefined();
    expect(replyText(await session.command('exit'))).toBe('+OK bye');
    await session.whenClosed();
    await node.sim.waitForChannel(picker, (channel) => channel.bridgedTo === call.aLeg);
    expect(node.sim.commands.filter((command) => command.session === picker).map((command) => [command.name, command.chunks])).toEqual([
      ['connect', 1], ['myevents', 1], ['sendmsg', 1], ['sendmsg', 1], ['exit', 1],
    ]);
    await node.sim.hangup(call.aLeg);
    expect((await node.sim.waitForChannel(picker, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('NORMAL_CLEARING');
  });

  it('an intercept refused (the call was answered) pre-answers the picker; the retry on the same socket takes another call', async () => {
    const { node, controller } = await nodeWithController();
    const answered = await node.sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    await node.sim.answer(answered.bLegs[0]!);
    const ringing = await node.sim.placeCall({ domain: 'pbx.test', targets: ['201'] });
    const picker = await node.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
    const session = await controller.nextSession();
    await open(session);
    await oneWrite(session, [sendmsg('intercept', answered.aLeg)]);
    const refused = await completion(session, 'intercept');
    expect([refused.get('Answer-State'), refused.get('Other-Leg-Unique-ID')]).toEqual(['early', undefined]);
    // Events are written only when no command waits to be read: an exit in the same write would leave them unsent.
    await oneWrite(session, [sendmsg('intercept', ringing.aLeg)]);
    expect((await completion(session, 'intercept', 1)).get('Other-Leg-Unique-ID')).toBe(ringing.aLeg);
    await oneWrite(session, [sendmsg('sched_cancel'), 'exit\n\n']);
    await node.sim.waitForChannel(picker, (channel) => channel.bridgedTo === ringing.aLeg);
    expect(node.sim.channel(answered.aLeg)!.bridgedTo).toBe(answered.bLegs[0]);
  });

  it('a refusal: a tone, then hangup with the cause, in one write: +OK after the tone, +OK, the notice and close (the picker heard 183)', async () => {
    const { node, controller } = await nodeWithController();
    const picker = await node.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88nobody' });
    const session = await controller.nextSession();
    await open(session);
    const started = Date.now();
    expect(await oneWrite(session, [sendmsg('playback', 'tone_stream://%(100,50,480);loops=1'), 'sendmsg\ncall-command: hangup\nhangup-cause: CALL_REJECTED\n\n'])).toEqual(['+OK', '+OK']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await session.whenClosed();
    expect(session.frames.at(-1)!.headers).toContainEqual(['Controlled-Session-UUID', picker]);
    const ended = await node.sim.waitForChannel(picker, (channel) => channel.hangupCause !== undefined);
    expect([ended.hangupCause, ended.times.progressMedia > 0]).toEqual(['CALL_REJECTED', true]);
  });
});

describe('cross-node hand-off', () => {
  async function cluster(): Promise<{ node1: Node; node2: Node; controller: StandInController; api: EslTestClient }> {
    const network = new SipNetwork();
    const acl = ['10.0.0.1', '10.0.0.2'];
    const { node: node1, controller } = await nodeWithController({ sipNetwork: network, clusterSipAddress: NODE1, clusterAcl: acl });
    const node2 = await startNode({ sipNetwork: network, clusterSipAddress: NODE2, clusterAcl: acl });
    const api = await EslTestClient.connect(node2.port);
    cleanups.push(() => api.close());
    await api.command('auth ClueCon');
    return { node1, node2, controller, api };
  }

  const bridgeTo = (token: string): string => sendmsg('set', `fs_pickup_bridge={originate_timeout=6}sofia/cluster/pickup-${token}@${NODE2}`);

  it('hash insert on the call node, fs_pickup_bridge + sched_cancel + exit: the dialplan bridges there and fs_pickup_cluster.xml intercepts at once', async () => {
    const { node1, node2, controller, api } = await cluster();
    const token = randomUUID().replaceAll('-', '');
    const call = await node2.sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    const picker = await node1.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
    const session = await controller.nextSession();
    await open(session);
    expect(bodyText(await api.command(`api hash insert/fs_pickup_token/pickup-${token}/${call.aLeg}`))).toBe('+OK\n');
    expect(await oneWrite(session, [bridgeTo(token), sendmsg('sched_cancel'), 'exit\n\n'])).toEqual(['+OK', '+OK', '+OK bye']);
    await node2.sim.waitForChannel(call.aLeg, (channel) => channel.bridgedTo !== undefined && channel.answerState === 'answered');
    const bridged = await node1.sim.waitForChannel(picker, (channel) => channel.bridgedTo !== undefined && channel.answerState === 'answered');
    expect(node1.sim.channel(bridged.bridgedTo!)!.name).toBe(`sofia/cluster/pickup-${token}@${NODE2}`);
    expect(bodyText(await api.command(`api hash select/fs_pickup_token/pickup-${token}`))).toBe('-ERR no reply\n');
    // The caller hangs up: hangup_after_bridge (set by fs_pickup_cluster.xml before its intercept) ends the token
    // leg with the caller's cause, instead of its dialplan going on to `hangup NO_ROUTE_DESTINATION` (07b, 15c);
    // its BYE ends X and the picker (hangup_after_bridge) with the same cause.
    await node2.sim.hangup(call.aLeg);
    expect((await node1.sim.waitForChannel(picker, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('NORMAL_CLEARING');
  });

  it('a token the call node does not know: CALL_REJECTED there; continue_on_fail brings the picker to the next round, fs_pickup_bridge unset', async () => {
    const { node1, controller } = await cluster();
    const picker = await node1.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
    const first = await controller.nextSession();
    await open(first);
    await oneWrite(first, [bridgeTo('0'.repeat(32)), 'exit\n\n']);
    const second = await controller.nextSession();
    const data = await open(second);
    expect(data.get('variable_fs_pickup_bridge')).toBeUndefined();
    expect(node1.sim.channel(picker)!.variables['originate_disposition']).toBe('CALL_REJECTED');
    await oneWrite(second, ['sendmsg\ncall-command: hangup\nhangup-cause: NO_ANSWER\n\n']);
    expect((await node1.sim.waitForChannel(picker, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('NO_ANSWER');
  });
});
