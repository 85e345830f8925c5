import { readCaptureEvents } from './capture-reader.ts';
import { legView } from './leg-sequences.ts';
const file = process.argv[2]!;
const view = legView(readCaptureEvents(file));
for (const [role, steps] of view.legs) {
  console.log('##', role);
  for (const s of steps) console.log('  ', s.event.replace('CHANNEL_', ''), s.state ?? '', s.callState, s.answerState, s.otherLeg ?? '-', s.hangupCause ?? '', 'sb=' + (s.signalBond ?? '-'), s.application ?? '');
}
