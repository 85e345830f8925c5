/**
 * Runs a full garbage collection in a controller through its inspector (the soak starts controllers with
 * `--inspect=127.0.0.1:0`), so that the heap read next is what the controller really holds, not garbage that a
 * major collection has not reached yet. As a script (`node --experimental-websocket`, Node 20 has no WebSocket
 * client otherwise): connects to the URL given, collects twice, exits 0.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ControllerProcess } from '../../helpers/controller-process.ts';

const run = promisify(execFile);
const INSPECTOR = /Debugger listening on (ws:\/\/\S+)/;

/** Collects the controller's garbage; rejects when it was not started with an inspector. */
export async function collectGarbage(controller: ControllerProcess): Promise<void> {
  const url = INSPECTOR.exec(controller.stderr.join(''))?.[1];
  if (!url) throw new Error('the controller was not started with --inspect');
  await run(process.execPath, ['--experimental-websocket', '--no-warnings', '--import', 'tsx', fileURLToPath(import.meta.url), url], { timeout: 10_000 });
}

async function collectOver(url: string): Promise<void> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const call = (method: string): Promise<void> =>
    new Promise((resolve) => {
      const sent = ++id;
      socket.onmessage = (message) => {
        if ((JSON.parse(String(message.data)) as { id?: number }).id === sent) resolve();
      };
      socket.send(JSON.stringify({ id: sent, method }));
    });
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  socket.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  collectOver(process.argv[2] as string).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
