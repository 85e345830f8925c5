/**
 * The simulator in a process of its own, so that the client under test has a core to itself, writing the stream
 * of whole calls (call-stream.ts) raw to every connected client. The frames are built before any clock starts
 * ({cmd: 'prepare', events} → {events, bytes}); {cmd: 'flood'} writes them. Event-Sequence goes on increasing
 * from one prepared stream to the next, as on one FreeSWITCH.
 */
import { FreeSwitchSimulator } from '../test/simulator/index.ts';
import { CallStream } from './call-stream.ts';

export type FloodRequest = { readonly cmd: 'prepare'; readonly events: number } | { readonly cmd: 'flood' } | { readonly cmd: 'exit' };
export type FloodReply = { readonly port: number } | { readonly prepared: { readonly events: number; readonly bytes: number } } | { readonly flooded: true };

const sim = new FreeSwitchSimulator({ heartbeatIntervalMs: 3_600_000 });
const port = await sim.listen(0);
const stream = new CallStream(1_000_000);
let prepared: Buffer = Buffer.alloc(0);
const reply = (message: FloodReply): void => void process.send?.(message);
reply({ port });
process.on('message', (request: FloodRequest) => {
  switch (request.cmd) {
    case 'prepare': {
      const { bytes, events } = stream.frames(request.events);
      prepared = bytes;
      reply({ prepared: { events, bytes: bytes.length } });
      return;
    }
    case 'flood':
      sim.sendRawToClients(prepared);
      reply({ flooded: true });
      return;
    case 'exit':
      void sim.close().then(() => process.exit(0));
  }
});
