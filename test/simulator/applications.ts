/**
 * Dialplan applications the simulator runs (mod_dptools subset): set, export, unset, log, hash,
 * answer, pre_answer, ring_ready, hangup, respond, park, playback, sleep, intercept, bridge, sched_hangup, sched_cancel;
 * mod_event_socket's socket and mod_callcenter's callcenter. Add new ones to the table at the bottom.
 */
import { runHash } from './api-commands.ts';
import { bridgeApplication } from './bridge-app.ts';
import { uuidBridge } from './bridging.ts';
import { callcenterApplication } from './callcenter.ts';
import { type Channel, EXPORT_VARS, type RunningApp } from './channel.ts';
import { causeOfSipStatus } from './hangup-causes.ts';
import { epochSeconds } from './scheduler.ts';
import { socketApplication } from './socket-app.ts';
import type { SwitchCore } from './switch-core.ts';
import { sleep as delay } from './timing.ts';

/** What an application sees while it runs. */
export interface AppContext {
  readonly core: SwitchCore;
  readonly channel: Channel;
  readonly running: RunningApp;
}

/** One application. `needsMedia`: the channel is pre-answered first ("Requires media! pre_answering"). */
export interface Application {
  readonly needsMedia: boolean;
  run(context: AppContext): void | Promise<void>;
}

/** `name=value` as mod_dptools' base_set takes it: the first "=" splits; an empty value unsets. */
function assign(variables: Map<string, string>, assignment: string): void {
  const equals = assignment.indexOf('=');
  const name = equals < 0 ? assignment : assignment.slice(0, equals);
  const value = equals < 0 ? '' : assignment.slice(equals + 1);
  if (value === '') variables.delete(name);
  else variables.set(name, value);
}

const setVariable: Application = {
  needsMedia: false,
  run({ channel, running }) {
    assign(channel.variables, running.arg);
  },
};

/** multiset: assignments split on spaces, or on the character after a leading `^^` (mod_dptools multiset_function). */
const multiset: Application = {
  needsMedia: false,
  run({ channel, running }) {
    const custom = running.arg.startsWith('^^') ? running.arg[2] : undefined;
    const list = custom === undefined ? running.arg : running.arg.slice(3);
    for (const assignment of list.split(custom ?? ' ')) if (assignment !== '') assign(channel.variables, assignment);
  },
};

/**
 * export name=value: set on the channel, and named in export_vars, whose variables every leg the channel
 * originates gets (switch_channel_export_variable_var_check; switch_ivr_originate's switch_channel_process_export).
 */
const exportVariable: Application = {
  needsMedia: false,
  run({ channel, running }) {
    assign(channel.variables, running.arg);
    const name = running.arg.split('=')[0] ?? '';
    const exported = (channel.variables.get(EXPORT_VARS) ?? '').split(',').filter((entry) => entry !== '');
    if (name !== '' && !exported.includes(name)) channel.variables.set(EXPORT_VARS, [...exported, name].join(','));
  },
};

const unset: Application = {
  needsMedia: false,
  run({ channel, running }) {
    channel.variables.delete(running.arg.trim());
  },
};

const noOperation: Application = { needsMedia: false, run() {} };

const hash: Application = {
  needsMedia: false,
  run({ core, running }) {
    runHash(core, running.arg);
  },
};

const answer: Application = {
  needsMedia: false,
  run({ core, channel }) {
    core.answer(channel);
  },
};

/** pre_answer: early media (183), which negotiates a phone's offer first. */
const preAnswer: Application = {
  needsMedia: false,
  run({ core, channel }) {
    core.preAnswer(channel);
  },
};

/** ring_ready: 180 without SDP, so no media negotiation. */
const ringReady: Application = {
  needsMedia: false,
  run({ core, channel }) {
    core.markRinging(channel);
  },
};

const hangup: Application = {
  needsMedia: false,
  run({ core, channel, running }) {
    core.hangup(channel, running.arg.trim() || 'NORMAL_CLEARING');
  },
};

/**
 * respond <code> [<reason>]: a SIP answer to the caller. 180 rings, 183 pre-answers, 200 answers; an
 * error answer ends the channel with the cause mod_sofia reads from that status (16d2: 403 →
 * CALL_REJECTED, no pre-answer).
 */
const respond: Application = {
  needsMedia: false,
  run({ core, channel, running }) {
    const code = Number.parseInt(running.arg, 10);
    if (code === 180) core.markRinging(channel);
    else if (code === 183) core.preAnswer(channel);
    else if (code === 200) core.answer(channel);
    else if (code >= 300) core.hangup(channel, causeOfSipStatus(code));
  },
};

/**
 * sched_hangup [+]<seconds> [<cause>]: hangs the channel up later (`+`: from now, else an epoch
 * time), cause ALLOTTED_TIMEOUT unless given; the task's group is the channel's uuid (scheduler.ts
 * for the whole-second timing).
 */
const schedHangup: Application = {
  needsMedia: false,
  run({ core, channel, running }) {
    const [when = '', cause = 'ALLOTTED_TIMEOUT'] = running.arg.split(' ').filter((word) => word !== '');
    if (when === '') return;
    const runtimeSec = when.startsWith('+') ? epochSeconds() + (Number.parseInt(when.slice(1), 10) || 0) : Number.parseInt(when, 10) || 0;
    core.scheduler.add(runtimeSec, channel.uuid, () => {
      const target = core.find(channel.uuid);
      if (target) core.hangup(target, cause);
    });
  },
};

/** sched_cancel [<group>]: deletes the scheduled tasks of a group, by default the channel's own (its sched_hangup). */
const schedCancel: Application = {
  needsMedia: false,
  run({ core, channel, running }) {
    core.scheduler.cancelGroup(running.arg.trim() || channel.uuid);
  },
};

/**
 * park: CHANNEL_PARK, then a loop that reads queued messages every tick, until something takes the
 * channel out (transfer, uuid_bridge, hangup) or `park_timeout=<s>[:<cause>]` runs out. park reads
 * and clears park_timeout; the timeout has whole-second resolution like switch_ivr_park.
 */
const park: Application = {
  needsMedia: false,
  async run({ core, channel }) {
    const [seconds, cause = 'NORMAL_CLEARING'] = (channel.variables.get('park_timeout') ?? '').split(':');
    channel.variables.delete('park_timeout');
    const timeoutSec = Number.parseInt(seconds ?? '', 10) || 0;
    const expiresAtSec = Math.floor(Date.now() / 1000) + timeoutSec;
    channel.parked = true;
    core.fireChannel('CHANNEL_PARK', channel);
    while (channel.alive && !channel.interrupted) {
      if (timeoutSec > 0 && Date.now() / 1000 >= expiresAtSec) {
        core.hangup(channel, cause);
        return;
      }
      await core.idle(channel, timeoutSec > 0 ? expiresAtSec * 1000 - Date.now() : undefined);
    }
  },
};

/** Waits `durationMs` while reading queued messages (unless an event-lock holds them back). */
async function busyFor(core: SwitchCore, channel: Channel, durationMs: number): Promise<void> {
  const end = Date.now() + durationMs;
  while (channel.alive && !channel.interrupted && Date.now() < end) await core.idle(channel, end - Date.now());
}

/** tone_stream://%(on,off,freqs);loops=N lasts N × (on+off) ms; anything else plays for a second. */
function playbackDurationMs(target: string): number {
  const tone = /%\((\d+),(\d+),[^)]*\)(?:;loops=(-?\d+))?/.exec(target);
  if (!tone) return 1000;
  const loops = Number(tone[3] ?? 1);
  return (Number(tone[1]) + Number(tone[2])) * (loops > 0 ? loops : 1);
}

const playback: Application = {
  needsMedia: true,
  async run({ core, channel, running }) {
    running.response = 'FILE PLAYED';
    await busyFor(core, channel, playbackDurationMs(running.arg));
  },
};

const sleep: Application = {
  needsMedia: false,
  async run({ core, channel, running }) {
    await busyFor(core, channel, Number.parseInt(running.arg, 10) || 0);
  },
};

/**
 * intercept [-bleg] <uuid>, after switch_ivr_intercept_session (switch_ivr_bridge.c): refuse per
 * intercept_unbridged_only / intercept_unanswered_only, answer the picker and the target, link them
 * with uuid_bridge, and hang up the target's partner (the ringing leg it names) with PICKED_OFF.
 * A missing target fails silently. In real timing each step takes interceptStepMs.
 */
const intercept: Application = {
  needsMedia: true,
  async run({ core, channel, running }) {
    const bleg = running.arg.startsWith('-bleg ');
    let targetUuid = (bleg ? running.arg.slice('-bleg '.length) : running.arg).trim();
    if (bleg) {
      const partner = core.find(targetUuid)?.bridgedUuid;
      if (!partner) return;
      targetUuid = partner;
    }
    const target = core.find(targetUuid);
    if (!target || target === channel) return;
    if (channel.variables.get('intercept_unbridged_only') === 'true' && target.bridge) return;
    if (channel.variables.get('intercept_unanswered_only') === 'true' && target.answered) return;
    core.answer(channel);
    const stepMs = core.options.timing.interceptStepMs;
    if (stepMs > 0) {
      await delay(stepMs);
      if (!channel.alive || !target.alive) return;
    }
    const partner = target.partnerUuid === undefined ? undefined : core.find(target.partnerUuid);
    // An outbound leg cannot be answered from our side (02c: the ringing leg stays unanswered).
    if (target.direction === 'inbound') core.answer(target);
    if (core.options.interceptRace(target.uuid) && !continuesOnPickedOff(core.variable(target, 'continue_on_fail') ?? '')) {
      // Capture 18: the target's bridge fails PICKED_OFF and its failure path hangs it up (switch_channel_handle_cause),
      // the intercept's bridge then finds it gone and hangs the answered picker up.
      channel.other = { type: 'originatee', channel: target };
      target.other = { type: 'originator', channel };
      core.hangup(target, 'PICKED_OFF');
      if (partner && partner !== channel) core.hangup(partner, 'PICKED_OFF');
      core.hangup(channel, 'DESTINATION_OUT_OF_ORDER');
      return;
    }
    uuidBridge(core, channel, target);
    if (partner && partner !== channel) core.hangup(partner, 'PICKED_OFF');
    if (stepMs > 0) await delay(stepMs);
  },
};

/** switch_channel_handle_cause: continue_on_fail true, or a list naming PICKED_OFF or 805, spares the channel (the simulator's own reading). */
function continuesOnPickedOff(value: string): boolean {
  return /^(yes|on|true|t|enabled|active|allow|[1-9]\d*)$/i.test(value) || /PICKED_OFF|805/.test(value);
}

const TABLE: Readonly<Record<string, Application>> = {
  set: setVariable,
  multiset,
  export: exportVariable,
  unset,
  log: noOperation,
  hash,
  answer,
  pre_answer: preAnswer,
  ring_ready: ringReady,
  hangup,
  respond,
  sched_hangup: schedHangup,
  sched_cancel: schedCancel,
  socket: socketApplication,
  park,
  playback,
  sleep,
  intercept,
  bridge: bridgeApplication,
  callcenter: callcenterApplication,
};

/** Lookup of applications by name. */
export class Applications {
  /** The application, or undefined for names FreeSWITCH would call "Invalid Application". */
  get(name: string): Application | undefined {
    return Object.hasOwn(TABLE, name) ? TABLE[name] : undefined;
  }
}
