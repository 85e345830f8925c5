import { ConfigError, loadConfig } from './config/config.ts';
import { startController } from './controller.ts';
import { createLogger } from './logger.ts';

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
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'fs-pickup stopping');
    controller.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`fs-pickup: cannot start: ${(error as Error).message}\n`);
  process.exit(1);
});
