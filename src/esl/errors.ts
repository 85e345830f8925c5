import { FsPickupError } from '../domain/errors.ts';

/** The byte stream from FreeSWITCH cannot be framed any more (e.g. a bad Content-Length): the connection is reset. */
export class EslProtocolError extends FsPickupError {
  readonly code = 'FSP_ERR_ESL_PROTOCOL';
}

/** An ESL command could not be sent or got no answer: not connected, timed out, or the connection closed. */
export class EslUnavailableError extends FsPickupError {
  readonly code = 'FSP_ERR_ESL_UNAVAILABLE';
}

/** FreeSWITCH answered a command with `-ERR …`. */
export class EslCommandError extends FsPickupError {
  readonly code = 'FSP_ERR_ESL_COMMAND';
  constructor(
    readonly command: string,
    readonly replyText: string,
  ) {
    super(`FreeSWITCH refused "${command}": ${replyText}`);
  }
}

/** A command argument would change the meaning of the ESL command (line breaks, spaces in a uuid, …). */
export class EslUnsafeArgumentError extends FsPickupError {
  readonly code = 'FSP_ERR_ESL_UNSAFE_ARGUMENT';
}
