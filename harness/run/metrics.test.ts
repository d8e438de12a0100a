import { expect } from 'chai';
import { hsutTimeByEndpoint, routeOf, unionLength } from './metrics';

describe('run metrics', () => {
  it('names a request by its route, with room, user, event IDs and transaction IDs replaced', () => {
    expect(routeOf('GET', '/_matrix/client/v3/rooms/!abc%3Alocalhost%3A8008/state/m.room.member/%40u%3Ahs')).to.equal(
      'GET /_matrix/client/v3/rooms/{id}/state/m.room.member/{id}',
    );
    expect(routeOf('PUT', 'https://127.0.0.1:8448/_matrix/federation/v1/send/1795526139628?x=1')).to.equal(
      'PUT /_matrix/federation/v1/send/{id}',
    );
    expect(routeOf('POST', '/_matrix/client/v3/createRoom')).to.equal('POST /_matrix/client/v3/createRoom');
  });

  it('adds up request time per endpoint, busiest first', () => {
    const top = hsutTimeByEndpoint([
      [0, 10, 'POST /register'],
      [5, 35, 'POST /createRoom'],
      [30, 40, 'POST /register'],
    ]);
    expect(top).to.deep.equal([
      { route: 'POST /createRoom', requests: 1, totalMs: 30, meanMs: 30 },
      { route: 'POST /register', requests: 2, totalMs: 20, meanMs: 10 },
    ]);
  });

  it('counts overlapping requests once in the time spent waiting on the HSUT', () => {
    expect(
      unionLength([
        [0, 10],
        [5, 25],
        [30, 40],
      ]),
    ).to.equal(35);
    expect(unionLength([])).to.equal(0);
  });
});
