import { expect } from 'chai';
import { notClaimedReason } from './claimed';

describe('claimed tests', () => {
  it('a test is not claimed only when every clause it names is outside the judged version', () => {
    expect(notClaimedReason(['send_knock.knock-room-state.pdus'], '1.12')).to.match(
      /outside the judged spec v1.12: send_knock.knock-room-state.pdus \(v1.16\+\)/,
    );
    expect(notClaimedReason(['send_knock.knock-room-state.pdus', 'send_knock.accepted'], '1.12')).to.equal(undefined);
    expect(notClaimedReason(['client.knock-server-name'], '1.19')).to.match(/v1.1–v1.13/);
    expect(notClaimedReason([], '1.12')).to.equal(undefined);
  });
});
