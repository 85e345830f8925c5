import { pino, type Logger } from 'pino';

/** The process logger: JSON lines on stdout; secrets redacted wherever they might be logged by mistake. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'fs-pickup' },
    redact: { paths: ['password', '*.password', 'esl.password', 'config.esl.password'], censor: '[redacted]' },
  });
}
