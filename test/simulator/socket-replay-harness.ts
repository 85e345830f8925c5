/**
 * Replays of run 5 (scenarios 16–17, the synchronous `socket` application): per node the per-leg
 * CHANNEL_* sequences of its `inbound-event-plain-ALL` capture, the driver's control connection and,
 * on 17's call node, the controller's own inbound connection (`controller-api`), as the other replays
 * compare them, with what the picker's socket and intercept applications end with; plus the outbound
 * session on the picker's node: the commands the stand-in controller sent, FreeSWITCH's replies, the
 * events it wrote (myevents) and its disconnect notice.
 */
import { expect } from 'vitest';
import { decodeEventFrame, readCaptureEvents, readCaptureFrames } from './capture-reader.ts';
import { hasCapture } from '../helpers/captures.ts';
import type { ReceivedCommand } from './command-reader.ts';
import { headerOf, type RawFrame } from './frame-reader.ts';
import { checkedHeaders, legView, withRoles, type HeaderCheck } from './leg-sequences.ts';
import { byRole, capturedSide, expectSameAsCapture, openNode, repliesOf, sideOfCommands, type NodeSession, type ReplayContext, type ReplayRecord } from './replay-harness.ts';
import type { SimulatorOptions } from './simulator.ts';
import { SipNetwork } from './sip-network.ts';
import { StandInController } from './stand-in-controller.ts';

// What the picker's socket and intercept applications end with, beyond the per-leg sequences.
const HEADER_CHECKS: readonly HeaderCheck[] = [
  { role: /^sofia\/internal\/100@/, event: 'CHANNEL_EXECUTE_COMPLETE', application: 'socket', headers: ['Application-Response', 'Answer-State', 'variable_socket_host'] },
  { role: /^sofia\/(internal\/100|cluster\/100)@/, event: 'CHANNEL_EXECUTE_COMPLETE', application: 'intercept', headers: ['Answer-State', 'Other-Leg-Unique-ID', 'Application-Response'] },
];

/** The nodes of run 5: node1 has the picker (and the stand-in controller), node2 rings 17's call. */
export type Run5Node = 'node1' | 'node2';

/** What a run 5 driver has. */
export interface Run5Context {
  readonly node1: ReplayContext;
  /** Only in two-node scenarios (17, 17b). */
  readonly node2?: ReplayContext;
  /** The stand-in controller node1's `socket` application connects to (`$${cap_listen}`). */
  readonly controller: StandInController;
}

/** A recorded run 5 scenario and how to drive it. */
export interface SocketScenario {
  readonly title: string;
  /** File-name stem without the node (`16a-sync-socket-decision-rpc`). */
  readonly stem: string;
  readonly nodes: Readonly<Partial<Record<Run5Node, SimulatorOptions>>> & { readonly node1: SimulatorOptions };
  readonly drive: (run: Run5Context) => Promise<void>;
}

/** The outbound session as compared. */
interface SessionRecord {
  readonly commands: string[];
  readonly replies: string[];
  /** Events written on the session, `NAME(application)`, in order. */
  readonly events: string[];
  /** The disconnect notice's headers and body. */
  readonly notice: string | undefined;
}

interface NodeRecord {
  readonly replay: ReplayRecord;
  readonly session: SessionRecord;
}

/** Runs the scenario (in the given timing mode) and compares every node with its capture files. */
export async function expectRun5Replay(scenario: SocketScenario, timing: 'fast' | 'real'): Promise<void> {
  const simulated = await recordsOfSimulator(scenario, timing);
  for (const [node, record] of Object.entries(simulated)) {
    const capture = recordOfCapture(`${scenario.stem}.${node}`);
    expectSameAsCapture(record.replay, capture.replay);
    expect(record.session, `${node} socket session`).toEqual(capture.session);
  }
}

function recordOfCapture(stem: string): NodeRecord {
  const events = readCaptureEvents(`${stem}.inbound-event-plain-ALL.txt`);
  const view = legView(events);
  const [controlCommands, controlReplies] = withoutRepeatedPolls(capturedSide(`${stem}.control.txt`, view.roles));
  const [controllerCommands, controllerReplies] = capturedSide(`${stem}.controller-api.txt`, view.roles);
  const sessionFile = `${stem}.socket-session.txt`;
  const [commands, replies] = capturedSide(sessionFile, view.roles);
  const frames = hasCapture(sessionFile) ? readCaptureFrames(sessionFile) : [];
  return {
    replay: {
      roles: view.roles,
      legs: byRole(view.legs),
      controlCommands,
      controlReplies,
      controllerCommands,
      controllerReplies,
      headers: checkedHeaders(events, view.roles, HEADER_CHECKS),
      callcenter: {},
    },
    session: { commands, replies, ...framesOf(frames, view.roles) },
  };
}

async function recordsOfSimulator(scenario: SocketScenario, timing: 'fast' | 'real'): Promise<Partial<Record<Run5Node, NodeRecord>>> {
  const network = new SipNetwork();
  const controller = await StandInController.listen();
  const sessions = new Map<Run5Node, NodeSession>();
  try {
    for (const [name, options] of Object.entries(scenario.nodes) as Array<[Run5Node, SimulatorOptions]>) {
      const session = await openNode({ ...options, sipNetwork: network, timing }, 'plain');
      session.sim.setGlobal('cap_listen', String(controller.port));
      sessions.set(name, session);
    }
    const node1 = sessions.get('node1')!;
    const node2 = sessions.get('node2');
    await scenario.drive({ node1: node1.context, ...(node2 ? { node2: node2.context } : {}), controller });
    const records: Partial<Record<Run5Node, NodeRecord>> = {};
    for (const [name, session] of sessions) {
      const replay = await session.record({ headerChecks: HEADER_CHECKS });
      const [controlCommands, controlReplies] = withoutRepeatedPolls([replay.controlCommands, replay.controlReplies]);
      const socketCommands = session.sim.commands.filter((command) => command.session !== undefined);
      const frames = name === 'node1' ? controller.opened.flatMap((client) => client.frames) : [];
      const [commands, replies] = sideOfCommands(socketCommands.map(rawText), repliesOf(frames), replay.roles);
      records[name] = { replay: { ...replay, controlCommands, controlReplies }, session: { commands, replies, ...framesOf(frames, replay.roles) } };
    }
    return records;
  } finally {
    await controller.close();
    await Promise.all([...sessions.values()].map((session) => session.close()));
  }
}

function rawText(command: ReceivedCommand): string {
  return command.raw.replace(/\n\n$/, '');
}

/** The events and the disconnect notice among an outbound session's frames. */
function framesOf(frames: readonly RawFrame[], roles: ReadonlyMap<string, string>): Pick<SessionRecord, 'events' | 'notice'> {
  const events = frames.flatMap((frame) => decodeEventFrame(frame) ?? []).map((event) => `${event.get('Event-Name')}(${event.get('Application') ?? ''})`);
  const notice = frames.find((frame) => headerOf(frame, 'Content-Type') === 'text/disconnect-notice');
  const noticeText = notice && withRoles(`${notice.headers.map(([name, value]) => `${name}: ${value}`).join('\n')}\n\n${notice.body.toString('utf8')}`, roles);
  return { events, notice: noticeText };
}

/**
 * The capture driver polled `api show channels count` until it said `0 total.` (hupall's legs go
 * down asynchronously on a real switch, at once in the simulator): only the last poll is compared.
 */
function withoutRepeatedPolls([commands, replies]: [string[], string[]]): [string[], string[]] {
  const keep = commands.map((command, index) => !(command === 'api show channels count' && commands[index + 1] === command));
  return [commands.filter((_, index) => keep[index]), replies.filter((_, index) => keep[index])];
}
