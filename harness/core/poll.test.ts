import { expect } from 'chai';
import { ConditionTimeoutError, pollUntil } from './poll';

describe('pollUntil', () => {
  it('returns the first defined result, retrying attempts that throw', async () => {
    let calls = 0;
    const value = await pollUntil(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('not yet');
        return calls === 3 ? 'done' : undefined;
      },
      { timeoutMs: 2_000, intervalMs: 5, description: 'three calls' },
    );
    expect(value).to.equal('done');
    expect(calls).to.equal(3);
  });

  it('times out naming what it waited for and what the last attempt saw', async () => {
    const error = await pollUntil(
      async () => undefined,
      { timeoutMs: 50, intervalMs: 10, description: 'nothing at all' },
      () => 'still nothing',
    ).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConditionTimeoutError);
    expect((error as Error).message).to.equal('timed out after 50 ms waiting for nothing at all; still nothing');
    const lastError = await pollUntil(
      async () => {
        throw new Error('boom');
      },
      { timeoutMs: 30, intervalMs: 10, description: 'x' },
    ).catch((e: Error) => e.message);
    expect(lastError).to.equal('timed out after 30 ms waiting for x; last error: boom');
  });

  it('stops at once with what the guard throws', async () => {
    let calls = 0;
    const error = await pollUntil(
      async () => {
        calls += 1;
        return undefined;
      },
      {
        timeoutMs: 5_000,
        intervalMs: 5,
        description: 'x',
        guard: () => {
          if (calls >= 2) throw new Error('gone');
        },
      },
    ).catch((e: Error) => e.message);
    expect(error).to.equal('gone');
    expect(calls).to.equal(2);
  });
});
