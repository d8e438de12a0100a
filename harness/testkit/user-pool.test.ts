import { expect } from 'chai';
import { OWNER_REUSE_LIMIT, clearOwnerPool, lendOwner, settleLentOwners } from './user-pool';

describe('the owner pool', () => {
  let registered = 0;
  const register = async () => {
    registered += 1;
    return { userId: `@owner-${registered}:hs`, accessToken: `token-${registered}`, deviceId: 'D' };
  };
  beforeEach(() => {
    clearOwnerPool();
    registered = 0;
  });

  it('lends distinct owners within one test and the same ones to the next test after a clean pass', async () => {
    const first = [await lendOwner('hs', register), await lendOwner('hs', register)];
    expect(first[0].userId).to.not.equal(first[1].userId);
    settleLentOwners(true);
    const second = [await lendOwner('hs', register), await lendOwner('hs', register)];
    expect(second.map((u) => u.userId)).to.deep.equal(first.map((u) => u.userId));
    expect(registered).to.equal(2);
  });

  it('never lends again an owner whose test failed or saw unexpected requests', async () => {
    const first = await lendOwner('hs', register);
    settleLentOwners(false);
    const second = await lendOwner('hs', register);
    expect(second.userId).to.not.equal(first.userId);
  });

  it(`retires an owner after ${OWNER_REUSE_LIMIT} tests`, async () => {
    const owners = new Set<string>();
    for (let test = 0; test < OWNER_REUSE_LIMIT + 1; test++) {
      owners.add((await lendOwner('hs', register)).userId);
      settleLentOwners(true);
    }
    expect([...owners]).to.deep.equal(['@owner-1:hs', '@owner-2:hs']);
  });

  it('keeps the owners of each HSUT apart', async () => {
    const onA = await lendOwner('a', register);
    settleLentOwners(true);
    const onB = await lendOwner('b', register);
    expect(onB.userId).to.not.equal(onA.userId);
  });
});
