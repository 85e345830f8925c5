import { readCaptureEvents } from './capture-reader.ts';
const [file, filter, ...names] = process.argv.slice(2);
for (const e of readCaptureEvents(file!)) {
  const n = e.get('Event-Name')!;
  if (!n.startsWith('CHANNEL_')) continue;
  const ch = e.get('Channel-Name') ?? '';
  if (!new RegExp(filter!).test(`${n} ${ch} ${e.get('Application') ?? ''}`)) continue;
  console.log('=====', n, ch, e.get('Application') ?? '');
  for (const [k, v] of e.headers) if (names.length === 0 || names.some((x) => k.includes(x))) console.log(`  ${k}: ${v}`);
}
