import { expect } from 'chai';
import { authEventSelection } from './auth-event-selection';

const knock = { type: 'm.room.member', sender: '@a:x', state_key: '@a:x', content: { membership: 'knock' } };

describe('authEventSelection', () => {
  it('selects create, power levels, sender and join rules for a knock (v7–v11)', () => {
    expect(authEventSelection(knock, '7')).to.deep.equal([
      ['m.room.create', ''],
      ['m.room.power_levels', ''],
      ['m.room.member', '@a:x'],
      ['m.room.join_rules', ''],
    ]);
  });

  it('leaves the create event out in v12', () => {
    expect(authEventSelection(knock, '12')).to.deep.equal([
      ['m.room.power_levels', ''],
      ['m.room.member', '@a:x'],
      ['m.room.join_rules', ''],
    ]);
  });

  it('selects the target, the third-party invite and the authorising user when they apply', () => {
    const invite = {
      type: 'm.room.member',
      sender: '@m:x',
      state_key: '@a:y',
      content: { membership: 'invite', third_party_invite: { signed: { token: 't' } } },
    };
    expect(authEventSelection(invite, '10')).to.deep.equal([
      ['m.room.create', ''],
      ['m.room.power_levels', ''],
      ['m.room.member', '@m:x'],
      ['m.room.member', '@a:y'],
      ['m.room.join_rules', ''],
      ['m.room.third_party_invite', 't'],
    ]);
    const join = {
      type: 'm.room.member',
      sender: '@a:y',
      state_key: '@a:y',
      content: { membership: 'join', join_authorised_via_users_server: '@m:x' },
    };
    expect(authEventSelection(join, '8')).to.deep.include(['m.room.member', '@m:x']);
    expect(authEventSelection(join, '7')).not.to.deep.include(['m.room.member', '@m:x']);
  });

  it('selects no join rules for leave or ban, and nothing for a create event', () => {
    const leave = { type: 'm.room.member', sender: '@m:x', state_key: '@a:y', content: { membership: 'leave' } };
    expect(authEventSelection(leave, '10')).not.to.deep.include(['m.room.join_rules', '']);
    expect(authEventSelection({ type: 'm.room.create', sender: '@a:x', state_key: '', content: {} }, '10')).to.deep.equal([]);
    expect(authEventSelection({ type: 'm.room.message', sender: '@a:x', content: {} }, '10')).to.deep.equal([
      ['m.room.create', ''],
      ['m.room.power_levels', ''],
      ['m.room.member', '@a:x'],
    ]);
  });

  it('with the current state, keeps only the events that exist', () => {
    const state = [
      { type: 'm.room.create', state_key: '', content: {} },
      { type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } },
    ];
    expect(authEventSelection(knock, state, '7')).to.deep.equal([
      ['m.room.create', ''],
      ['m.room.join_rules', ''],
    ]);
  });
});
