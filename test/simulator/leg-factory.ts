/**
 * Creates channels the way their FreeSWITCH endpoints do, with the creation events of the captures:
 * - SIP inbound (a phone calls in): STATE CS_NEW, STATE CS_INIT, CREATE, then routing;
 * - outbound (sofia leg of a bridge, or loopback -a): [UUID], OUTGOING, STATE CS_INIT, CREATE,
 *   ORIGINATE, STATE CS_ROUTING, STATE CS_CONSUME_MEDIA;
 * - loopback -b (inbound half of a pair): STATE CS_INIT, CREATE, then routing.
 */
import { randomUUID } from 'node:crypto';
import { Channel, setVariables, type CallerProfile, type Endpoint } from './channel.ts';
import { nowMicros } from './sim-event.ts';
import type { SwitchCore } from './switch-core.ts';

const LOOPBACK_CODEC = { name: 'L16', rate: '8000', bitRate: '128000' } as const;

/** Caller id and routing data of a new channel. */
export interface CallerIdentity {
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  readonly destination: string;
  readonly context?: string;
}

function makeProfile(identity: CallerIdentity, source: string, extra: Partial<CallerProfile>, created: number): CallerProfile {
  return {
    dialplan: 'XML',
    callerIdName: identity.callerIdName,
    callerIdNumber: identity.callerIdNumber,
    origCallerIdName: identity.callerIdName,
    origCallerIdNumber: identity.callerIdNumber,
    ani: identity.callerIdNumber,
    destinationNumber: identity.destination,
    source,
    context: identity.context ?? 'default',
    profileIndex: 1,
    profileCreated: created,
    ...extra,
  };
}

function newChannel(uuid: string, name: string, direction: 'inbound' | 'outbound', endpoint: Endpoint, profile: CallerProfile, created: number): Channel {
  const channel = new Channel({ uuid, name, direction, endpoint, profile, createdAt: created });
  channel.hitDialplan = direction === 'inbound';
  return channel;
}

/** A SIP phone (or node) calling in; `user`/`domain` only when it authenticated (digest). */
export interface SipInboundSpec extends CallerIdentity {
  /** The receiving SIP profile: `internal` (phones, the default) or `cluster` (other nodes). */
  readonly profile?: string;
  readonly fromUser: string;
  readonly fromHost: string;
  readonly networkIp?: string;
  readonly networkPort?: number;
  readonly authenticated?: { readonly user: string; readonly domain: string };
  /** Extension headers of the INVITE (`X-…`): mod_sofia keeps them as `sip_h_X-…` variables. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly variables?: Readonly<Record<string, string>>;
}

/**
 * Creates an inbound sofia channel up to CHANNEL_CREATE; route it with `core.route`. Its variables
 * come in the order mod_sofia sets them (16a's channel data): the INVITE's, then — for a phone that
 * answered the digest challenge — a copy of the directory lookup's REQUEST_PARAMS event and the
 * user's, then the rest of the INVITE (SDP offer included).
 */
export function createSipInbound(core: SwitchCore, spec: SipInboundSpec): Channel {
  const created = nowMicros();
  const uuid = randomUUID();
  const ip = spec.networkIp ?? '127.0.0.1';
  const port = String(spec.networkPort ?? 5060);
  const sipProfile = spec.profile ?? 'internal';
  const name = `sofia/${sipProfile}/${spec.fromUser}@${spec.fromHost}`;
  const profile = makeProfile(spec, 'mod_sofia', { username: spec.fromUser, networkAddr: ip }, created);
  const channel = newChannel(uuid, name, 'inbound', 'sofia', profile, created);
  channel.variables.set('direction', 'inbound');
  channel.variables.set('uuid', uuid);
  core.register(channel);
  const domain = spec.authenticated?.domain ?? spec.fromHost;
  const fromTag = randomUUID().slice(0, 8);
  setVariables(channel, {
    sip_from_user: spec.fromUser,
    sip_from_uri: `${spec.fromUser}@${spec.fromHost}`,
    sip_from_host: spec.fromHost,
    video_media_flow: 'disabled',
    audio_media_flow: 'disabled',
    text_media_flow: 'disabled',
    channel_name: name,
    sip_call_id: `${randomUUID()}@${ip}`,
    sip_local_network_addr: '127.0.0.1',
    sip_network_ip: ip,
    sip_network_port: port,
    sip_invite_stamp: String(created),
    sip_received_ip: ip,
    sip_received_port: port,
    sip_via_protocol: 'udp',
  });
  if (spec.authenticated) {
    const { user } = spec.authenticated;
    channel.variables.set('sip_authorized', 'true');
    const lookup = core.options.stamper.coreHeaders('REQUEST_PARAMS', ['sofia.c', 'sofia_handle_sip_i_invite', 10735]);
    for (const [header, value] of lookup) channel.variables.set(header, value);
    setVariables(channel, {
      sip_number_alias: user,
      sip_auth_username: user,
      sip_auth_realm: domain,
      number_alias: user,
      requested_user_name: user,
      requested_domain_name: domain,
      user_context: spec.context ?? 'default',
      effective_caller_id_number: spec.callerIdNumber,
      effective_caller_id_name: spec.callerIdName,
      user_name: user,
      domain_name: domain,
    });
  }
  setVariables(channel, {
    sip_from_user_stripped: spec.fromUser,
    sip_from_tag: fromTag,
    sofia_profile_name: sipProfile,
    sofia_profile_url: `sip:mod_sofia@127.0.0.1:5060`,
    recovery_profile_name: sipProfile,
    sip_full_via: `SIP/2.0/UDP ${ip}:${port};branch=z9hG4bK-${fromTag}`,
    sip_from_display: spec.callerIdName,
    sip_full_from: `"${spec.callerIdName}" <sip:${spec.fromUser}@${spec.fromHost}>;tag=${fromTag}`,
    sip_full_to: `<sip:${spec.destination}@${domain}>`,
    sip_req_user: spec.destination,
    sip_req_uri: `${spec.destination}@${domain}`,
    sip_req_host: domain,
    sip_to_user: spec.destination,
    sip_to_uri: `${spec.destination}@${domain}`,
    sip_to_host: domain,
    sip_contact_user: spec.fromUser,
    sip_contact_port: port,
    sip_contact_uri: `${spec.fromUser}@${ip}:${port}`,
    sip_contact_host: ip,
    rtp_use_codec_string: 'PCMU,PCMA',
    sip_via_host: ip,
    sip_via_port: port,
    max_forwards: '70',
    ...(spec.authenticated ? { presence_id: `${spec.authenticated.user}@${domain}` } : {}),
    switch_r_sdp: `v=0\r\no=phone 1 1 IN IP4 ${ip}\r\ns=-\r\nc=IN IP4 ${ip}\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`,
    ep_codec_string: 'CORE_PCM_MODULE.PCMU@8000h@20i@64000b',
    endpoint_disposition: 'DELAYED NEGOTIATION',
    call_uuid: uuid,
    ...Object.fromEntries(Object.entries(spec.headers ?? {}).map(([header, value]) => [`sip_h_${header}`, value])),
    ...spec.variables,
  });
  core.setState(channel, 'CS_NEW');
  core.setState(channel, 'CS_INIT');
  core.fireChannel('CHANNEL_CREATE', channel);
  return channel;
}

/** An outbound leg to create: its name and what its profile and variables say. */
export interface OutboundSpec extends CallerIdentity {
  readonly name: string;
  readonly endpoint: Endpoint;
  readonly uuid?: string;
  readonly calleeIdName?: string;
  readonly calleeIdNumber?: string;
  /** The channel that originates it (the bridge's A leg); none for an API originate. */
  readonly originator?: Channel;
  readonly variables: Readonly<Record<string, string>>;
}

/** Creates an outbound channel through CS_CONSUME_MEDIA (it then waits for the far end). */
export function createOutbound(core: SwitchCore, spec: OutboundSpec): Channel {
  const created = nowMicros();
  const uuid = spec.uuid ?? randomUUID();
  const profile = makeProfile(
    spec,
    spec.endpoint === 'sofia' ? 'mod_sofia' : 'mod_loopback',
    {
      dialplan: spec.endpoint === 'sofia' ? 'XML' : 'xml',
      calleeIdName: spec.calleeIdName,
      calleeIdNumber: spec.calleeIdNumber,
      // The outbound profile is a clone of the caller's: a phone's call shows its user on every leg (07b: Caller-Username).
      ...(spec.originator?.profile.username === undefined ? {} : { username: spec.originator.profile.username }),
    },
    created,
  );
  const channel = newChannel(uuid, spec.name, 'outbound', spec.endpoint, profile, created);
  channel.state = 'CS_NONE';
  if (spec.endpoint === 'loopback') channel.codec = LOOPBACK_CODEC;
  channel.variables.set('direction', 'outbound');
  channel.variables.set('is_outbound', 'true');
  channel.variables.set('uuid', uuid);
  core.register(channel);
  channel.variables.set('channel_name', spec.name);
  if (spec.originator) {
    channel.other = { type: 'originator', channel: spec.originator };
    channel.callUuid = spec.originator.uuid;
    setVariables(channel, {
      originator: spec.originator.uuid,
      signal_bond: spec.originator.uuid,
      call_uuid: spec.originator.uuid,
      originating_leg_uuid: spec.originator.uuid,
    });
  } else {
    channel.variables.set('call_uuid', uuid);
  }
  setVariables(channel, spec.variables);
  if (spec.uuid) core.fireChannel('CHANNEL_UUID', channel, [['Old-Unique-ID', randomUUID()]]);
  core.fireChannel('CHANNEL_OUTGOING', channel);
  core.setState(channel, 'CS_INIT');
  core.fireChannel('CHANNEL_CREATE', channel);
  core.fireChannel('CHANNEL_ORIGINATE', channel);
  core.setState(channel, 'CS_ROUTING');
  core.setState(channel, 'CS_CONSUME_MEDIA');
  return channel;
}

/** A mod_loopback pair: `loopback/<dest>-a` (outbound, the "phone") and `-b` (inbound, runs the dialplan). */
export interface LoopbackPair {
  readonly a: Channel;
  readonly b: Channel;
}

/**
 * Creates both halves; route the -b leg (dialplan or a program). Dialled by a bridge (`originator`), the -a leg
 * is that call's outbound leg and the -b leg gets the dial string's variables too (mod_loopback channel_on_init:
 * `__loopback_vars__`).
 */
export function createLoopbackPair(
  core: SwitchCore,
  identity: CallerIdentity,
  variables: Readonly<Record<string, string>>,
  originator?: Channel,
): LoopbackPair {
  const context = identity.context ?? 'default';
  const a = createOutbound(core, {
    ...identity,
    name: `loopback/${identity.destination}-a`,
    endpoint: 'loopback',
    uuid: variables['origination_uuid'],
    calleeIdName: 'Outbound Call',
    calleeIdNumber: context,
    ...(originator ? { originator } : {}),
    variables,
  });
  const created = nowMicros();
  const bUuid = randomUUID();
  const bName = `loopback/${identity.destination}-b`;
  const profile = makeProfile(identity, 'mod_loopback', { dialplan: 'xml', calleeIdName: 'Outbound Call', calleeIdNumber: context }, created);
  const b = newChannel(bUuid, bName, 'inbound', 'loopback', profile, created);
  b.codec = LOOPBACK_CODEC;
  b.variables.set('direction', 'inbound');
  b.variables.set('uuid', bUuid);
  core.register(b);
  if (originator) setVariables(b, variables);
  setVariables(b, { channel_name: bName, other_loopback_leg_uuid: a.uuid, loopback_leg: 'B', call_uuid: bUuid });
  a.variables.set('other_loopback_leg_uuid', bUuid);
  a.variables.set('loopback_leg', 'A');
  a.loopbackPartner = b;
  b.loopbackPartner = a;
  core.setState(b, 'CS_INIT');
  core.fireChannel('CHANNEL_CREATE', b);
  return { a, b };
}
