import { expect } from 'chai';
import { withDeadline } from './deadline';

describe('withDeadline', () => {
  it('passes a value or an error through, and rejects at the deadline with what was awaited', async () => {
    expect(await withDeadline(Promise.resolve(7), 50, 'seven')).to.equal(7);
    await withDeadline(Promise.reject(new Error('own')), 50, 'x').then(
      () => expect.fail('should reject'),
      (e: Error) => expect(e.message).to.equal('own'),
    );
    await withDeadline(new Promise(() => undefined), 20, 'registering a user').then(
      () => expect.fail('should reject'),
      (e: Error) => expect(e.message).to.equal('registering a user took longer than 20 ms'),
    );
  });
});
