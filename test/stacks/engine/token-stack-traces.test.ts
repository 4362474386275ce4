import { Lazy, Tokenization } from 'cdktf';
import { CDKTN_DISABLE_CREATION_STACK, withoutTokenStackTraces } from '../../../stacks/engine/token-stack-traces';

/** The creation stack cdktf recorded for a new token. */
function creationStackOfNewToken(): string[] {
  const token = Lazy.stringValue({ produce: () => 'x' });
  return (Tokenization.reverseString(token).firstToken as unknown as { creationStack: string[] }).creationStack;
}

describe('withoutTokenStackTraces', () => {
  it('GIVEN tokens created inside THEN they carry no stack trace, and tokens created after do again', () => {
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
    expect(withoutTokenStackTraces(() => creationStackOfNewToken(), {})).toEqual([]);
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
  });

  it('GIVEN CDKTF_TOKEN_STACK_TRACES=true THEN tokens keep their stack traces', () => {
    expect(withoutTokenStackTraces(() => creationStackOfNewToken(), { CDKTF_TOKEN_STACK_TRACES: 'true' }).length).toBeGreaterThan(0);
  });

  it('GIVEN a function that throws THEN the traces are back on afterwards', () => {
    expect(() =>
      withoutTokenStackTraces(() => {
        throw new Error('boom');
      }, {}),
    ).toThrow('boom');
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
  });

  it('GIVEN an async function THEN the traces stay off until its promise settles', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = withoutTokenStackTraces(async () => {
      await gate;
      return creationStackOfNewToken();
    }, {});
    expect(creationStackOfNewToken()).toEqual([]);
    release();
    expect(await running).toEqual([]);
    expect(creationStackOfNewToken().length).toBeGreaterThan(0);
  });

  it("GIVEN the caller's own CDKTN_DISABLE_CREATION_STACK THEN it is as before afterwards, set or not (cdktn's switch is that variable)", () => {
    const before = process.env[CDKTN_DISABLE_CREATION_STACK];
    try {
      process.env[CDKTN_DISABLE_CREATION_STACK] = 'false';
      expect(withoutTokenStackTraces(() => creationStackOfNewToken(), {})).toEqual([]);
      expect(process.env[CDKTN_DISABLE_CREATION_STACK]).toBe('false');
      expect(creationStackOfNewToken().length).toBeGreaterThan(0);
      delete process.env[CDKTN_DISABLE_CREATION_STACK];
      withoutTokenStackTraces(() => creationStackOfNewToken(), {});
      expect(process.env[CDKTN_DISABLE_CREATION_STACK]).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env[CDKTN_DISABLE_CREATION_STACK];
      else process.env[CDKTN_DISABLE_CREATION_STACK] = before;
    }
  });
});
