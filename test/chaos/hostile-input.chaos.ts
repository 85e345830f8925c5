/**
 * Issue 12, item 5: hostile input, property-tested end to end. Callers control their caller id name and number and
 * what they dial; generated values carry line breaks, `%0a`, quotes, backslashes, `${…}`, `|`, very long runs and
 * text that is not UTF-8 (lone surrogates, which reach the controller as U+FFFD, as invalid bytes do). Each case rings
 * a call from such a caller, sends a pickup notice about it, dials a hostile string straight to the controller (a
 * context without the product dialplan's checks) and picks the call up. The simulator records every command the
 * controller sends; none may carry a byte of the input outside the escaping made for the field it lands in:
 * - every command is one frame: its line, `Name: value` headers and the blank line, nothing else;
 * - commands that act on channels (sendmsg, api, bgapi other than chat) hold no input at all: none of the dangerous
 *   pieces appears in them;
 * - the chat notice, once FreeSWITCH has split its argument (switch_separate_string, modelled by the simulator),
 *   reaches the phone as exactly the text the notice rules make of the input, in its own field;
 * - the pickup event's header values are the input with its control characters replaced, as documented.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pickupNoticeText } from '../../src/domain/notification.ts';
import { Keys } from '../../src/store/keys.ts';
import { GroupSettingsStore } from '../../src/store/group-settings-store.ts';
import { testRedis } from '../helpers/redis-client.ts';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from '../e2e/harness.ts';
import type { ReceivedCommand } from '../simulator/index.ts';
import { urlDecode } from '../simulator/capture-reader.ts';
import { separateString } from '../simulator/separate-string.ts';
import { type Figure, measured, recordSection } from './figures.ts';
import { scenarioSeed } from './seeded.ts';

const seed = scenarioSeed(inject('chaosSeed'), 'hostile-input');
const RUNS = Number(process.env.CHAOS_HOSTILE_RUNS ?? 12);
const CASES_PER_RUN = 6;
const UNGUARDED = 'unguarded';
const NOTICE_SECONDS = 1;

/** Pieces that would do harm if any reached a command as they are; each is searched for in every command. */
const DANGEROUS = ['\n', '\r\n', '%0a', '%0D%0A', '${system(id)}', '$${fs_pickup_controllers}', 'api hupall MANAGER_REQUEST', '\n\nsendmsg\ncall-command: hangup\nhangup-cause: INJECTED_BY_CALLER\n\n'];
const MARKERS = ['%0a', '%0D%0A', '${system', '$${fs_pickup', 'hupall', 'INJECTED_BY_CALLER'];

const piece = fc.oneof(
  fc.constantFrom(...DANGEROUS, '"', "'", '\\', '\\n', '|', ';', '=', ' ', ':', '\u0000', '\u007f', '\udc80', '\ud800', 'ÿþ', '\u202e', '😀'),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constant('x'.repeat(3000)),
);
const hostile = fc.array(piece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join(''));
const hostileCase = fc.record({ callerName: hostile, callerNumber: hostile, dialled: hostile });
type HostileCase = { callerName: string; callerNumber: string; dialled: string };

/**
 * What a string becomes on a socket, written as UTF-8 (a lone surrogate turns into U+FFFD, as invalid bytes do when
 * read). The simulator's JSON events carry a lone surrogate as a `\u` escape, so the controller gets caller ids as they
 * were; what it writes back, and the plain channel data of its sockets, go through this.
 */
function overTheWire(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** The pickup event's rule for a header value (src/esl/pickup-cdr.ts). */
function eventValue(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 256);
}

let bed: PickupBed;
let groups: GroupSettingsStore;
let closeRedis: () => Promise<unknown>;
const figures: Record<string, Figure> = {};
const seen = { cases: 0, commands: 0, notices: 0, refused: 0, picked: 0 };

beforeAll(async () => {
  bed = await startPickupBed({
    env: { FSP_LOG_LEVEL: 'info' },
    simulator: { dialplan: [{ name: 'straight-to-the-controller', context: UNGUARDED, expression: /^/, actions: [['socket', '$${fs_pickup_controllers}'], ['hangup', 'NORMAL_TEMPORARY_FAILURE']] }] },
  });
  const { redis } = testRedis();
  closeRedis = () => redis.quit();
  groups = new GroupSettingsStore(redis, new Keys(bed.prefix));
});

afterAll(async () => {
  Object.assign(figures, {
    'hostile cases': measured(seen.cases, 'cases', `seed ${seed}; each: a call from a hostile caller id, its notice, a hostile dialled string, a pickup`),
    'commands checked': measured(seen.commands, 'commands'),
    'notices delivered exactly': measured(seen.notices, 'notices'),
    'hostile dialled strings refused': measured(seen.refused, 'requests'),
    'calls picked up after': measured(seen.picked, 'calls'),
  });
  recordSection('hostile input', figures);
  await bed?.close();
  await closeRedis?.();
});

/** Runs one case end to end; resolves with the commands it made the controller send (by its domain or sessions). */
async function playCase(input: HostileCase): Promise<{ domain: string; sessions: Set<string> }> {
  const domain = freshDomain();
  await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
  await groups.set(domain, 'sales', { mode: 'message', afterSeconds: NOTICE_SECONDS });
  bed.sim.registerPhone(`100@${domain}`);
  const call = await bed.sim.placeCall({ domain, targets: ['200'], callerName: input.callerName, callerNumber: input.callerNumber });
  await untilTracked(bed, call.bLegs);

  const expectedNotice = pickupNoticeText({ callerName: input.callerName, callerNumber: input.callerNumber, group: 'sales', ringingSeconds: NOTICE_SECONDS, prefix: '88' });
  await expect.poll(() => bed.sim.messages().filter((m) => m.to === `100@${domain}`).map((m) => m.text), { timeout: 5_000 }).toEqual([expectedNotice]);
  seen.notices++;

  const refusedPicker = bed.sim.sipCall({ fromUser: '100', fromHost: domain, destination: `88${input.dialled}`, context: UNGUARDED, authenticatedDomain: domain });
  const refused = await outcomeOf(bed, refusedPicker);
  // A hostile string may still read as a group name once FreeSWITCH has it (e.g. `88` + a long run of x): then it is
  // refused as a group nobody may pick from, or it finds nothing.
  expect(refused.msg).toBe('pickup failed; picker hung up');
  seen.refused++;

  const picker = await dial(bed, domain, '100', '88sales');
  expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
  seen.picked++;
  await bed.sim.hangup(picker);
  return { domain, sessions: new Set([refusedPicker, picker]) };
}

/** The frame as FreeSWITCH reads it: the line, headers, one blank line (and a body only when announced). */
function expectOneFrame(command: ReceivedCommand): void {
  const headers = Object.entries(command.headers).map(([name, value]) => `${name}: ${value}\n`).join('');
  const body = command.body ?? '';
  expect(command.raw, 'one frame, nothing smuggled in').toBe(`${command.line}\n${headers}\n${body}`);
  // Besides the line ends of the frame itself, no control character at all.
  expect(/[\u0000-\u0009\u000b-\u001f\u007f]/.test(command.raw.slice(0, command.raw.length - body.length)), command.raw.slice(0, 200)).toBe(false);
  expect(command.line.includes('\n')).toBe(false);
}

function isChat(command: ReceivedCommand): boolean {
  return /^(bg)?api chat /.test(command.line);
}

/** Checks every command a batch of cases made the controller send. */
function checkCommands(commands: readonly ReceivedCommand[], cases: ReadonlyArray<{ input: HostileCase; domain: string }>): void {
  for (const command of commands) {
    seen.commands++;
    expectOneFrame(command);
    if (isChat(command)) {
      const argument = command.line.replace(/^(bg)?api chat /, '');
      const fields = separateString(argument, '|', 5);
      const played = cases.find(({ domain }) => fields[1] === `88sales@${domain}`);
      expect(played, `a chat for one of the cases: ${argument.slice(0, 120)}`).toBeDefined();
      expect(fields.slice(0, 3)).toEqual(['sip', `88sales@${played!.domain}`, `internal/100@${played!.domain}`]);
      expect(fields[4]).toBe('text/plain');
      continue;
    }
    if (command.name === 'sendevent') {
      const played = cases.find(({ domain }) => Object.values(command.headers).some((value) => value.includes(domain)));
      // A request that claimed no call (the hostile dialled string) names no caller.
      const named = (text: string): string => (command.headers['fs-pickup-callUuid'] === '' ? '' : overTheWire(eventValue(text)));
      for (const [name, value] of Object.entries(command.headers)) {
        if (played && name === 'fs-pickup-callerName') expect(value).toBe(named(played.input.callerName));
        else if (played && name === 'fs-pickup-callerNumber') expect(value).toBe(named(played.input.callerNumber));
        else if (played && name === 'fs-pickup-dialled') {
          // The phone's Request-URI is percent-decoded by the SIP stack: `%0a` dialled is a line break in destination_number.
          const asDialled = [played.input.dialled, urlDecode(played.input.dialled)].map((dialled) => overTheWire(eventValue(overTheWire(`88${dialled}`).slice(0, 80))));
          expect(['88sales', ...asDialled].map((v) => JSON.stringify(v))).toContain(JSON.stringify(value));
        }
        else for (const marker of MARKERS) expect(value.includes(marker), `${name}: ${value.slice(0, 120)}`).toBe(false);
      }
      continue;
    }
    // Commands that act on channels: no piece of any input.
    for (const marker of MARKERS) expect(command.raw.includes(marker), command.raw.slice(0, 200)).toBe(false);
    for (const { input } of cases) {
      for (const text of [input.callerName, input.callerNumber, input.dialled]) {
        const word = /[A-Za-z0-9]{12,}/.exec(text)?.[0];
        if (word) expect(command.raw.includes(word), command.raw.slice(0, 200)).toBe(false);
      }
    }
  }
}

describe('hostile input, property-tested (issue 12, item 5)', () => {
  it('no byte of a caller name, caller number or dialled string reaches a command unescaped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileCase, { minLength: CASES_PER_RUN, maxLength: CASES_PER_RUN }), async (inputs) => {
        const from = bed.sim.commands.length;
        const played = await Promise.all(inputs.map(async (input) => ({ input, ...(await playCase(input)) })));
        seen.cases += inputs.length;
        // The last reports (pickup event, CDR of the caller's leg) go out right after the outcome.
        await new Promise((resolve) => setTimeout(resolve, 300));
        checkCommands(bed.sim.commands.slice(from), played);
      }),
      { seed, numRuns: RUNS, endOnFailure: true },
    );
    expect(seen.notices).toBe(RUNS * CASES_PER_RUN);
    // The controller still serves.
    expect(bed.controller.logsWith('unparseable data from FreeSWITCH; resetting the connection')).toEqual([]);
  }, 300_000);
});
