/**
 * The `originate` API for the loopback endpoint, as the capture driver used it:
 * `originate {origination_uuid=…,origination_caller_id_number=…}loopback/<dest>[/<context>] &park()`.
 * Resolves like FreeSWITCH's job body: `+OK <uuid>\n` once the -a leg is answered, else `-ERR <cause>\n`.
 */
import type { AppCall } from './channel.ts';
import { parseDialString } from './dial-string.ts';
import { createLoopbackPair } from './leg-factory.ts';
import type { SwitchCore } from './switch-core.ts';

/** Runs an originate command line (everything after `originate `). */
export async function originate(core: SwitchCore, argument: string): Promise<string> {
  const [dialText = '', target = ''] = splitAtTopLevelSpace(argument.trim());
  const dial = parseDialString(dialText);
  const leg = dial.legs[0];
  const loopback = leg && /^loopback\/([^/]+)(?:\/([^/]+))?/.exec(leg.endpoint);
  if (!loopback) return '-ERR CHAN_NOT_IMPLEMENTED\n';
  const variables = { ...dial.globals, ...leg.variables };
  const { a, b } = createLoopbackPair(
    core,
    {
      destination: loopback[1]!,
      context: loopback[2] ?? 'default',
      callerIdName: variables['origination_caller_id_name'] ?? 'FreeSWITCH',
      callerIdNumber: variables['origination_caller_id_number'] ?? '0000000000',
    },
    variables,
  );
  core.route(b);
  while (a.alive && !a.answered) await a.wakeup.wait();
  if (!a.answered || !a.alive) return `-ERR ${a.hangupCause ?? 'NORMAL_CLEARING'}\n`;
  const application = /^&([\w-]+)\((.*)\)$/s.exec(target.trim());
  if (application) {
    core.enterExecute(a);
    core.run(a, [{ app: application[1]!, arg: application[2]! } satisfies AppCall]);
  } else {
    const [extension = '', , context = 'default'] = target.trim().split(/\s+/);
    const program = core.lookupDialplan(a, extension, context);
    if (program) core.transfer(a, program);
    else core.hangup(a, 'NO_ROUTE_DESTINATION');
  }
  return `+OK ${a.uuid}\n`;
}

function splitAtTopLevelSpace(text: string): [string, string] {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === ' ' && depth === 0) return [text.slice(0, i), text.slice(i + 1)];
  }
  return [text, ''];
}
