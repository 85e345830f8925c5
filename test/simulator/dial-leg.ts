/**
 * The outbound legs of one dial-string target, as switch_ivr_originate creates them: `user/<user>@<domain>`
 * (directory lookup; every leg of the user's dial-string — several registrations, a follow-me leg — with
 * dialed_user, dialed_domain, presence_id and dial-var params: mod_dptools user_outgoing_channel passes them
 * to its own originate), `sofia/<profile>/<uri>` (a `sofia/cluster/…` leg sends its INVITE to another
 * simulated node) or `loopback/<destination>[/<context>]` (mod_loopback: the -a leg is the outbound leg,
 * the -b leg gets the same variables and runs the dialplan).
 * Used by the `bridge` app (with the caller as originator) and by mod_callcenter (no originator).
 */
import type { Channel } from './channel.ts';
import { CLUSTER_PROFILE } from './cluster-profile.ts';
import { parseDialString, type DialLeg } from './dial-string.ts';
import { createLoopbackPair, createOutbound } from './leg-factory.ts';
import type { SwitchCore } from './switch-core.ts';

/** Who a new leg is dialled for: its caller id and context, and the session that originates it (if any). */
export interface LegOrigin {
  /** The bridge's A leg: Other-Leg, signal_bond, call uuid; it also gets dialed_user/dialed_domain. */
  readonly originator?: Channel;
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  readonly context: string;
}

/** The origin of legs a channel dials itself (the bridge app). */
export function originOf(caller: Channel): LegOrigin {
  return { originator: caller, callerIdName: caller.profile.callerIdName, callerIdNumber: caller.profile.callerIdNumber, context: caller.profile.context };
}

/** Creates the outbound channels for one dial-string leg; none when the endpoint is not modelled. */
export function dialLeg(core: SwitchCore, origin: LegOrigin, leg: DialLeg, globals: Readonly<Record<string, string>>): Channel[] {
  const user = /^user\/([^@]+)@(.+)$/.exec(leg.endpoint);
  if (user) {
    const [, name, domain] = user as unknown as [string, string, string];
    const entry = core.options.directory.lookup(name, domain);
    const inner = parseDialString(entry.dialString);
    origin.originator?.variables.set('dialed_user', name);
    origin.originator?.variables.set('dialed_domain', domain);
    const variables = { dialed_user: name, dialed_domain: domain, domain_name: domain, presence_id: `${name}@${domain}`, ...entry.dialVariables, ...globals, ...inner.globals };
    return inner.legs.flatMap((target) => dialEndpoint(core, origin, target.endpoint, { ...variables, ...target.variables, ...leg.variables }));
  }
  return dialEndpoint(core, origin, leg.endpoint, { ...globals, ...leg.variables });
}

/** The phone behind a new leg sends its 180 after ringDelayMs (and never answers by itself); a loopback leg rings when its -b leg does. */
export function ringLater(core: SwitchCore, leg: Channel): void {
  if (leg.endpoint === 'loopback') return;
  setTimeout(() => {
    if (leg.alive && leg.answerState === 'ringing') core.markRinging(leg);
  }, core.options.ringDelayMs);
}

function dialEndpoint(core: SwitchCore, origin: LegOrigin, endpoint: string, variables: Record<string, string>): Channel[] {
  const loopback = /^loopback\/([^/]+)(?:\/([^/]+))?$/.exec(endpoint);
  if (!loopback) {
    const leg = dialSofia(core, origin, endpoint, variables);
    return leg ? [leg] : [];
  }
  const [, destination = '', context = origin.context] = loopback;
  const pair = createLoopbackPair(core, { callerIdName: origin.callerIdName, callerIdNumber: origin.callerIdNumber, destination, context }, variables, origin.originator);
  core.route(pair.b);
  return [pair.a];
}

function dialSofia(core: SwitchCore, origin: LegOrigin, endpoint: string, variables: Record<string, string>): Channel | undefined {
  const sofia = /^sofia\/([^/]+)\/(?:sips?:)?([^;]+)/.exec(endpoint);
  if (!sofia) return undefined;
  const [, profile, target] = sofia as unknown as [string, string, string];
  const [destination = '', host = ''] = target.split('@');
  const leg = createOutbound(core, {
    name: `sofia/${profile}/${target}`,
    endpoint: 'sofia',
    ...(origin.originator ? { originator: origin.originator } : {}),
    callerIdName: variables['origination_caller_id_name'] ?? origin.callerIdName,
    callerIdNumber: variables['origination_caller_id_number'] ?? origin.callerIdNumber,
    destination,
    context: origin.context,
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
