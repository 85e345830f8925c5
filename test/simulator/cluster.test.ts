/**
 * The simulated cluster beyond the capture replays: the SIP hop of a hand-off (`{sip_h_X-…=…}
 * sofia/cluster/<user>@<node>` with continue_on_fail and hangup_after_bridge) to a leg the far node
 * holds (a test extension parks it), refusals by the far node, its ACL and its dialplan, unreachable
 * addresses, forged calls with `sipCall`, the product's token route (fs_pickup_cluster.xml), the
 * `core_uuid` global and bad cluster options.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedEvent } from './capture-reader.ts';
import type { Dialplan } from './dialplan.ts';
import { poll } from './replay-harness.ts';
import { FreeSwitchSimulator, type SimulatorOptions } from './simulator.ts';
import { SipNetwork } from './sip-network.ts';
import { EslTestClient, bodyText } from './test-client.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';
const NODE1 = '10.0.0.1:5090';
const NODE2 = '10.0.0.2:5090';
const BAD_UUID = '00000000-0000-0000-0000-000000000000';

// The picker parks (its controller bridges it over the inbound socket); `hold` parks the far leg in fs_pickup_cluster.
const HOLDING: Dialplan = [
  { name: 'park-picker', expression: /^88/, actions: [['park']] },
  { name: 'hold', context: 'fs_pickup_cluster', expression: /^hold$/, actions: [['park']] },
];

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Node {
  readonly sim: FreeSwitchSimulator;
  readonly client: EslTestClient;
}

async function startNode(options: SimulatorOptions): Promise<Node> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2, dialplan: HOLDING, ...options });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  const client = await EslTestClient.subscribed(port, 'plain ALL');
  cleanups.push(() => client.close());
  return { sim, client };
}

/** Two nodes on one network; node2 admits only the IPs in `acl`. */
async function cluster(acl = ['10.0.0.1', '10.0.0.2']): Promise<{ network: SipNetwork; node1: Node; node2: Node }> {
  const network = new SipNetwork();
  const node1 = await startNode({ sipNetwork: network, clusterSipAddress: NODE1, clusterAcl: acl });
  const node2 = await startNode({ sipNetwork: network, clusterSipAddress: NODE2, clusterAcl: acl });
  return { network, node1, node2 };
}

async function execute(client: EslTestClient, uuid: string, app: string, arg: string): Promise<void> {
  await client.command(`sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}`);
}

/** A controller bridges the parked picker to `<destination>@<address>` (default `hold`); resolves the picker's uuid. */
async function sendPicker(node: Node, address: string, options: { continueOnFail?: boolean; destination?: string } = {}): Promise<string> {
  const picker = await node.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
  await node.sim.waitForChannel(picker, (channel) => channel.parked);
  await execute(node.client, picker, 'set', 'hangup_after_bridge=true');
  if (options.continueOnFail ?? true) await execute(node.client, picker, 'set', 'continue_on_fail=true');
  await execute(node.client, picker, 'bridge', `{sip_h_X-FSP-Token=${TOKEN}}sofia/cluster/${options.destination ?? 'hold'}@${address}`);
  return picker;
}

function heldLegOn(node: Node): Promise<string> {
  return poll(() => node.sim.liveChannels().find((channel) => channel.name.startsWith('sofia/cluster/') && channel.parked)?.uuid, 'the far leg to park');
}

/** The picker's outbound cluster leg (it may be gone already: found by its CHANNEL_CREATE). */
async function outboundLegOf(node: Node, picker: string): Promise<string> {
  const created = await node.client.waitForEvent(
    (event) => event.get('Event-Name') === 'CHANNEL_CREATE' && event.get('Call-Direction') === 'outbound' && event.get('Other-Leg-Unique-ID') === picker,
    'the cluster leg',
  );
  return created.get('Unique-ID')!;
}

function ended(node: Node, uuid: string): Promise<{ hangupCause: string | undefined; variables: Readonly<Record<string, string>> }> {
  return node.sim.waitForChannel(uuid, (channel) => channel.hangupCause !== undefined);
}

async function allEvents(node: Node): Promise<DecodedEvent[]> {
  await node.client.command('api hostname'); // a reply comes after every event written before it
  return node.client.events;
}

async function channelEvents(node: Node): Promise<DecodedEvent[]> {
  return (await allEvents(node)).filter((event) => event.get('Event-Name')?.startsWith('CHANNEL_'));
}

function bridgeCompletion(node: Node, picker: string): Promise<DecodedEvent> {
  return node.client.waitForEvent(
    (event) => event.get('Unique-ID') === picker && event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE' && event.get('Application') === 'bridge',
    'the bridge application to end',
  );
}

describe('cross-node hand-off', () => {
  it('the far leg is unauthenticated and has the INVITE\'s X- header; its intercept answers X and the picker; the caller hanging up ends the picker', async () => {
    const { node1, node2 } = await cluster();
    const call = await node2.sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    const picker = await sendPicker(node1, NODE2);
    const tokenLeg = await heldLegOn(node2);
    const park = await node2.client.waitForEvent((event) => event.get('Unique-ID') === tokenLeg && event.get('Event-Name') === 'CHANNEL_PARK');
    expect({
      name: park.get('Channel-Name'),
      context: park.get('Caller-Context'),
      destination: park.get('Caller-Destination-Number'),
      header: park.get('variable_sip_h_X-FSP-Token'),
      fromHost: park.get('variable_sip_from_host'),
      networkIp: park.get('variable_sip_network_ip'),
      profile: park.get('variable_sofia_profile_name'),
      user: park.get('variable_user_name'),
      domain: park.get('variable_domain_name'),
    }).toEqual({
      name: 'sofia/cluster/100@10.0.0.1',
      context: 'fs_pickup_cluster',
      destination: 'hold',
      header: TOKEN,
      fromHost: '10.0.0.1',
      networkIp: '10.0.0.1',
      profile: 'cluster',
      user: undefined,
      domain: undefined,
    });
    const outbound = await outboundLegOf(node1, picker);
    expect(node1.sim.channel(outbound)!.name).toBe(`sofia/cluster/hold@${NODE2}`);

    await execute(node2.client, tokenLeg, 'set', 'intercept_unanswered_only=true');
    await execute(node2.client, tokenLeg, 'intercept', call.aLeg);
    await node2.sim.waitForChannel(tokenLeg, (channel) => channel.bridgedTo === call.aLeg);
    expect((await ended(node2, call.bLegs[0]!)).hangupCause).toBe('PICKED_OFF');
    const pickerNow = await node1.sim.waitForChannel(picker, (channel) => channel.bridgedTo === outbound && channel.answerState === 'answered');
    expect(pickerNow.variables['signal_bond']).toBe(outbound);
    expect(node1.sim.channel(outbound)!.answerState).toBe('answered');
    expect(node1.sim.channel(outbound)!.variables['sip_call_id']).toBe(node2.sim.channel(tokenLeg)!.variables['sip_call_id']);

    await node2.sim.hangup(call.aLeg);
    expect((await ended(node2, tokenLeg)).variables['sip_hangup_disposition']).toBe('send_bye');
    const x = await ended(node1, outbound);
    expect([x.hangupCause, x.variables['sip_hangup_disposition'], x.variables['sip_term_status']]).toEqual(['NORMAL_CLEARING', 'recv_bye', '200']);
    expect((await ended(node1, picker)).hangupCause).toBe('NORMAL_CLEARING');
  });

  it('a refused far leg (hangup NO_ROUTE_DESTINATION, no answer): X gets 404; with continue_on_fail the picker stays parked, without it hangs up with the cause', async () => {
    const { node1, node2 } = await cluster();
    for (const continueOnFail of [true, false]) {
      const picker = await sendPicker(node1, NODE2, { continueOnFail });
      const tokenLeg = await heldLegOn(node2);
      const outbound = await outboundLegOf(node1, picker);
      await execute(node2.client, tokenLeg, 'hangup', 'NO_ROUTE_DESTINATION');
      expect((await ended(node2, tokenLeg)).variables['sip_hangup_disposition']).toBe('send_refuse');
      const x = await ended(node1, outbound);
      expect([x.hangupCause, x.variables['sip_term_status'], x.variables['sip_hangup_disposition']]).toEqual(['NO_ROUTE_DESTINATION', '404', 'recv_refuse']);
      const done = await bridgeCompletion(node1, picker);
      if (continueOnFail) {
        expect([done.get('Answer-State'), done.get('variable_originate_disposition')]).toEqual(['ringing', 'NO_ROUTE_DESTINATION']);
        expect(node1.sim.channel(picker)).toMatchObject({ parked: true, hangupCause: undefined });
        await node1.sim.hangup(picker);
      } else {
        expect((await ended(node1, picker)).hangupCause).toBe('NO_ROUTE_DESTINATION');
      }
    }
  });

  it('15b with continue_on_fail: the failed intercept early-bridges the picker, the refusal unbridges it and the picker stays parked', async () => {
    const { node1, node2 } = await cluster();
    const picker = await sendPicker(node1, NODE2);
    const tokenLeg = await heldLegOn(node2);
    const outbound = await outboundLegOf(node1, picker);
    await execute(node2.client, tokenLeg, 'intercept', BAD_UUID); // fails, but pre-answers the token leg
    expect((await node1.sim.waitForChannel(picker, (channel) => channel.bridgedTo === outbound)).answerState).toBe('early');
    await execute(node2.client, tokenLeg, 'hangup', 'NO_ROUTE_DESTINATION');
    const done = await bridgeCompletion(node1, picker);
    expect([done.get('Answer-State'), done.get('variable_originate_disposition'), done.get('variable_bridge_hangup_cause')]).toEqual(['early', 'SUCCESS', 'NO_ROUTE_DESTINATION']);
    const names = (await channelEvents(node1)).filter((event) => event.get('Unique-ID') === picker).map((event) => event.get('Event-Name'));
    expect(names.slice(names.indexOf('CHANNEL_BRIDGE'))).toEqual(['CHANNEL_BRIDGE', 'CHANNEL_UNBRIDGE', 'CHANNEL_EXECUTE_COMPLETE']);
    expect(node1.sim.channel(picker)).toMatchObject({ parked: true, hangupCause: undefined, answerState: 'early' });
  });

  it('the picker hanging up (or uuid_kill of X) before the answer cancels the token leg: ORIGINATOR_CANCEL', async () => {
    const { node1, node2 } = await cluster();
    const picker = await sendPicker(node1, NODE2);
    const tokenLeg = await heldLegOn(node2);
    const outbound = await outboundLegOf(node1, picker);
    await node1.client.command(`api uuid_kill ${outbound} NORMAL_TEMPORARY_FAILURE`);
    const t = await ended(node2, tokenLeg);
    expect([t.hangupCause, t.variables['sip_hangup_disposition']]).toEqual(['ORIGINATOR_CANCEL', 'recv_cancel']);
    expect(node1.sim.channel(outbound)!.variables['sip_hangup_disposition']).toBe('send_cancel');
    await bridgeCompletion(node1, picker);
    expect(node1.sim.channel(picker)).toMatchObject({ parked: true, hangupCause: undefined });
  });
});

describe('refusals before any token leg', () => {
  it('a sender outside the ACL gets 403 and no channel exists on the far node: X ends CALL_REJECTED', async () => {
    const { node1, node2 } = await cluster(['10.0.0.2']);
    const picker = await sendPicker(node1, NODE2);
    const x = await ended(node1, await outboundLegOf(node1, picker));
    expect([x.hangupCause, x.variables['sip_term_status'], x.variables['sip_hangup_disposition']]).toEqual(['CALL_REJECTED', '403', 'recv_refuse']);
    expect(await channelEvents(node2)).toEqual([]);
    await bridgeCompletion(node1, picker);
    expect(node1.sim.channel(picker)!.parked).toBe(true);
  });

  it('an address nobody answers, or a closed node: 503, X ends NORMAL_TEMPORARY_FAILURE at once', async () => {
    const { node1, node2 } = await cluster();
    await node2.sim.close();
    for (const address of ['10.0.0.9:5090', NODE2]) {
      const picker = await sendPicker(node1, address);
      const x = await ended(node1, await outboundLegOf(node1, picker));
      expect([x.hangupCause, x.variables['sip_term_status'], x.variables['sip_call_id']]).toEqual(['NORMAL_TEMPORARY_FAILURE', '503', undefined]);
      await bridgeCompletion(node1, picker);
      expect(node1.sim.channel(picker)!.parked).toBe(true);
    }
  });

  it('a destination the cluster dialplan does not know: UNALLOCATED_NUMBER there, 404 and the same cause on X', async () => {
    const { node1 } = await cluster();
    const picker = await sendPicker(node1, NODE2, { destination: 'pickup-not-a-token' });
    const x = await ended(node1, await outboundLegOf(node1, picker));
    expect([x.hangupCause, x.variables['sip_term_status']]).toEqual(['UNALLOCATED_NUMBER', '404']);
  });
});

describe('sipCall on the cluster profile', () => {
  it('outside the ACL: refused before a channel exists (no channel, no event); admitted: routed (held here), or UNALLOCATED_NUMBER', async () => {
    const { node2 } = await cluster();
    const outsider = node2.sim.sipCall({ profile: 'cluster', fromHost: '192.0.2.66', destination: 'hold' });
    expect(node2.sim.channel(outsider)).toBeUndefined();
    expect(await channelEvents(node2)).toEqual([]);

    const admitted = node2.sim.sipCall({ profile: 'cluster', fromHost: '10.0.0.1', destination: 'hold', headers: { 'X-FSP-Token': TOKEN } });
    const parked = await node2.sim.waitForChannel(admitted, (channel) => channel.parked);
    expect(parked.variables).toMatchObject({ 'sip_h_X-FSP-Token': TOKEN, sip_network_ip: '10.0.0.1', sofia_profile_name: 'cluster' });
    expect(parked.variables['user_name']).toBeUndefined();

    const unknown = node2.sim.sipCall({ profile: 'cluster', fromHost: '10.0.0.1', destination: 'pickup-ABC' });
    expect((await ended(node2, unknown)).hangupCause).toBe('UNALLOCATED_NUMBER');
  });
});

describe('the product\'s token route (freeswitch-conf/dialplan/fs_pickup_cluster.xml)', () => {
  it('pickup-<token> intercepts the call its hash entry names at once, once; a forged or used token is CALL_REJECTED', async () => {
    const { node2 } = await cluster();
    const call = await node2.sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    const forged = node2.sim.sipCall({ profile: 'cluster', fromHost: '10.0.0.1', destination: `pickup-${TOKEN}` });
    expect((await ended(node2, forged)).hangupCause).toBe('CALL_REJECTED');

    expect(bodyText(await node2.client.command(`api hash insert/fs_pickup_token/pickup-${TOKEN}/${call.aLeg}`))).toBe('+OK\n');
    const tokenLeg = node2.sim.sipCall({ profile: 'cluster', fromHost: '10.0.0.1', destination: `pickup-${TOKEN}` });
    const bridged = await node2.sim.waitForChannel(tokenLeg, (channel) => channel.bridgedTo === call.aLeg);
    expect(bridged.variables).toMatchObject({ intercept_unanswered_only: 'true', current_application: 'intercept' });
    expect((await ended(node2, call.bLegs[0]!)).hangupCause).toBe('PICKED_OFF');
    // The route looked the token up (an API event) and deleted it.
    const lookups = (await allEvents(node2)).filter((event) => event.get('API-Command') === 'hash').map((event) => event.get('API-Command-Argument'));
    expect(lookups).toContain(`select/fs_pickup_token/pickup-${TOKEN}`);
    expect(bodyText(await node2.client.command(`api hash select/fs_pickup_token/pickup-${TOKEN}`))).toBe('-ERR no reply\n');

    const reused = node2.sim.sipCall({ profile: 'cluster', fromHost: '10.0.0.1', destination: `pickup-${TOKEN}` });
    expect((await ended(node2, reused)).hangupCause).toBe('CALL_REJECTED');
  });
});

describe('node identity and options', () => {
  it('global_getvar core_uuid is the current Core-UUID, also after a restart; an unknown global gives -ERR no reply', async () => {
    const sim = new FreeSwitchSimulator({ coreUuid: '11111111-2222-4333-8444-555555555555' });
    const port = await sim.listen(0);
    cleanups.push(() => sim.close());
    const ask = async (command: string): Promise<string> => {
      const client = await EslTestClient.connect(port);
      await client.command('auth ClueCon');
      const reply = bodyText(await client.command(command));
      client.close();
      return reply;
    };
    expect(await ask('api global_getvar core_uuid')).toBe('11111111-2222-4333-8444-555555555555');
    sim.restart({ coreUuid: '66666666-7777-4888-8999-000000000000' });
    expect(await ask('api global_getvar core_uuid')).toBe('66666666-7777-4888-8999-000000000000');
    expect(await ask('api global_getvar switchname')).toBe('-ERR no reply\n');
  });

  it('refuses cluster options that cannot work (SIM_BAD_CONFIG); a closed node frees its address', async () => {
    const network = new SipNetwork();
    expect(() => new FreeSwitchSimulator({ clusterSipAddress: '10.0.0.1' })).toThrow(expect.objectContaining({ code: 'SIM_BAD_CONFIG' }));
    expect(() => new FreeSwitchSimulator({ sipNetwork: network })).toThrow(expect.objectContaining({ code: 'SIM_BAD_CONFIG' }));
    const first = new FreeSwitchSimulator({ sipNetwork: network, clusterSipAddress: NODE1 });
    expect(() => new FreeSwitchSimulator({ sipNetwork: network, clusterSipAddress: NODE1 })).toThrow(expect.objectContaining({ code: 'SIM_BAD_CONFIG' }));
    await first.close();
    const second = new FreeSwitchSimulator({ sipNetwork: network, clusterSipAddress: NODE1 });
    expect(network.endpointAt(NODE1)).toBeDefined();
    await second.close();
  });
});
