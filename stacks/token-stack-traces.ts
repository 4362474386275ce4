import * as stackTraceModule from 'cdktf/lib/tokens/private/stack-trace';

/** cdktf's module exports (a CommonJS module: its exports object is shared, so replacing the function reaches every caller). */
const stackTrace = stackTraceModule as { captureStackTrace: typeof stackTraceModule.captureStackTrace };

/**
 * Runs `fn` with cdktf's token stack traces off, until it returns (or its promise settles). cdktf
 * captures and formats a full stack trace for every token it creates (about 10,000 for 100
 * environments) only to print it if that token later fails to resolve: about 15% of a synth. A
 * resolution error still names the token; set `CDKTF_TOKEN_STACK_TRACES=true` to get where it
 * was created as well.
 */
export function withoutTokenStackTraces<T>(fn: () => T, env: NodeJS.ProcessEnv = process.env): T {
  if (env.CDKTF_TOKEN_STACK_TRACES === 'true') return fn();
  const capture = stackTrace.captureStackTrace;
  const restore = (): void => {
    stackTrace.captureStackTrace = capture;
  };
  stackTrace.captureStackTrace = () => [];
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
