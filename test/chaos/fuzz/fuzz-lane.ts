/**
 * One fuzz lane in a process of its own (the simulator, the mutator and the client under fuzz), so that lanes use
 * both cores: started by esl-fuzz.chaos.ts with its options as JSON in argv, it sends its report and exits.
 */
import { type FuzzOptions, fuzzEslClient } from './socket-fuzzer.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as FuzzOptions;
try {
  process.send?.({ report: await fuzzEslClient(options) });
} catch (error) {
  process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
process.disconnect?.();
