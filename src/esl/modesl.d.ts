// modesl ships no typings; this declares the part of modesl 1.2.1 that src/esl/modesl-connection.ts uses.
declare module 'modesl' {
  import type { Socket } from 'node:net';

  class Event {
    constructor(headers: Record<string, string | number>, body?: string);
    getHeader(name: string): string | null;
    addHeader(name: string, value: string): void;
    getBody(): string;
  }

  class Connection {
    constructor(host: string, port: number, password: string, onReady?: () => void);
    socket: Socket | null;
    parser: unknown;
    connecting: boolean;
    authed: boolean;
    on(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    emit(event: string, ...args: unknown[]): boolean;
    removeAllListeners(event?: string): this;
    /** Reply callbacks waiting for command/reply and api/response frames, first in first out. */
    cmdCallbackQueue: Array<(reply: Event) => void>;
    apiCallbackQueue: Array<(reply: Event) => void>;
    sendRecv(command: string, args: Readonly<Record<string, string>> | null | ((reply: Event) => void), callback?: (reply: Event) => void): void;
    api(command: string, callback: (reply: Event) => void): void;
    auth(callback?: (err: Error | null, reply: Event) => void): void;
    _onEvent(event: Event, headers: Record<string, string | number>, body?: string): void;
    _onConnect(): void;
  }

  const modesl: { Connection: typeof Connection; Event: typeof Event };
  export default modesl;
}
