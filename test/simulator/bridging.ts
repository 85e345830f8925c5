/**
 * Bridges: `switch_ivr_uuid_bridge` (intercept, uuid_transfer) and the plain two-leg bridge of the
 * `bridge` app. CHANNEL_BRIDGE/UNBRIDGE fire on side a (the originator) only, as in the captures.
 */
import { randomUUID } from 'node:crypto';
import { applicationHeaders, type BridgeLink, type Channel, type RunningApp } from './channel.ts';
import { nowMicros } from './sim-event.ts';
import type { SwitchCore } from './switch-core.ts';
import { sleep } from './timing.ts';

/**
 * `switch_ivr_uuid_bridge(originator, originatee)`: links both legs at once (signal_bond,
 * Other-Leg, the originatee's call uuid becomes the originator's), then both leave what they do,
 * go CS_HIBERNATE → CS_RESET → CS_SOFT_EXECUTE and meet; CHANNEL_BRIDGE fires on the originator.
 */
export function uuidBridge(core: SwitchCore, originator: Channel, originatee: Channel): void {
  const epoch = Math.floor(Date.now() / 1000);
  for (const [self, peer] of [[originator, originatee], [originatee, originator]] as const) {
    self.variables.set('bridge_channel', peer.name);
    self.variables.set('bridge_uuid', peer.uuid);
    self.variables.set('signal_bond', peer.uuid);
    self.variables.set('transfer_history', `${epoch}:${self.uuid}:uuid_br:${peer.uuid}`);
    self.profile = { ...self.profile, transferSource: `${epoch}:${self.uuid}:uuid_br:${peer.uuid}`, profileIndex: self.profile.profileIndex + 1 };
  }
  originator.other = { type: 'originatee', channel: originatee };
  originatee.other = { type: 'originator', channel: originator };
  originatee.callUuid = originator.uuid;
  originatee.variables.set('call_uuid', originator.uuid);
  originator.pendingBridge = { peer: originatee, side: 'a', kind: 'uuid_bridge' };
  originatee.pendingBridge = { peer: originator, side: 'b', kind: 'uuid_bridge' };
  core.activate(originator);
  core.activate(originatee);
}

/** Connects two legs: CHANNEL_BRIDGE on side a, side b goes CS_EXCHANGE_MEDIA. */
export function connectBridge(core: SwitchCore, a: Channel, b: Channel, kind: BridgeLink['kind']): void {
  const now = nowMicros();
  a.bridge = { peer: b, side: 'a', kind };
  b.bridge = { peer: a, side: 'b', kind };
  a.times.bridged = now;
  b.times.bridged = now;
  core.fireChannel('CHANNEL_BRIDGE', a, [
    ['Bridge-A-Unique-ID', a.uuid],
    ['Bridge-B-Unique-ID', b.uuid],
  ]);
  core.setState(b, 'CS_EXCHANGE_MEDIA');
}

/**
 * Waits while the channel is bridged, reading messages; leaves the bridge on a transfer. An early-media
 * bridge turns into an answered one when the peer answers (audio_bridge_thread answers side a).
 */
export async function stayBridged(core: SwitchCore, channel: Channel): Promise<void> {
  while (channel.alive && channel.bridge && !channel.interrupted) {
    if (channel.bridge.side === 'a' && channel.bridge.peer.answered && !channel.answered) core.answer(channel);
    await core.idle(channel);
  }
  if (channel.alive && channel.bridge) breakBridge(core, channel);
}

/**
 * The thread of a leg with a pending uuid_bridge: the state walk, the meeting, the bridge, what follows.
 * Fast timing: whichever leg arrives second meets the other at once. Real timing (captures 16a, 16b,
 * 17): the originatee is ready bridgeSettleMs after its state walk, and only the originator meets it,
 * on its own poll (its first look one poll after it arrived).
 */
export async function runUuidBridge(core: SwitchCore, channel: Channel): Promise<void> {
  const link = channel.pendingBridge!;
  channel.pendingBridge = undefined;
  // A leg taken out of a uuid_bridge it held (still CS_SOFT_EXECUTE) shows no CS_HIBERNATE (09e: the member stolen from its agent).
  const states = channel.state === 'CS_SOFT_EXECUTE' ? (['CS_RESET', 'CS_SOFT_EXECUTE'] as const) : (['CS_HIBERNATE', 'CS_RESET', 'CS_SOFT_EXECUTE'] as const);
  for (const state of states) {
    if (channel.alive) core.setState(channel, state);
  }
  const { bridgeSettleMs, channelPollMs } = core.options.timing;
  if (link.side === 'b' && bridgeSettleMs > 0) await sleep(bridgeSettleMs);
  if (!channel.alive) return;
  const polled = channelPollMs !== undefined;
  if (!polled && link.peer.awaitingBridgeWith === channel) {
    link.peer.awaitingBridgeWith = undefined;
    meet(core, link.side === 'a' ? channel : link.peer, link.side === 'a' ? link.peer : channel);
  } else {
    channel.awaitingBridgeWith = link.peer;
    while (channel.alive && channel.awaitingBridgeWith && link.peer.alive && !channel.interrupted) {
      await core.tick(channel);
      if (polled && link.side === 'a' && channel.awaitingBridgeWith && link.peer.awaitingBridgeWith === channel) {
        link.peer.awaitingBridgeWith = undefined;
        channel.awaitingBridgeWith = undefined;
        meet(core, channel, link.peer);
      }
    }
    channel.awaitingBridgeWith = undefined;
  }
  await stayBridged(core, channel);
  if (channel.alive && !channel.interrupted) afterBridge(core, channel);
}

function meet(core: SwitchCore, originator: Channel, originatee: Channel): void {
  // 02c: an outbound leg that never answered cannot take part in a bridge: it dies, and the picker with it.
  if (originatee.direction === 'outbound' && originatee.answerState === 'ringing') {
    core.hangup(originatee, 'DESTINATION_OUT_OF_ORDER');
    core.hangup(originator, 'ORIGINATOR_CANCEL');
    return;
  }
  core.fireChannel('CHANNEL_EXECUTE', originator, [], applicationHeaders(uuidBridgeApp(originatee), false));
  core.fireChannel('CHANNEL_EXECUTE', originatee, [], applicationHeaders(uuidBridgeApp(originator), false));
  connectBridge(core, originator, originatee, 'uuid_bridge');
  originator.wakeup.wake();
  originatee.wakeup.wake();
}

/** After a bridge ended by the other side: hang up (hangup_after_bridge) or go on with the dialplan. */
function afterBridge(core: SwitchCore, channel: Channel): void {
  if (channel.variables.get('hangup_after_bridge') === 'true') core.hangup(channel, 'NORMAL_CLEARING');
  else core.enterExecute(channel);
}

// A transfer breaks the bridge: signal_bond goes on both legs, the originator forgets its Other-Leg (08).
function breakBridge(core: SwitchCore, channel: Channel): void {
  const link = channel.bridge!;
  channel.bridge = undefined;
  link.peer.bridge = undefined;
  channel.variables.delete('signal_bond');
  link.peer.variables.delete('signal_bond');
  const originator = link.side === 'a' ? channel : link.peer;
  originator.other = undefined;
  core.fireChannel('CHANNEL_UNBRIDGE', originator);
  link.peer.wakeup.wake();
}

function uuidBridgeApp(peer: Channel): RunningApp {
  return { app: 'uuid_bridge', arg: peer.uuid, uuid: randomUUID(), response: '_none_', completed: true };
}
