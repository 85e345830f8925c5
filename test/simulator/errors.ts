/**
 * Errors the simulator and its test helpers throw. Codes: SIM_NO_CHANNEL (no such live channel),
 * SIM_TIMEOUT (a wait ran out), SIM_BAD_STATE (the channel cannot do what was asked now),
 * SIM_FRAME_SYNTAX (bytes that are not a well-formed ESL frame or event), SIM_BAD_CONFIG (simulator
 * options that cannot work: a malformed or taken cluster SIP address).
 */

/** Base class: a stable `code` for every simulator error. */
export class SimulatorError extends Error {
  constructor(
    readonly code: 'SIM_NO_CHANNEL' | 'SIM_TIMEOUT' | 'SIM_BAD_STATE' | 'SIM_FRAME_SYNTAX' | 'SIM_BAD_CONFIG',
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

/** No live channel has this uuid. */
export class NoSuchChannelError extends SimulatorError {
  constructor(readonly uuid: string) {
    super('SIM_NO_CHANNEL', `no live channel ${uuid}`);
    this.name = 'NoSuchChannelError';
  }
}

/** A wait for a channel condition did not complete in time. */
export class SimulatorTimeoutError extends SimulatorError {
  constructor(readonly what: string, readonly timeoutMs: number) {
    super('SIM_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'SimulatorTimeoutError';
  }
}

/** The channel exists but is not in a state where the request makes sense. */
export class ChannelStateError extends SimulatorError {
  constructor(readonly uuid: string, detail: string) {
    super('SIM_BAD_STATE', `channel ${uuid}: ${detail}`);
    this.name = 'ChannelStateError';
  }
}

/** Bytes that do not frame (a header line without `: `, a bad Content-Length, unreadable event json). */
export class FrameSyntaxError extends SimulatorError {
  constructor(readonly detail: string) {
    super('SIM_FRAME_SYNTAX', `malformed ESL frame: ${detail}`);
    this.name = 'FrameSyntaxError';
  }
}

/** Simulator options that cannot work together (cluster SIP address malformed, missing or taken). */
export class SimulatorConfigError extends SimulatorError {
  constructor(readonly detail: string) {
    super('SIM_BAD_CONFIG', `bad simulator options: ${detail}`);
    this.name = 'SimulatorConfigError';
  }
}
