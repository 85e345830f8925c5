import { cpus } from 'node:os';
import type { TestProject } from 'vitest/node';
import startRunRedis from '../helpers/redis-global-setup.ts';
import { type FiguresFile, readFigures, renderFigures, writeFigures } from './figures.ts';
import { runSeed } from './seeded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chaosSeed: number;
  }
}

/**
 * The chaos run: the run's redis-server (as `npm test` has it), the seed every scenario derives from, and the
 * figures file started empty and stamped with the run's duration at the end, when the figures are printed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const seed = runSeed();
  const startedAt = new Date();
  console.log(`chaos: seed ${seed} (replay with CHAOS_SEED=${seed})`);
  writeFigures({ run: { seed, startedAt: startedAt.toISOString(), node: process.version, cpus: cpus().length }, sections: {} } satisfies FiguresFile);
  project.provide('chaosSeed', seed);
  const stopRedis = await startRunRedis(project);
  return async () => {
    await stopRedis();
    const file = readFigures();
    if (!file) return;
    file.run.finishedAt = new Date().toISOString();
    file.run.durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
    writeFigures(file);
    console.log(`${renderFigures(file)}\nchaos: seed ${seed} (replay with CHAOS_SEED=${seed})`);
  };
}
