import { ConfigError, loadConfig } from './config/config.ts';
import { startController } from './controller.ts';
import { createLogger, reasonOf } from './logger.ts';

/** `npm start`: runs the controller with the FSP_* environment (see README). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`fs-pickup: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  logger.info(
    { nodes: config.nodes.map((node) => `${node.name}@${node.esl.host}:${node.esl.port}`), redis: config.redis.kind, prefix: config.pickupPrefix, strategy: config.claimStrategy },
    'fs-pickup starting',
  );
  // 'ready' follows once Redis and every node's event socket are connected.
  const controller = await startController(config, logger);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      // A second signal while pickups drain: the administrator wants it gone now.
      logger.warn({ signal }, 'fs-pickup stopped without waiting for pickups in flight');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, drainTimeoutMs: config.drainTimeoutMs }, 'fs-pickup stopping');
    controller.stop().then(
      () => {
        logger.info('fs-pickup stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ reason: reasonOf(error) }, 'fs-pickup did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`fs-pickup: cannot start: ${(error as Error).message}\n`);
  process.exit(1);
});
