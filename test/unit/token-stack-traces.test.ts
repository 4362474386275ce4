import { Lazy, Tokenization } from 'cdktf';
import { withoutTokenStackTraces } from '../../stacks/token-stack-traces';

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
});
