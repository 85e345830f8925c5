import { pino, type Logger } from 'pino';

/** The process logger: JSON lines on stdout; secrets redacted wherever they might be logged by mistake. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'fs-pickup' },
    redact: { paths: ['password', '*.password', 'esl.password', 'config.esl.password'], censor: '[redacted]' },
  });
}

/**
 * What an expected failure (Redis or FreeSWITCH not answering, a closed socket) goes into a log line as: its
 * message, without the stack trace that only a bug deserves (`err`).
 */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
