/**
 * The engine says what it is doing, one line per step, so a user who waits for an install or a base image
 * build knows why. An EngineError is an environment problem: the command exits 2 with the message and the fix.
 */
export interface EngineLog {
  step(message: string): void;
}

export class EngineError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export function engineLog(write: (text: string) => void): EngineLog {
  return { step: (message) => write(`engine: ${message}\n`) };
}
