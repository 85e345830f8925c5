/**
 * Capture replay: runs a scenario against a fresh simulator (or one per node, cluster-replay-harness.ts)
 * with the same client connections the capture driver used (a subscriber with `event <format> ALL`, a
 * control connection, optionally the stand-in controller), then reduces both streams to what must
 * agree: per-leg CHANNEL_* sequences, the commands sent and their replies, chosen headers, uuids
 * replaced by leg roles.
 */
import { expect } from 'vitest';
import { readCaptureEvents, readCaptureSession, type DecodedEvent } from './capture-reader.ts';
import type { ChannelSnapshot } from './channel.ts';
import type { Dialplan } from './dialplan.ts';
import type { DirectoryUser } from './directory.ts';
import { SimulatorTimeoutError } from './errors.ts';
import { headerOf, type RawFrame } from './frame-reader.ts';
import { callcenterActions, checkedHeaders, legView, withRoles, type CheckedHeaders, type HeaderCheck, type LegStep } from './leg-sequences.ts';
import { FreeSwitchSimulator, type SimulatorOptions } from './simulator.ts';
import { EslTestClient } from './test-client.ts';

/** What a scenario's driver can do. */
export interface ReplayContext {
  readonly sim: FreeSwitchSimulator;
  /** The driver's control connection (`api`, `bgapi`). */
  readonly control: EslTestClient;
  /** The stand-in controller's connection (run 4); connected on first use. */
  controller(): Promise<EslTestClient>;
  /** Sends a command on the control connection and returns the reply (body or Reply-Text). */
  send(command: string): Promise<string>;
  /** Waits for a live channel whose name matches (and, optionally, a predicate). */
  channelNamed(name: RegExp, predicate?: (channel: ChannelSnapshot) => boolean): Promise<ChannelSnapshot>;
  /** Waits until a channel is gone (hung up) or, without uuid, until no channel is left. */
  gone(uuid?: string): Promise<void>;
  /** Waits until the subscriber has seen an event that matches. */
  event(predicate: (event: DecodedEvent) => boolean, what: string): Promise<DecodedEvent>;
}

/** A recorded scenario and how to drive it. */
export interface Scenario {
  readonly title: string;
  /** File-name stem in the capture folder (`01-ring-then-cancel`, `14-…node1`). */
  readonly stem: string;
  /** Run 4 files share one control capture for both formats. */
  readonly sharedControl?: boolean;
  readonly formats: ReadonlyArray<'plain' | 'json'>;
  readonly dialplan: Dialplan;
  readonly directory?: readonly DirectoryUser[];
  /** Simulator settings that reproduce the recorded run's timing. */
  readonly simulator?: SimulatorOptions;
  /** Commands whose replies are not compared (11: the capture's `show channels` lagged behind the call). */
  readonly skipReplies?: RegExp;
  /** Headers compared on some events, beyond the per-leg sequences. */
  readonly headerChecks?: readonly HeaderCheck[];
  readonly drive: (context: ReplayContext) => Promise<void>;
}

/** What finds and reads a scenario's capture files. */
export type CapturedScenario = Pick<Scenario, 'stem' | 'sharedControl' | 'skipReplies' | 'headerChecks'>;

/** What one side (capture or simulator) of a replay looked like. */
export interface ReplayRecord {
  /** Channel uuid → role (`loopback/200-b#1`), from the event stream. */
  readonly roles: ReadonlyMap<string, string>;
  readonly legs: Record<string, readonly LegStep[]>;
  readonly controlCommands: string[];
  readonly controlReplies: string[];
  readonly controllerCommands: string[];
  readonly controllerReplies: string[];
  readonly headers: CheckedHeaders;
  /** mod_callcenter's CC-Action sequences, per agent / queue. */
  readonly callcenter: Record<string, string[]>;
}

const UNKNOWN_UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function normalise(text: string, roles: ReadonlyMap<string, string>): string {
  return withRoles(text, roles).replace(UNKNOWN_UUID, '<uuid>');
}

function replyOf(frame: RawFrame): string {
  return headerOf(frame, 'Content-Type') === 'api/response' ? frame.body.toString('utf8') : (headerOf(frame, 'Reply-Text') ?? '');
}

/** `show … as json` replies carry dates: compare their row count and columns only. */
function comparableReply(command: string, reply: string): string {
  if (!/^api show \w+ as json/.test(command) || reply.startsWith('{"row_count": 0}')) return reply;
  const parsed = JSON.parse(reply) as { row_count: number; rows: Array<Record<string, string>> };
  return `rows=${parsed.row_count} columns=${Object.keys(parsed.rows[0] ?? {}).join(',')}`;
}

/** Commands (without auth) and their replies as compared: uuids as roles, `show … as json` reduced, skipped replies blanked. */
export function sideOfCommands(commands: string[], replies: string[], roles: ReadonlyMap<string, string>, skip?: RegExp): [string[], string[]] {
  const relevant = commands.map((command, index) => [command, replies[index] ?? ''] as const).filter(([command]) => !command.startsWith('auth '));
  return [
    relevant.map(([command]) => normalise(command, roles)),
    relevant.map(([command, reply]) => (skip?.test(command) ? '<not compared>' : normalise(comparableReply(command, reply), roles))),
  ];
}

/** The reply texts (Reply-Text, or an api/response body) among a connection's frames. */
export function repliesOf(frames: readonly RawFrame[]): string[] {
  return frames.filter((frame) => headerOf(frame, 'Content-Type') !== 'auth/request' && !headerOf(frame, 'Content-Type')?.startsWith('text/event')).map(replyOf);
}

/** Per-leg sequences keyed by role, sorted. */
export function byRole(legs: ReadonlyMap<string, readonly LegStep[]>): Record<string, readonly LegStep[]> {
  return Object.fromEntries([...legs].sort(([a], [b]) => a.localeCompare(b)));
}

function captureFiles(scenario: CapturedScenario, format: 'plain' | 'json'): { events: string; control: string; controller: string } {
  const control = scenario.sharedControl ? `${scenario.stem}.control.txt` : `${scenario.stem}.event-${format}.control.txt`;
  return { events: `${scenario.stem}.event-${format}.txt`, control, controller: `${scenario.stem}.controller.txt` };
}

/** A capture connection's commands (its `.sent`) and replies, as compared. */
export function capturedSide(fileName: string, roles: ReadonlyMap<string, string>, skip?: RegExp): [string[], string[]] {
  const session = readCaptureSession(fileName);
  return sideOfCommands(
    session.map(({ command }) => command.raw.replace(/\n\n$/, '')),
    session.map(({ reply }) => (reply ? replyOf(reply) : '')),
    roles,
    skip,
  );
}

/** The capture side of a scenario. */
export function recordOfCapture(scenario: CapturedScenario, format: 'plain' | 'json'): ReplayRecord {
  const files = captureFiles(scenario, format);
  const events = readCaptureEvents(files.events);
  const view = legView(events);
  const [controlCommands, controlReplies] = capturedSide(files.control, view.roles, scenario.skipReplies);
  const [controllerCommands, controllerReplies] = capturedSide(files.controller, view.roles);
  const headers = checkedHeaders(events, view.roles, scenario.headerChecks ?? []);
  const callcenter = callcenterActions(events, view.roles);
  return { roles: view.roles, legs: byRole(view.legs), controlCommands, controlReplies, controllerCommands, controllerReplies, headers, callcenter };
}

/** One simulated node with the connections the capture driver had to its FreeSWITCH. */
export interface NodeSession {
  readonly sim: FreeSwitchSimulator;
  readonly context: ReplayContext;
  /** The node's side of the replay, once the scenario is over on every node. */
  record(compare: RecordSettings): Promise<ReplayRecord>;
  close(): Promise<void>;
}

/** What a record takes beyond the streams: replies left out, headers compared. */
export type RecordSettings = Pick<Scenario, 'skipReplies' | 'headerChecks'>;

/** Starts a simulator with a subscriber (`event <format> ALL`), a control connection and, on first use, a controller. */
export async function openNode(options: SimulatorOptions, format: 'plain' | 'json'): Promise<NodeSession> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 5, ...options });
  const port = await sim.listen(0);
  const subscriber = await EslTestClient.subscribed(port, `${format} ALL`);
  const control = await EslTestClient.connect(port);
  await control.command('auth ClueCon');
  let controllerClient: EslTestClient | undefined;
  const context: ReplayContext = {
    sim,
    control,
    async controller() {
      controllerClient ??= await EslTestClient.connect(port);
      return controllerClient;
    },
    send: async (command) => replyOf(await control.command(command)),
    channelNamed: (name, predicate = () => true) =>
      poll(() => sim.liveChannels().find((channel) => name.test(channel.name) && predicate(channel)), `a channel named ${name}`),
    event: (predicate, what) => subscriber.waitForEvent(predicate, what, 10_000),
    gone: (uuid) =>
      poll(() => (uuid ? (sim.channel(uuid)?.hangupCause !== undefined || undefined) : sim.liveChannels().length === 0 || undefined), `${uuid ?? 'every channel'} to hang up`).then(() => undefined),
  };
  return {
    sim,
    context,
    async record(compare) {
      // Fast timing: a reply comes after every event written before it, so the subscriber has them all
      // now. Real timing: the listener writes them on its next polls.
      await subscriber.command('api hostname');
      if (options.timing === 'real') await new Promise((resolve) => setTimeout(resolve, 50));
      const view = legView(subscriber.events);
      const [controlCommands, controlReplies] = sideOfCommands(control.sent, repliesOf(control.frames), view.roles, compare.skipReplies);
      const [controllerCommands, controllerReplies] = sideOfCommands(controllerClient?.sent ?? [], repliesOf(controllerClient?.frames ?? []), view.roles);
      const headers = checkedHeaders(subscriber.events, view.roles, compare.headerChecks ?? []);
      const callcenter = callcenterActions(subscriber.events, view.roles);
      return { roles: view.roles, legs: byRole(view.legs), controlCommands, controlReplies, controllerCommands, controllerReplies, headers, callcenter };
    },
    async close() {
      subscriber.close();
      control.close();
      controllerClient?.close();
      await sim.close();
    },
  };
}

/** Runs the scenario on a new simulator and returns the simulator side. */
export async function recordOfSimulator(scenario: Scenario, format: 'plain' | 'json'): Promise<ReplayRecord> {
  const node = await openNode({ dialplan: scenario.dialplan, ...(scenario.directory ? { directory: scenario.directory } : {}), ...scenario.simulator }, format);
  try {
    await scenario.drive(node.context);
    await node.context.gone();
    return await node.record(scenario);
  } finally {
    await node.close();
  }
}

/** Asserts that the simulator's side of a replay is the capture's: legs, commands, replies, checked headers, CC-Actions. */
export function expectSameAsCapture(simulated: ReplayRecord, capture: ReplayRecord): void {
  expect(Object.keys(simulated.legs)).toEqual(Object.keys(capture.legs));
  for (const role of Object.keys(capture.legs)) expect(simulated.legs[role], role).toEqual(capture.legs[role]);
  expect(simulated.controlCommands).toEqual(capture.controlCommands);
  expect(simulated.controlReplies).toEqual(capture.controlReplies);
  expect(simulated.controllerCommands).toEqual(capture.controllerCommands);
  expect(simulated.controllerReplies).toEqual(capture.controllerReplies);
  expect(simulated.headers).toEqual(capture.headers);
  expect(simulated.callcenter).toEqual(capture.callcenter);
}

/** Polls (every 5 ms) until `probe` returns a value; fails after 10 s. */
export async function poll<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new SimulatorTimeoutError(what, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
