/**
 * The `bridge` application: originates one outbound leg per dial-string target, lets the phones
 * ring (180 after the configured delay; they answer only when the test says so) — or, for
 * `sofia/cluster/…`, sends the INVITE to another simulated node — then bridges the winner: the first
 * leg answered, else the first with early media (FreeSWITCH's early_ok; capture 15b bridges on a 183).
 * The losers are cancelled the way switch_ivr_originate.c does (LOSE_RACE / NO_ANSWER, ORIGINATOR_CANCEL
 * when the caller goes away or is taken out by intercept/transfer). When no leg wins, or a bridged leg
 * ends without having answered, switch_channel_handle_cause decides whether the caller hangs up too.
 * An empty argument does nothing (audio_bridge_function: `if (zstr(data)) return;`). Messages queued
 * on the caller while its legs ring are not read until the originate is over (16g: a sendmsg to a
 * ringing A leg ran only when an intercept took it out of its bridge).
 */
import type { Application } from './applications.ts';
import { connectBridge, stayBridged } from './bridging.ts';
import { type Channel, EXPORT_VARS } from './channel.ts';
import { dialLeg, originOf, ringLater } from './dial-leg.ts';
import { parseDialString } from './dial-string.ts';
import { continuesAfterFailure } from './hangup-causes.ts';
import type { SwitchCore } from './switch-core.ts';
import { sleep } from './timing.ts';

/** The bridge application. */
export const bridgeApplication: Application = {
  needsMedia: false,
  async run({ core, channel: caller, running }) {
    if (running.arg.trim() === '') return;
    const originateMs = core.options.timing.originateMs;
    if (originateMs > 0) await sleep(originateMs);
    const dial = parseDialString(running.arg);
    // The caller's exported variables go to every leg, below the dial string's own.
    const exported = Object.fromEntries((caller.variables.get(EXPORT_VARS) ?? '').split(',').flatMap((name) => {
      const value = caller.variables.get(name);
      return name !== '' && value !== undefined ? [[name, value]] : [];
    }));
    const legs = dial.legs.flatMap((leg) => dialLeg(core, originOf(caller), leg, { ...exported, ...dial.globals }));
    if (legs.length === 0) {
      core.hangup(caller, 'CHAN_NOT_IMPLEMENTED');
      return;
    }
    const last = legs[legs.length - 1]!;
    caller.variables.set('originate_signal_bond', last.uuid);
    const described = legs.map((leg) => `${leg.uuid};Outbound Call;${leg.profile.destinationNumber}`);
    caller.variables.set('originated_legs', legs.length === 1 ? described[0]! : `ARRAY::${described.join('|:')}`);
    for (const leg of legs) {
      if (!leg.signalling) ringLater(core, leg);
    }

    // Like switch_ivr_originate's loop: poll the legs each tick, pass ringing on to the caller once.
    let winner: Channel | undefined;
    while (caller.alive && !caller.interrupted && legs.some((leg) => leg.alive) && !winner) {
      await core.tick(caller);
      winner = legs.find((leg) => leg.alive && leg.answered) ?? legs.find((leg) => leg.alive && leg.answerState === 'early');
      const rang = legs.some((leg) => leg.times.progress > 0);
      if (rang && caller.alive && !caller.interrupted && caller.times.progress === 0 && !caller.answered) core.markRinging(caller);
    }
    if (caller.messages.length > 0) await core.processMessages(caller, () => caller.alive);
    if (winner && caller.alive && !caller.interrupted) {
      await bridgeWinner(core, caller, winner, legs);
      return;
    }
    if (!caller.alive || caller.interrupted) {
      caller.variables.set('originate_disposition', 'ORIGINATOR_CANCEL');
      for (const leg of legs) {
        // A leg a uuid_bridge took (pending, in CS_SOFT_EXECUTE waiting for its peer, or bridged) is not ours to cancel.
        if (leg.alive && !leg.pendingBridge && leg.state !== 'CS_SOFT_EXECUTE' && !leg.bridge) core.hangup(leg, 'ORIGINATOR_CANCEL');
      }
      return;
    }
    // Every leg failed: the (last) callee's cause decides.
    const cause = last.hangupCause ?? 'NO_ANSWER';
    caller.variables.set('originate_disposition', cause);
    caller.variables.set('DIALSTATUS', cause);
    caller.variables.set('originate_failed_cause', cause);
    handleCause(core, caller, cause);
  },
};

/** switch_channel_handle_cause: the caller hangs up with the failure's cause unless it continues (continue_on_fail). */
function handleCause(core: SwitchCore, caller: Channel, cause: string): void {
  if (!continuesAfterFailure(caller.variables.get('continue_on_fail'), cause)) core.hangup(caller, cause);
}

async function bridgeWinner(core: SwitchCore, caller: Channel, winner: Channel, legs: readonly Channel[]): Promise<void> {
  for (const loser of legs) {
    if (loser !== winner && loser.alive) core.hangup(loser, legs.length > 1 ? 'LOSE_RACE' : 'NO_ANSWER');
  }
  // An answered winner answers the caller; early media only pre-answers it (15b: 183 to the phone).
  if (winner.answered) core.answer(caller);
  else core.preAnswer(caller);
  caller.other = { type: 'originatee', channel: winner };
  caller.variables.set('signal_bond', winner.uuid);
  caller.variables.set('bridge_uuid', winner.uuid);
  caller.variables.set('originate_disposition', 'SUCCESS');
  caller.variables.set('DIALSTATUS', 'SUCCESS');
  // A leg answered without early media is announced once more (16c's 205 leg; not 15's or 17's, which had a 183 first).
  if (winner.answered && winner.times.progressMedia === 0) core.fireChannel('CHANNEL_OUTGOING', winner);
  connectBridge(core, caller, winner, 'bridge');
  await stayBridged(core, caller);
  if (!caller.alive || caller.interrupted) return;
  const cause = winner.hangupCause ?? 'NORMAL_CLEARING';
  if (!winner.alive) {
    caller.variables.set('bridge_hangup_cause', cause);
    caller.variables.set('last_bridge_hangup_cause', cause);
  }
  // switch_ivr_multi_threaded_bridge: a peer that never answered is a failure (15b: P ends with the
  // far node's NO_ROUTE_DESTINATION); after an answer only hangup_after_bridge ends the caller (15c/15h).
  if (!winner.answered) handleCause(core, caller, cause);
  else if (caller.variables.get('hangup_after_bridge') === 'true') core.hangup(caller, cause);
}
