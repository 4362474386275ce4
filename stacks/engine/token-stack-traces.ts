import * as stackTraceModule from 'cdktf/lib/tokens/private/stack-trace';

/**
 * The runtime's stack-trace module (a CommonJS module: its exports object is shared, so replacing a
 * function on it reaches every caller that looks it up there). cdktf 0.21 has `captureStackTrace`
 * only, called through the exports object by every token constructor; CDK Terrain (cdktn) adds
 * `captureCreationStack`, which its token constructors call instead and which returns no trace when
 * `CDKTN_DISABLE_CREATION_STACK` is `true`.
 */
const stackTrace = stackTraceModule as {
  captureStackTrace: typeof stackTraceModule.captureStackTrace;
  captureCreationStack?: () => string[];
};

/** The runtime's token stack-trace capture as it is now (for checks that nothing replaced it). */
export function tokenStackTraceCapture(): () => string[] {
  return stackTrace.captureStackTrace;
}

/** The environment variable with which cdktn turns creation stacks off. */
export const CDKTN_DISABLE_CREATION_STACK = 'CDKTN_DISABLE_CREATION_STACK';

/** How the runtime's creation stacks are turned off: its own environment variable, or by replacing the capture. */
export type StackTraceSwitch = 'environment' | 'replace-capture';

let detected: StackTraceSwitch | undefined;

/**
 * Which way the installed runtime supports, found by trying it: when the runtime has
 * `captureCreationStack` and it returns no trace with `CDKTN_DISABLE_CREATION_STACK=true`, the
 * environment variable (the runtime's own switch; replacing the function on the exports object would
 * not reach its internal calls); otherwise replacing `captureStackTrace`.
 */
export function stackTraceSwitch(): StackTraceSwitch {
  if (detected) return detected;
  detected = 'replace-capture';
  const capture = stackTrace.captureCreationStack;
  if (typeof capture === 'function') {
    const previous = process.env[CDKTN_DISABLE_CREATION_STACK];
    process.env[CDKTN_DISABLE_CREATION_STACK] = 'true';
    try {
      if (capture().length === 0) detected = 'environment';
    } finally {
      restoreVariable(previous);
    }
  }
  return detected;
}

function restoreVariable(previous: string | undefined): void {
  if (previous === undefined) delete process.env[CDKTN_DISABLE_CREATION_STACK];
  else process.env[CDKTN_DISABLE_CREATION_STACK] = previous;
}

/** Turns the runtime's creation stacks off; returns what turns them back on. */
function turnOff(): () => void {
  if (stackTraceSwitch() === 'environment') {
    const previous = process.env[CDKTN_DISABLE_CREATION_STACK];
    process.env[CDKTN_DISABLE_CREATION_STACK] = 'true';
    return () => restoreVariable(previous);
  }
  const capture = stackTrace.captureStackTrace;
  stackTrace.captureStackTrace = () => [];
  return () => {
    stackTrace.captureStackTrace = capture;
  };
}

/**
 * Runs `fn` with the runtime's token stack traces off, until it returns (or its promise settles).
 * cdktf captures and formats a full stack trace for every token it creates (about 10,000 for 100
 * environments) only to print it if that token later fails to resolve: about 15% of a synth. A
 * resolution error still names the token; set `CDKTF_TOKEN_STACK_TRACES=true` to get where it was
 * created as well. Works on cdktf 0.21 and on cdktn, each the way it supports (see {@link stackTraceSwitch}).
 */
export function withoutTokenStackTraces<T>(fn: () => T, env: NodeJS.ProcessEnv = process.env): T {
  if (env.CDKTF_TOKEN_STACK_TRACES === 'true') return fn();
  const restore = turnOff();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
