/**
 * FreeSwitchSimulator: a TCP server speaking FreeSWITCH's inbound event socket, over a small channel
 * model (switch-core.ts) routed by the product's XML dialplan (freeswitch-conf/) after the test's own
 * extensions; its `socket` application connects out to controllers. The test-facing methods play the
 * phones: callers, ringing phones that answer on demand, and the picker's phone dialling the pickup
 * code. Simulators sharing a SipNetwork are the nodes of a cluster, reaching each other through their
 * SIP profile `cluster`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { BlfPresence, type BlfNotify, type BlfSubscribeOptions } from './blf-presence.ts';
import type { CallCenterQueue, QueueStrategy } from './callcenter.ts';
import type { AppCall, Channel, ChannelSnapshot, ChannelState } from './channel.ts';
import { setVariables, snapshotOf, stateOf } from './channel.ts';
import { uuidBridge } from './bridging.ts';
import type { ReceivedCommand } from './command-reader.ts';
import { ClusterProfile, CLUSTER_PROFILE, PICKUP_CLUSTER_CONTEXT } from './cluster-profile.ts';
import { EslConnection } from './connection.ts';
import type { Dialplan } from './dialplan.ts';
import { loadProductDialplan } from './dialplan-xml.ts';
import { Directory, type DirectoryUser } from './directory.ts';
import { ChannelStateError, NoSuchChannelError, SimulatorTimeoutError } from './errors.ts';
import { floodEvent } from './flood.ts';
import { createLoopbackPair, createSipInbound } from './leg-factory.ts';
import { EventStamper, eventHeader, nowMicros, type SimEvent } from './sim-event.ts';
import { SipMessaging, type DeliveredMessage } from './sip-messaging.ts';
import type { SipNetwork } from './sip-network.ts';
import { SwitchCore } from './switch-core.ts';
import { FAST_TIMING, REAL_TIMING, sleep, type Timing } from './timing.ts';
import { eventFrame, serializeJson, serializePlain, type EventFormat } from './wire.ts';

/** Simulator settings; defaults mimic the capture lab. */
export interface SimulatorOptions {
  password?: string;
  switchname?: string;
  hostname?: string;
  coreUuid?: string;
  ipv4?: string;
  heartbeatIntervalMs?: number;
  /** How often a parked channel reads queued sendmsgs in fast timing (FreeSWITCH: 20 ms, real timing's value). */
  parkTickMs?: number;
  /** How long a called phone takes to send its 180 Ringing (default 0: at once). */
  ringDelayMs?: number;
  /**
   * Extensions searched before the product's dialplan files (freeswitch-conf/dialplan/default/00_fs_pickup.xml
   * and fs_pickup_cluster.xml), for every routed call (phones, `originate`, `uuid_transfer … XML`).
   */
  dialplan?: Dialplan;
  /**
   * 'fast' (default): every step immediate, for the test suite. 'real': FreeSWITCH's measured timing
   * (timing.ts, README "Timing mode"): 20 ms polls, uuid_bridge hand-over, phone and SIP delays, the
   * 40 ms stall of a command written in pieces.
   */
  timing?: 'fast' | 'real';
  /** How long the `socket` application waits for a controller's first command (FreeSWITCH: 25 s, fixed). */
  socketFirstCommandTimeoutMs?: number;
  /** Directory users for `user/` dial strings; others get a default ring-forever phone. */
  directory?: readonly DirectoryUser[];
  /** The SIP network shared with the other nodes of a cluster; needs `clusterSipAddress`. */
  sipNetwork?: SipNetwork;
  /** `ip:port` of this node's SIP profile `cluster` (made-up addresses are fine). */
  clusterSipAddress?: string;
  /** IPs admitted on the `cluster` profile (apply-inbound-acl); others get 403. Default: no ACL. */
  clusterAcl?: string[];
  /** Dialplan context of calls arriving on `cluster` (default `fs_pickup_cluster`, which has the product's extensions built in). */
  clusterContext?: string;
  /** mod_callcenter queues for the `callcenter <queue>` application (`enqueueMember` adds more). */
  queues?: CallCenterQueue[];
  /**
   * FreeSWITCH's own PRESENCE_IN for channels with a presence_id (switch_channel_presence: routing, answer, hangup;
   * capture 11), which BLF subscribers get as NOTIFYs. Off by default: the event streams of the other tests stay
   * as they were.
   */
  channelPresence?: boolean;
}

/** The legs of a placed call. */
export interface PlacedCall {
  aLeg: string;
  bLegs: string[];
  /** The caller's own leg when the caller is a loopback pair (`loopback/<x>-a`). */
  callerLeg?: string;
}

/** Options of `placeCall`. */
export interface PlaceCallOptions {
  domain: string;
  /** Rung at once as `user/<t>@<domain>`, unless `dialString` says what to bridge. */
  targets: string[];
  /** The bridge's whole dial string instead (`user/…`, `sofia/…`, `loopback/…`, `{}`/`[]` variables, `,`). */
  dialString?: string;
  callerNumber?: string;
  callerName?: string;
  /** `{…}` variables of the dial string: they show up on every ringing leg. */
  dialVariables?: Record<string, string>;
  /** 'sip' (default): a SIP phone calls in; 'loopback': an originated loopback pair, as in captures 01–06. */
  caller?: 'sip' | 'loopback';
  /** The SIP caller is the phone of this directory user (`ext`, in `domain`), authenticated by its digest. */
  callerUser?: string;
  /** Actions the caller's dialplan runs before the bridge (`set`, `export`, …). */
  before?: AppCall[];
  /** Actions after it (reached when the bridge fails and `continue_on_fail` lets the caller go on). */
  after?: AppCall[];
}

/** Options of `enqueueMember`: a SIP caller enters a queue whose agents' phones are `user/<extension>@<agent's domain>`. */
export interface EnqueueMemberOptions {
  /** `support@pbx.test` */
  queue: string;
  strategy: QueueStrategy;
  /** In tier order; `legTimeoutSec` makes an unanswered agent leg end ALLOTTED_TIMEOUT. */
  agents: Array<{ name: string; extension: string; legTimeoutSec?: number }>;
  callerNumber?: string;
  callerName?: string;
}

/** Options of `dialPickup`: the phone of user `extension`@`domain` dials `dialled`. */
export interface DialPickupOptions {
  extension: string;
  domain: string;
  dialled: string;
  /** Default true: the phone answered the digest challenge (sip_authorized, user_name, domain_name). */
  authenticated?: boolean;
  /** The INVITE's SDP (`switch_r_sdp`); default: plain RTP/AVP offering PCMU. */
  sdpOffer?: string;
  /** More channel variables, e.g. the directory user's `rtp_secure_media`. */
  variables?: Readonly<Record<string, string>>;
}

/**
 * Options of `sipCall`: a SIP phone dials a destination through the simulator's dialplan. With
 * `profile: 'cluster'` it is another node (or an impostor) calling the `cluster` profile from
 * `fromHost` (an IP): the ACL applies and `context`/`authenticatedDomain` do not.
 */
export interface SipCallOptions {
  /** Default 'internal' (phones). */
  profile?: 'internal' | 'cluster';
  /** Default 'anonymous'. */
  fromUser?: string;
  fromHost: string;
  /** The sender's port on `cluster` (default 5090). */
  fromPort?: number;
  destination: string;
  callerName?: string;
  context?: string;
  authenticatedDomain?: string;
  /** `X-…` headers of the INVITE; they arrive as `sip_h_X-…` variables. */
  headers?: Record<string, string>;
}

const DEFAULTS = {
  password: 'ClueCon',
  switchname: 'fslab',
  hostname: 'vm',
  ipv4: '192.0.2.2',
  heartbeatIntervalMs: 20_000,
  parkTickMs: 20,
  ringDelayMs: 0,
  socketFirstCommandTimeoutMs: 25_000,
} as const;

/** The headers that name the call an event is about: the channel itself, its originator, its call. */
const CALL_HEADERS = ['Unique-ID', 'Other-Leg-Unique-ID', 'Channel-Call-UUID'] as const;

/** A simulated FreeSWITCH node. */
export class FreeSwitchSimulator {
  readonly switchname: string;
  /**
   * Every command any client sent, in arrival order: inbound connections and the `socket`
   * application's sessions (`session` = the controlled channel), each with the TCP reads it came in.
   */
  readonly commands: ReceivedCommand[] = [];
  private readonly settings: Required<Omit<SimulatorOptions, 'coreUuid' | 'sipNetwork' | 'clusterSipAddress' | 'clusterAcl' | 'clusterContext' | 'queues' | 'timing' | 'channelPresence'>>;
  private readonly channelPresence: boolean;
  private readonly timing: Timing;
  private readonly globals: Map<string, string>;
  private readonly queues: Map<string, CallCenterQueue>;
  private readonly presence = new BlfPresence();
  private readonly messaging = new SipMessaging();
  private readonly cluster: ClusterProfile;
  private readonly server: Server;
  private readonly connections = new Set<EslConnection>();
  private readonly changeListeners = new Set<() => void>();
  /** Waits that depend on one call only: checked on that call's events (thousands of calls placed at once stay linear). */
  private readonly callListeners = new Map<string, Set<() => void>>();
  private core: SwitchCore;
  private stamper: EventStamper;
  private acceptingConnections = true;
  private nextConnectionId = 1;
  private heartbeat: NodeJS.Timeout | undefined;
  private socketCommandHook: ((command: ReceivedCommand) => Promise<void> | void) | undefined;
  private interceptRaceHook: ((targetUuid: string) => boolean) | undefined;

  constructor(options: SimulatorOptions = {}) {
    this.settings = {
      password: options.password ?? DEFAULTS.password,
      switchname: options.switchname ?? DEFAULTS.switchname,
      hostname: options.hostname ?? DEFAULTS.hostname,
      ipv4: options.ipv4 ?? DEFAULTS.ipv4,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
      parkTickMs: options.parkTickMs ?? DEFAULTS.parkTickMs,
      ringDelayMs: options.ringDelayMs ?? DEFAULTS.ringDelayMs,
      dialplan: [...(options.dialplan ?? []), ...loadProductDialplan()],
      directory: options.directory ?? [],
      socketFirstCommandTimeoutMs: options.socketFirstCommandTimeoutMs ?? DEFAULTS.socketFirstCommandTimeoutMs,
    };
    this.timing = options.timing === 'real' ? REAL_TIMING : FAST_TIMING;
    this.channelPresence = options.channelPresence ?? false;
    this.globals = new Map([['hostname', this.settings.hostname], ['local_ip_v4', '127.0.0.1']]);
    this.switchname = this.settings.switchname;
    this.queues = new Map((options.queues ?? []).map((queue) => [queue.name, queue]));
    this.cluster = new ClusterProfile(
      { network: options.sipNetwork, address: options.clusterSipAddress, acl: options.clusterAcl, context: options.clusterContext ?? PICKUP_CLUSTER_CONTEXT },
      () => this.core,
    );
    [this.core, this.stamper] = this.startProcess(options.coreUuid ?? randomUUID());
    this.server = createServer((socket) => this.accept(socket));
    this.cluster.start();
  }

  /** The Core-UUID of the current "process"; a restart changes it. */
  get coreUuid(): string {
    return this.stamper.identity.coreUuid;
  }

  /** Starts listening; resolves the bound port (0 picks a free one). */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
      this.heartbeat = setInterval(() => this.fireHeartbeat(), this.settings.heartbeatIntervalMs);
    });
  }

  /** Stops the server, drops every client and stops every channel silently; the cluster address stops answering. */
  close(): Promise<void> {
    this.cluster.stop();
    clearInterval(this.heartbeat);
    this.core.halt();
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Destroys every client socket at once, like a TCP reset. */
  dropConnections(): void {
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
  }

  /**
   * Sets a global variable, as vars.xml's `<X-PRE-PROCESS cmd="set" data="name=value"/>` or
   * `api global_setvar` would: `$${name}` in the dialplan (e.g. `fs_pickup_controllers`, the
   * `socket` application's `host:port|host:port`) and `${name}` fall back to it. It outlives restarts.
   */
  /**
   * Test hook: runs before any socket session handles a command (awaited), e.g. to answer a call in the instant
   * between a controller's claim and its intercept. `undefined` removes it.
   */
  beforeSocketCommand(hook: ((command: ReceivedCommand) => Promise<void> | void) | undefined): void {
    this.socketCommandHook = hook;
  }

  /**
   * Test hook: FreeSWITCH's intercept race (capture 18). For the intercepts whose target `loses` returns true for,
   * the target's own failing `bridge` is handled before the intercept marks it as transferred: unless its
   * `continue_on_fail` covers PICKED_OFF, the target is hung up PICKED_OFF and the answered picker
   * DESTINATION_OUT_OF_ORDER. `undefined` removes it.
   */
  interceptRace(loses: ((targetUuid: string) => boolean) | undefined): void {
    this.interceptRaceHook = loses;
  }

  setGlobal(name: string, value: string): void {
    this.globals.set(name, value);
  }

  /** false: new connections are closed as soon as they arrive. */
  setAcceptingConnections(accept: boolean): void {
    this.acceptingConnections = accept;
  }

  /** A FreeSWITCH restart: clients dropped, channels gone without events, new Core-UUID, Event-Sequence from 1. */
  restart(options: { coreUuid?: string } = {}): void {
    this.core.halt();
    this.dropConnections();
    [this.core, this.stamper] = this.startProcess(options.coreUuid ?? randomUUID());
    this.notifyChange();
  }

  /**
   * A caller calls `user/<t>@<domain>` for every target at once (simultaneous ring); resolves when
   * every ringing leg has sent its 180.
   */
  async placeCall(options: PlaceCallOptions): Promise<PlacedCall> {
    const dialVariables = Object.entries(options.dialVariables ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const dialString = `${dialVariables ? `{${dialVariables}}` : ''}${options.dialString ?? options.targets.map((t) => `user/${t}@${options.domain}`).join(',')}`;
    const program: AppCall[] = [
      { app: 'set', arg: 'hangup_after_bridge=true' },
      ...(options.before ?? []),
      { app: 'bridge', arg: dialString },
      ...(options.after ?? []),
    ];
    const callerNumber = options.callerNumber ?? '300';
    const callerName = options.callerName ?? `Caller${callerNumber}`;
    let aLeg: Channel;
    let callerLeg: string | undefined;
    if (options.caller === 'loopback') {
      const pair = createLoopbackPair(this.core, { callerIdName: callerName, callerIdNumber: callerNumber, destination: options.targets[0] ?? '' }, {
        origination_caller_id_name: callerName,
        origination_caller_id_number: callerNumber,
      });
      this.core.route(pair.b, program);
      aLeg = pair.b;
      callerLeg = pair.a.uuid;
    } else {
      aLeg = createSipInbound(this.core, {
        fromUser: options.callerUser ?? callerNumber,
        fromHost: options.domain,
        callerIdName: callerName,
        callerIdNumber: callerNumber,
        destination: options.targets[0] ?? '',
        ...(options.callerUser === undefined ? {} : { authenticated: { user: options.callerUser, domain: options.domain } }),
      });
      this.core.route(aLeg, program);
    }
    const bLegs = await this.waitUntil(
      () => {
        // The bridge lists its legs on the caller (originated_legs): looked up by uuid, not by scanning every
        // live channel on every event (that made placing 10,000 calls quadratic).
        const listed = aLeg.variables.get('originated_legs');
        if (!listed) return undefined;
        const legs = listed
          .replace(/^ARRAY::/, '')
          .split('|:')
          .flatMap((entry) => this.core.find(entry.split(';')[0] ?? '') ?? []);
        // Every leg rings (a relayed or loopback leg once its far side does); a target may have several (user/ with
        // several contacts).
        const allRing = legs.length >= Math.max(1, options.dialString ? 1 : options.targets.length) && legs.every((leg) => leg.callState === 'RINGING' || leg.callState === 'EARLY');
        return allRing && aLeg.times.progress > 0 ? legs : undefined;
      },
      'every target of the call to ring and the caller to hear it',
      5_000,
      aLeg.uuid,
    );
    return { aLeg: aLeg.uuid, bLegs: bLegs.map((leg) => leg.uuid), ...(callerLeg ? { callerLeg } : {}) };
  }

  /** The far end of a ringing outbound leg sends early media (183 with SDP): the leg's Answer-State becomes early. */
  async earlyMedia(legUuid: string): Promise<void> {
    const leg = this.liveChannel(legUuid);
    if (leg.direction !== 'outbound' || leg.answerState !== 'ringing') throw new ChannelStateError(legUuid, 'is not a ringing outbound leg');
    this.core.preAnswer(leg);
  }

  /**
   * A blind transfer by the phone of `legUuid` (SIP REFER without Replaces, `Refer-To: <destination>`):
   * mod_sofia (sofia_handle_sip_i_refer) sends the leg's bridge partner, the transferee, into the dialplan
   * at `destination` (switch_ivr_session_transfer, its own context) and the transferor's phone hangs up
   * after the NOTIFY (BYE: NORMAL_CLEARING). Resolves with the transferee's uuid.
   */
  async blindTransfer(legUuid: string, destination: string): Promise<string> {
    const transferor = this.liveChannel(legUuid);
    const transferee = transferor.bridge?.peer;
    if (!transferee) throw new ChannelStateError(legUuid, 'is not bridged: nothing to transfer');
    const program = this.core.lookupDialplan(transferee, destination);
    transferee.variables.set('transfer_disposition', 'recv_replace');
    transferee.profile = { ...transferee.profile, destinationNumber: destination, profileIndex: transferee.profile.profileIndex + 1 };
    this.core.transfer(transferee, program ?? [{ app: 'hangup', arg: 'NO_ROUTE_DESTINATION' }]);
    this.core.hangup(transferor, 'NORMAL_CLEARING');
    return transferee.uuid;
  }

  /**
   * An attended transfer by the phone of `transferorLeg` (bridged with the transferee), completed with REFER
   * Replaces naming its consultation call `consultationLeg`, as sofia_handle_sip_i_refer does it:
   * - the consultation call is answered (both bridged): the transferee is uuid_bridged to the consultation call's
   *   other leg, the consultation leg ends with its bridge; nothing rings any more;
   * - the consultation call is over on its far side (not bridged, not ringing: e.g. it reached voicemail): the
   *   transferee is sent into the dialplan at the consultation call's destination — it rings the target anew —
   *   and the consultation leg hangs up ATTENDED_TRANSFER;
   * - the consultation call still rings (its leg is the originator): the transferee is parked with the hold
   *   music (`att_xfer_kill_uuid` = the consultation leg) and the consultation leg goes on ringing the target as a
   *   zombie holding it (`holding_uuid`); what FreeSWITCH does when the target then answers is not modelled.
   * The transferor's phone then hangs up (NORMAL_CLEARING). Resolves with the transferee's uuid.
   */
  async attendedTransfer(transferorLeg: string, consultationLeg: string): Promise<string> {
    const transferor = this.liveChannel(transferorLeg);
    const consultation = this.liveChannel(consultationLeg);
    const transferee = transferor.bridge?.peer;
    if (!transferee) throw new ChannelStateError(transferorLeg, 'is not bridged: nothing to transfer');
    const target = consultation.bridge?.peer;
    const ringing = consultation.bridgedUuid === undefined ? undefined : this.core.find(consultation.bridgedUuid);
    if (target) {
      // The consultation leg loses its peer to the transferee and ends with its bridge.
      uuidBridge(this.core, transferee, target);
      this.core.hangup(transferor, 'NORMAL_CLEARING');
    } else if (ringing && !ringing.answered && !consultation.answered) {
      setVariables(consultation, { holding_uuid: transferee.uuid, transfer_to: `satt:${transferee.uuid}`, endpoint_disposition: 'ATTENDED_TRANSFER' });
      setVariables(transferee, { att_xfer_kill_uuid: consultation.uuid, att_xfer_destination_number: consultation.profile.destinationNumber });
      this.core.transfer(transferee, [{ app: 'park', arg: '' }]);
      this.core.hangup(transferor, 'NORMAL_CLEARING');
    } else {
      const destination = consultation.profile.destinationNumber;
      const program = this.core.lookupDialplan(transferee, destination);
      transferee.profile = { ...transferee.profile, destinationNumber: destination, profileIndex: transferee.profile.profileIndex + 1 };
      this.core.transfer(transferee, program ?? [{ app: 'hangup', arg: 'NO_ROUTE_DESTINATION' }]);
      this.core.hangup(consultation, 'ATTENDED_TRANSFER');
      this.core.hangup(transferor, 'NORMAL_CLEARING');
    }
    return transferee.uuid;
  }

  /** The phone of a ringing outbound leg answers (200 OK). */
  async answer(legUuid: string): Promise<void> {
    const leg = this.liveChannel(legUuid);
    if (leg.direction !== 'outbound' || leg.answered) throw new ChannelStateError(legUuid, 'is not a ringing outbound leg');
    this.core.answer(leg);
  }

  /**
   * The phone (or caller) behind a channel hangs up. Default cause: ORIGINATOR_CANCEL for a SIP
   * caller that was never answered (its CANCEL, 07a), NORMAL_CLEARING otherwise.
   */
  async hangup(uuid: string, cause?: string): Promise<void> {
    const channel = this.liveChannel(uuid);
    const cancels = channel.endpoint === 'sofia' && channel.direction === 'inbound' && !channel.answered;
    this.core.hangup(channel, cause ?? (cancels ? 'ORIGINATOR_CANCEL' : 'NORMAL_CLEARING'));
  }

  /**
   * A SIP caller dials into a mod_callcenter queue (defined, or redefined, by these options) and is
   * answered at once (capture 09d); resolves with its uuid after `member-queue-start`. Its agent legs
   * carry `cc_member_session_uuid` = that uuid; answer one with `answer(leg)`.
   */
  async enqueueMember(options: EnqueueMemberOptions): Promise<{ memberUuid: string }> {
    const [queueUser = '', queueDomain = ''] = options.queue.split('@');
    this.queues.set(options.queue, {
      name: options.queue,
      strategy: options.strategy,
      agents: options.agents.map((agent) => ({
        name: agent.name,
        contact: `${agent.legTimeoutSec ? `[leg_timeout=${agent.legTimeoutSec}]` : ''}user/${agent.extension}@${agent.name.split('@')[1] ?? queueDomain}`,
      })),
    });
    const callerNumber = options.callerNumber ?? '300';
    const member = createSipInbound(this.core, {
      fromUser: callerNumber,
      fromHost: queueDomain,
      callerIdName: options.callerName ?? `Caller${callerNumber}`,
      callerIdNumber: callerNumber,
      destination: queueUser,
    });
    this.core.route(member, [
      { app: 'set', arg: 'hangup_after_bridge=true' },
      { app: 'callcenter', arg: options.queue },
    ]);
    await this.waitUntil(() => member.variables.has('cc_member_uuid') || !member.alive || undefined, 'the member to join the queue', 5_000);
    if (!member.alive) throw new ChannelStateError(member.uuid, `hung up before joining ${options.queue} (${member.hangupCause})`);
    return { memberUuid: member.uuid };
  }

  /**
   * The picker's phone dials: an inbound SIP call (digest-authenticated unless `authenticated: false`)
   * to `dialled`, routed through the dialplan as the phone's INVITE would be (the product's
   * 00_fs_pickup.xml for 88…). Resolves with its uuid once it is routed; `times.inviteSent` is when the
   * phone sent its INVITE (real timing: 23.7 ms before its CHANNEL_CREATE).
   */
  async dialPickup(options: DialPickupOptions): Promise<string> {
    const inviteSent = nowMicros();
    if (this.timing.phoneInviteMs > 0) await sleep(this.timing.phoneInviteMs);
    const authenticated = options.authenticated ?? true;
    const picker = createSipInbound(this.core, {
      fromUser: options.extension,
      fromHost: options.domain,
      callerIdName: `Picker ${options.extension}`,
      callerIdNumber: options.extension,
      destination: options.dialled,
      ...(authenticated ? { authenticated: { user: options.extension, domain: options.domain } } : {}),
      variables: { ...options.variables, ...(options.sdpOffer === undefined ? {} : { switch_r_sdp: options.sdpOffer }) },
    });
    picker.times.inviteSent = inviteSent;
    if (this.timing.routingMs > 0) await sleep(this.timing.routingMs);
    this.core.route(picker);
    return picker.uuid;
  }

  /**
   * A SIP phone calls a destination routed by the simulator's dialplan; returns its uuid. On the
   * `cluster` profile a caller outside `clusterAcl` is refused with 403 before any channel exists: the
   * uuid returned then never names a channel (`channel(uuid)` is undefined) and no event is fired.
   */
  sipCall(options: SipCallOptions): string {
    const fromUser = options.fromUser ?? 'anonymous';
    const callerName = options.callerName ?? fromUser;
    if (options.profile === CLUSTER_PROFILE) {
      return this.cluster.receiveInvite({
        callId: randomUUID(),
        fromUser,
        fromDisplay: callerName,
        fromAddress: `${options.fromHost}:${options.fromPort ?? 5090}`,
        destination: options.destination,
        headers: options.headers ?? {},
      });
    }
    const channel = createSipInbound(this.core, {
      fromUser,
      fromHost: options.fromHost,
      callerIdName: callerName,
      callerIdNumber: fromUser,
      destination: options.destination,
      ...(options.context ? { context: options.context } : {}),
      ...(options.authenticatedDomain ? { authenticated: { user: fromUser, domain: options.authenticatedDomain } } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    this.core.route(channel);
    return channel.uuid;
  }

  /** A phone SUBSCRIBEs to an entity's dialog state (BLF): PRESENCE_PROBE as in capture 10. */
  subscribeBlf(options: BlfSubscribeOptions): void {
    this.presence.subscribe(this.core, options);
  }

  /**
   * The NOTIFYs the subscriber of `entity` got: the initial empty one (not for `<proto>+` entities),
   * then one per PRESENCE_IN for it, by the rules of capture 10.
   */
  blfNotifies(entity: string): BlfNotify[] {
    return this.presence.notifies(entity);
  }

  /** A phone `user@domain` registers on `internal` (so that `chat …|internal/user@domain|…` reaches it). */
  registerPhone(address: string): void {
    this.messaging.register(this.core, address);
  }

  /** The SIP MESSAGEs phones received (`api chat`, SEND_MESSAGE), in order. */
  messages(): DeliveredMessage[] {
    return this.messaging.messages();
  }

  /** A channel of the current process, live or ended. */
  channel(uuid: string): ChannelSnapshot | undefined {
    const channel = this.core.findAny(uuid);
    return channel && snapshotOf(channel);
  }

  /** A channel's state without its variables (cheap to poll), live or ended. */
  channelState(uuid: string): ChannelState | undefined {
    const channel = this.core.findAny(uuid);
    return channel && stateOf(channel);
  }

  /** How many channels are up. */
  liveChannelCount(): number {
    return this.core.liveChannels().length;
  }

  /** Live channels, oldest first. */
  liveChannels(): ChannelSnapshot[] {
    return this.core.liveChannels().map(snapshotOf);
  }

  /** Resolves with the channel's snapshot once `predicate` holds (checked after every event). */
  async waitForChannel(uuid: string, predicate: (channel: ChannelSnapshot) => boolean, timeoutMs = 5_000): Promise<ChannelSnapshot> {
    return this.waitUntil(() => {
      const snapshot = this.channel(uuid);
      return snapshot && predicate(snapshot) ? snapshot : undefined;
    }, `channel ${uuid} to match`, timeoutMs);
  }

  /** Writes raw bytes to every authenticated client. */
  sendRawToClients(bytes: string | Buffer): void {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    for (const connection of this.connections) connection.writeRaw(buffer);
  }

  /**
   * Benchmark load: `count` channel events of about `targetBytes` (~150 headers, CHANNEL_PROGRESS
   * with padding variables) to their subscribers; resolves when written, waiting for drain.
   */
  async floodEvents(options: { count: number; targetBytes?: number }): Promise<void> {
    const template = floodEvent(this.stamper, options.targetBytes ?? 6_400);
    for (let i = 0; i < options.count; i++) {
      const event = template.next();
      const blocked = this.publish(event);
      if (blocked.length > 0) await Promise.all(blocked.map((connection) => connection.drained()));
    }
  }

  private startProcess(coreUuid: string): [SwitchCore, EventStamper] {
    const stamper = new EventStamper({
      coreUuid,
      hostname: this.settings.hostname,
      switchname: this.settings.switchname,
      ipv4: this.settings.ipv4,
      ipv6: 'fd00::2',
    });
    const core = new SwitchCore({
      stamper,
      publish: (event) => {
        this.publish(event);
        this.presence.observe(event, this.core);
        this.messaging.observe(event);
        this.notifyChange(event);
      },
      parkTickMs: this.settings.parkTickMs,
      ringDelayMs: this.settings.ringDelayMs,
      dialplan: this.settings.dialplan,
      directory: new Directory(this.settings.directory),
      cluster: this.cluster,
      queues: this.queues,
      messaging: this.messaging,
      globals: this.globals,
      timing: this.timing,
      channelPresence: this.channelPresence,
      sockets: {
        firstCommandTimeoutMs: this.settings.socketFirstCommandTimeoutMs,
        nextConnectionId: () => this.nextConnectionId++,
        record: (command) => this.commands.push(command),
        beforeCommand: (command) => this.socketCommandHook?.(command),
      },
      interceptRace: (targetUuid) => this.interceptRaceHook?.(targetUuid) ?? false,
    });
    return [core, stamper];
  }

  private accept(socket: Socket): void {
    if (!this.acceptingConnections) {
      socket.destroy();
      return;
    }
    // mod_event_socket sets TCP_NODELAY on every listener socket (else Nagle would hold events back behind the client's delayed ACKs).
    socket.setNoDelay(true);
    const connection = new EslConnection(this.nextConnectionId++, socket, {
      password: this.settings.password,
      timing: this.timing,
      environment: () => ({ core: this.core, identity: this.stamper.identity }),
      record: (command) => this.commands.push(command),
    });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }

  /** Sends an event to every subscriber; returns the connections whose socket buffer is full. */
  private publish(event: SimEvent): EslConnection[] {
    const rendered = new Map<EventFormat, Buffer>();
    const render = (format: EventFormat): Buffer => {
      let frame = rendered.get(format);
      if (!frame) {
        const serialize = format === 'json' ? serializeJson : serializePlain;
        frame = eventFrame(format, event.serialize?.(format === 'json' ? 'json' : 'plain') ?? serialize(event.headers, event.body));
        rendered.set(format, frame);
      }
      return frame;
    };
    const blocked: EslConnection[] = [];
    for (const connection of this.connections) {
      if (!connection.deliver(event, render)) blocked.push(connection);
    }
    return blocked;
  }

  private fireHeartbeat(): void {
    const live = this.core.liveChannels().length;
    this.core.fire(
      this.stamper.create('HEARTBEAT', ['switch_core.c', 'send_heartbeat', 95], [
        ['Event-Info', 'System Ready'],
        ['Up-Time', `0 years, 0 days, 0 hours, 0 minutes, ${Math.floor((Date.now() - this.core.startedAt) / 1000)} seconds`],
        ['FreeSWITCH-Version', '1.11.3-dev~64bit'],
        ['Uptime-msec', String(Date.now() - this.core.startedAt)],
        ['Session-Count', String(live)],
        ['Max-Sessions', '1000'],
        ['Session-Per-Sec', '30'],
        ['Session-Since-Startup', String(this.core.sessionsSinceStartup)],
        ['Idle-CPU', '99.000000'],
      ]),
    );
  }

  private liveChannel(uuid: string): Channel {
    const channel = this.core.find(uuid);
    if (!channel) throw new NoSuchChannelError(uuid);
    return channel;
  }

  /** Re-checks the waits: every general one, and those of the calls the event is about (all of them without an event). */
  private notifyChange(event?: SimEvent): void {
    for (const listener of [...this.changeListeners]) listener();
    if (this.callListeners.size === 0) return;
    const calls = event ? CALL_HEADERS.flatMap((name) => eventHeader(event, name) ?? []) : [...this.callListeners.keys()];
    for (const call of new Set(calls)) for (const listener of [...(this.callListeners.get(call) ?? [])]) listener();
  }

  /**
   * Resolves with the first non-undefined value of `probe`, re-checked after every event — or, with `callUuid`, after
   * every event of that call (its own, and its legs': Other-Leg-Unique-ID or Channel-Call-UUID name it).
   */
  private waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs: number, callUuid?: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new SimulatorTimeoutError(what, timeoutMs));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        if (callUuid === undefined) this.changeListeners.delete(check);
        else {
          const listeners = this.callListeners.get(callUuid);
          listeners?.delete(check);
          if (listeners?.size === 0) this.callListeners.delete(callUuid);
        }
      };
      if (callUuid === undefined) this.changeListeners.add(check);
      else this.callListeners.set(callUuid, (this.callListeners.get(callUuid) ?? new Set()).add(check));
      check();
    });
  }
}
