/**
 * `npm run demo`: the vendor guide's scenario, end to end, with no FreeSWITCH. Starts a private redis-server,
 * the FreeSWITCH ESL simulator the tests use, and the real controller; sets the users' groups with pickupctl;
 * then a call rings a "sales" member, user 100 (pickup group "sales") dials 88sales and gets it, and user 300
 * (no "sales" pickup group) is refused.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { runCli } from '../src/admin/cli.ts';
import { loadConfig } from '../src/config/config.ts';
import { startController } from '../src/controller.ts';
import { startRedisServer } from '../test/helpers/redis-server.ts';
import { FreeSwitchSimulator } from '../test/simulator/index.ts';

const DOMAIN = 'pbx.example.com';
const say = (text: string): void => void process.stdout.write(`${text}\n`);

const NOT_SHOWN = new Set(['msg', 'module', 'level', 'time', 'pid', 'hostname', 'service', 'node']);

/** Shows the controller's JSON log lines in a compact, readable form. */
const controllerLog = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString().split('\n').filter(Boolean)) {
      const line = JSON.parse(text) as Record<string, unknown>;
      const details = Object.entries(line)
        .filter(([key]) => !NOT_SHOWN.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      say(`      [controller/${String(line.module ?? 'main')}] ${String(line.msg)}  ${details}`);
      if (line.msg === 'ready') controllerLog.emit('ready');
    }
    done();
  },
});

async function main(): Promise<void> {
  say('fs-pickup demo — no FreeSWITCH needed: a simulated switch, a private Redis, the real controller\n');
  const redis = await startRedisServer();
  const sim = new FreeSwitchSimulator({ switchname: 'demo-node' });
  const port = await sim.listen(0);
  // Port 0: any free port for the pickup socket; the simulated dialplan is pointed at it below.
  const env = { FSP_REDIS_URL: redis.url, FSP_ESL_HOST: '127.0.0.1', FSP_ESL_PORT: String(port), FSP_NODE_NAME: 'demo-node', FSP_SOCKET_LISTEN: '127.0.0.1:0' };
  try {
    say(`1. Users' groups, set with pickupctl (Redis ${redis.url}):`);
    const cli = (args: string[]) => runCli(args, env, { out: (t) => say(`   ${t}`), err: (t) => say(`   ! ${t}`), readInput: () => '' });
    await cli(['set', `200@${DOMAIN}`, `201@${DOMAIN}`, '--call-groups', 'sales']);
    await cli(['set', `100@${DOMAIN}`, '--call-groups', 'support', '--pickup-groups', 'sales,support']);
    await cli(['set', `300@${DOMAIN}`, '--call-groups', 'support', '--pickup-groups', 'support']);
    say(`   and an invalid one is refused, nothing written:`);
    await cli(['set', `301@${DOMAIN}`, '--call-groups', 'sales team']);

    say(`\n2. The controller connects to the simulated FreeSWITCH on 127.0.0.1:${port}, whose dialplan connects pickups to it:`);
    const ready = new Promise<void>((resolve) => controllerLog.once('ready', resolve));
    const controller = await startController(loadConfig(env), pino({ level: 'info' }, controllerLog));
    sim.setGlobal('fs_pickup_controllers', `${controller.socketAddress.host}:${controller.socketAddress.port}`);
    await ready;

    say('\n3. A caller (5551234) calls user 200, a "sales" member; the phone rings:');
    const call = await sim.placeCall({ domain: DOMAIN, targets: ['200'], callerNumber: '5551234', callerName: 'Customer' });
    await new Promise((resolve) => setTimeout(resolve, 150));

    say('\n4. User 100 (pickup groups sales,support) dials 88sales:');
    const picker = await sim.dialPickup({ extension: '100', domain: DOMAIN, dialled: '88sales' });
    const bridged = await sim.waitForChannel(picker, (c) => c.bridgedTo === call.aLeg, 5_000);
    const ringing = await sim.waitForChannel(call.bLegs[0] as string, (c) => c.hangupCause !== undefined, 5_000);
    say(`   => user 100 talks to the caller (picker ${bridged.uuid.slice(0, 8)} bridged to caller leg ${call.aLeg.slice(0, 8)}); 200's phone stopped ringing: ${ringing.hangupCause}`);

    say('\n5. Another call rings 201 ("sales"); user 300 (pickup group support only) dials 88sales:');
    const second = await sim.placeCall({ domain: DOMAIN, targets: ['201'], callerNumber: '5559876' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const refused = await sim.dialPickup({ extension: '300', domain: DOMAIN, dialled: '88sales' });
    const ended = await sim.waitForChannel(refused, (c) => c.hangupCause !== undefined, 5_000);
    say(`   => user 300 hears a tone and the call ends with ${ended.hangupCause} (SIP 403); 201 still rings: ${sim.channel(second.bLegs[0] as string)?.hangupCause === undefined}`);

    await sim.hangup(second.aLeg);
    await sim.hangup(picker);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await controller.stop();
    say('\nDone.');
  } finally {
    await sim.close();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
