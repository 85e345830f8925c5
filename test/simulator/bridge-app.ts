/**
 * The `bridge` application: originates one outbound leg per dial-string target, lets the phones
 * ring (180 after the configured delay; they answer only when the test says so) — or, for
 * `sofia/cluster/…`, sends the INVITE to another simulated node — then bridges the winner: the first
 * leg answered, else the first with early media (FreeSWITCH's early_ok; capture 15b bridges on a 183).
 * The losers are cancelled the way switch_ivr_originate.c does (LOSE_RACE / NO_ANSWER, ORIGINATOR_CANCEL
 * when the caller goes away or is taken out by intercept/transfer). When no leg wins, or a bridged leg
 * ends without having answered, switch_channel_handle_cause decides whether the caller hangs up too.
 */
import type { Application } from './applications.ts';
import { connectBridge, stayBridged } from './bridging.ts';
import type { Channel } from './channel.ts';
import { CLUSTER_PROFILE } from './cluster-profile.ts';
import { parseDialString, type DialLeg } from './dial-string.ts';
import { continuesAfterFailure } from './hangup-causes.ts';
import { createOutbound } from './leg-factory.ts';
import type { SwitchCore } from './switch-core.ts';

/** The bridge application. */
export const bridgeApplication: Application = {
  needsMedia: false,
  async run({ core, channel: caller, running }) {
    const dial = parseDialString(running.arg);
    const legs = dial.legs.flatMap((leg) => dialLeg(core, caller, leg, dial.globals) ?? []);
    if (legs.length === 0) {
      core.hangup(caller, 'CHAN_NOT_IMPLEMENTED');
      return;
    }
    const last = legs[legs.length - 1]!;
    caller.variables.set('originate_signal_bond', last.uuid);
    const described = legs.map((leg) => `${leg.uuid};Outbound Call;${leg.profile.destinationNumber}`);
    caller.variables.set('originated_legs', legs.length === 1 ? described[0]! : `ARRAY::${described.join('|:')}`);
    for (const leg of legs) {
      if (!leg.signalling) setTimeout(() => ringPhone(core, leg), core.options.ringDelayMs);
    }

    // Like switch_ivr_originate's loop: poll the legs each tick, pass ringing on to the caller once.
    let winner: Channel | undefined;
    while (caller.alive && !caller.interrupted && legs.some((leg) => leg.alive) && !winner) {
      await core.idle(caller);
      winner = legs.find((leg) => leg.alive && leg.answered) ?? legs.find((leg) => leg.alive && leg.answerState === 'early');
      const rang = legs.some((leg) => leg.times.progress > 0);
      if (rang && caller.alive && !caller.interrupted && caller.times.progress === 0 && !caller.answered) core.markRinging(caller);
    }
    if (winner && caller.alive && !caller.interrupted) {
      await bridgeWinner(core, caller, winner, legs);
      return;
    }
    if (!caller.alive || caller.interrupted) {
      caller.variables.set('originate_disposition', 'ORIGINATOR_CANCEL');
      for (const leg of legs) {
        if (leg.alive && !leg.pendingBridge && !leg.bridge) core.hangup(leg, 'ORIGINATOR_CANCEL');
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

// The phone behind a leg sends its 180 after ringDelayMs.
function ringPhone(core: SwitchCore, leg: Channel): void {
  if (leg.alive && leg.answerState === 'ringing') core.markRinging(leg);
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

/**
 * Creates the outbound channel for one dial-string leg: `user/<user>@<domain>` (directory lookup;
 * dialed_user, dialed_domain, presence_id and dial-var params on the leg) or `sofia/<profile>/<uri>`.
 */
function dialLeg(core: SwitchCore, caller: Channel, leg: DialLeg, globals: Readonly<Record<string, string>>): Channel | undefined {
  const user = /^user\/([^@]+)@(.+)$/.exec(leg.endpoint);
  if (user) {
    const [, name, domain] = user as unknown as [string, string, string];
    const entry = core.options.directory.lookup(name, domain);
    const inner = parseDialString(entry.dialString);
    const target = inner.legs[0];
    if (!target) return undefined;
    caller.variables.set('dialed_user', name);
    caller.variables.set('dialed_domain', domain);
    return dialSofia(core, caller, target.endpoint, {
      dialed_user: name,
      dialed_domain: domain,
      domain_name: domain,
      presence_id: `${name}@${domain}`,
      ...entry.dialVariables,
      ...globals,
      ...inner.globals,
      ...target.variables,
      ...leg.variables,
    });
  }
  return dialSofia(core, caller, leg.endpoint, { ...globals, ...leg.variables });
}

function dialSofia(core: SwitchCore, caller: Channel, endpoint: string, variables: Record<string, string>): Channel | undefined {
  const sofia = /^sofia\/([^/]+)\/(?:sips?:)?([^;]+)/.exec(endpoint);
  if (!sofia) return undefined;
  const [, profile, target] = sofia as unknown as [string, string, string];
  const [destination = '', host = ''] = target.split('@');
  const leg = createOutbound(core, {
    name: `sofia/${profile}/${target}`,
    endpoint: 'sofia',
    originator: caller,
    callerIdName: variables['origination_caller_id_name'] ?? caller.profile.callerIdName,
    callerIdNumber: variables['origination_caller_id_number'] ?? caller.profile.callerIdNumber,
    destination,
    context: caller.profile.context,
    calleeIdName: 'Outbound Call',
    calleeIdNumber: destination,
    variables: {
      sip_profile_name: profile,
      sofia_profile_name: profile,
      sip_req_uri: target,
      sip_to_user: destination,
      sip_to_host: host,
      ...(profile === CLUSTER_PROFILE ? core.options.cluster.outboundVariables(destination, host) : {}),
      ...variables,
    },
  });
  if (profile === CLUSTER_PROFILE) core.options.cluster.invite(core, leg, destination, host);
  return leg;
}
