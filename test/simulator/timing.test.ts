/**
 * Timing mode 'real' against FreeSWITCH's measured medians (the capture lab's run 5: captures 16–17 and their repeats): the picker's
 * INVITE → CHANNEL_BRIDGE of the caller's A leg for FreeSWITCH's own dialplan intercept (71 ms), a
 * decision over the synchronous socket as in 16a (75 ms) and the cross-node hand-off of 17 (82 ms),
 * each replayed a few times with a stand-in controller that writes every command in one piece; and
 * the mechanisms behind them: the 40 ms stall of a command written in two pieces, the idle
 * listener's 0–20 ms delivery and its immediate one after a client write.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { RUN5_DIRECTORY, RUN5_NATIVE_PICKUP_DIALPLAN, RUN5_NODES } from './capture-lab.ts';
import { FreeSwitchSimulator, type SimulatorOptions } from './simulator.ts';
import { SipNetwork } from './sip-network.ts';
import { StandInController } from './stand-in-controller.ts';
import { EslTestClient } from './test-client.ts';

const RUNS = 7;
const TOKEN = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function realNode(options: SimulatorOptions): Promise<{ sim: FreeSwitchSimulator; port: number }> {
  const sim = new FreeSwitchSimulator({ timing: 'real', ...options });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  return { sim, port };
}

async function standIn(sim: FreeSwitchSimulator): Promise<StandInController> {
  const controller = await StandInController.listen();
  cleanups.push(() => controller.close());
  sim.setGlobal('cap_listen', String(controller.port));
  return controller;
}

/** A SIP caller dials 200 on `sim`; resolves its A leg once the caller hears the ringing. */
async function ringingCall(sim: FreeSwitchSimulator): Promise<string> {
  const aLeg = sim.sipCall({ fromUser: '300', fromHost: 'pbx.test', destination: '200' });
  await sim.waitForChannel(aLeg, (channel) => channel.times.progress > 0);
  return aLeg;
}

/** ms from the picker phone's INVITE to the A leg's CHANNEL_BRIDGE (both in epoch µs). */
async function inviteToBridge(pickerSim: FreeSwitchSimulator, picker: string, callSim: FreeSwitchSimulator, aLeg: string): Promise<number> {
  const bridged = await callSim.waitForChannel(aLeg, (channel) => channel.times.bridged > 0);
  return (bridged.times.bridged - pickerSim.channel(picker)!.times.inviteSent) / 1000;
}

async function hangUpAll(...sims: FreeSwitchSimulator[]): Promise<void> {
  for (const sim of sims) for (const channel of sim.liveChannels()) await sim.hangup(channel.uuid).catch(() => undefined);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function execute(app: string, arg: string): string {
  return `sendmsg\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}\nEvent-UUID: ${randomUUID()}\n\n`;
}

describe('timing real: the picker\'s INVITE → CHANNEL_BRIDGE of the caller\'s A leg', () => {
  it('FreeSWITCH\'s own dialplan intercept: about 71 ms', async () => {
    const { sim } = await realNode({ dialplan: RUN5_NATIVE_PICKUP_DIALPLAN, directory: RUN5_DIRECTORY });
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const aLeg = await ringingCall(sim);
      const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '89200' });
      samples.push(await inviteToBridge(sim, picker, sim, aLeg));
      await hangUpAll(sim);
    }
    expect(median(samples)).toBeGreaterThan(60);
    expect(median(samples)).toBeLessThan(85);
  });

  it('a decision over the synchronous socket (16a: set pickup_uuid + exit in one write): about 75 ms', async () => {
    const { sim } = await realNode({ ...RUN5_NODES.node1 });
    const controller = await standIn(sim);
    sim.setGlobal('cap_mode', '16a');
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const aLeg = await ringingCall(sim);
      const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
      const session = await controller.nextSession();
      await session.command('connect');
      session.write(`${execute('set', `pickup_uuid=${aLeg}`)}exit\n\n`);
      samples.push(await inviteToBridge(sim, picker, sim, aLeg));
      await hangUpAll(sim);
    }
    expect(median(samples)).toBeGreaterThan(63);
    expect(median(samples)).toBeLessThan(90);
    expect(sim.commands.filter((command) => command.session !== undefined).every((command) => command.chunks === 1)).toBe(true);
  });

  it('cross-node as in 17 (token into the call node\'s hash, set pickup_bridge + exit): about 82 ms on the call node', async () => {
    const network = new SipNetwork();
    const node1 = await realNode({ ...RUN5_NODES.node1, sipNetwork: network });
    const node2 = await realNode({ ...RUN5_NODES.node2, sipNetwork: network });
    const controller = await standIn(node1.sim);
    node1.sim.setGlobal('cap_mode', '17');
    const api = await EslTestClient.connect(node2.port);
    cleanups.push(() => api.close());
    await api.command('auth ClueCon');
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const token = `${TOKEN.slice(0, 31)}${run}`;
      const aLeg = await ringingCall(node2.sim);
      const picker = await node1.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
      const session = await controller.nextSession();
      await session.command('connect');
      await api.command(`api hash insert/fs_pickup_token/${token}/${aLeg}`);
      session.write(`${execute('set', `pickup_bridge=sofia/cluster/pickup-${token}@${RUN5_NODES.node2.clusterSipAddress}`)}exit\n\n`);
      samples.push(await inviteToBridge(node1.sim, picker, node2.sim, aLeg));
      await hangUpAll(node1.sim, node2.sim);
    }
    expect(median(samples)).toBeGreaterThan(68);
    expect(median(samples)).toBeLessThan(98);
  });
});

describe('timing real: the event socket\'s mechanisms', () => {
  it('a command written in two pieces is answered only ~40 ms after its first piece; in one piece at once (Nagle + delayed ACK)', async () => {
    const { sim, port } = await realNode({});
    const client = await EslTestClient.connect(port);
    cleanups.push(() => client.close());
    await client.command('auth ClueCon');
    const whole = performance.now();
    await client.command('api hostname');
    const wholeMs = performance.now() - whole;
    const split = performance.now();
    const reply = client.nextReply();
    client.write('api host');
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.write('name\n\n');
    await reply;
    const splitMs = performance.now() - split;
    expect(wholeMs).toBeLessThan(15);
    expect(splitMs).toBeGreaterThanOrEqual(39);
    expect(splitMs).toBeLessThan(70);
    expect(sim.commands.filter((command) => command.line === 'api hostname').map((command) => command.chunks)).toEqual([1, 2]);
  });

  it('an idle listener writes an event on its 20 ms poll (0–20 ms late), at once when the client has just written', async () => {
    const { port } = await realNode({});
    const listener = await EslTestClient.subscribed(port, 'plain CUSTOM timing::probe');
    const sender = await EslTestClient.connect(port);
    cleanups.push(() => listener.close(), () => sender.close());
    await sender.command('auth ClueCon');
    const idleDelays: number[] = [];
    const wokenDelays: number[] = [];
    for (let probe = 0; probe < 12; probe++) {
      const wakeWithNewline = probe % 2 === 1;
      await new Promise((resolve) => setTimeout(resolve, 3 + probe * 3));
      const sent = performance.now();
      await sender.command(`sendevent CUSTOM\nEvent-Subclass: timing::probe\nprobe: ${probe}`);
      if (wakeWithNewline) listener.write('\n');
      await listener.waitForEvent((event) => event.get('probe') === String(probe), `probe ${probe}`);
      (wakeWithNewline ? wokenDelays : idleDelays).push(performance.now() - sent);
    }
    expect(Math.max(...idleDelays)).toBeLessThan(30);
    expect(Math.max(...idleDelays) - Math.min(...idleDelays)).toBeGreaterThan(4);
    expect(median(wokenDelays)).toBeLessThan(6);
  });
});
