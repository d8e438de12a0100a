import { expect } from 'chai';
import type { StateEventLike } from './auth-state';
import { encodeBase64 } from './base64';
import { eventId } from './event-hashes';
import { signJson } from './json-signing';
import { checkMembershipAuth } from './membership-auth';
import { getRoomVersion, versionsWhere } from './room-versions';
import { generateSigningKey } from './signing-key';

const CREATOR = '@creator:hs';
const ALICE = '@alice:remote';
const MOD = '@mod:hs';

interface RoomSpec {
  joinRule?: string;
  members?: Record<string, string>;
  powerLevels?: Record<string, unknown>;
  createContent?: Record<string, unknown>;
  extra?: StateEventLike[];
}

function createEvent(version: string, extraContent: Record<string, unknown> = {}): StateEventLike {
  const content: Record<string, unknown> = { room_version: version, ...extraContent };
  if (getRoomVersion(version).creatorInContent) content.creator = CREATOR;
  const create: StateEventLike = {
    type: 'm.room.create',
    state_key: '',
    sender: CREATOR,
    content,
    depth: 1,
    origin_server_ts: 0,
    prev_events: [],
    auth_events: [],
    hashes: { sha256: 'x' },
  };
  if (!getRoomVersion(version).roomIdFromCreateHash) create.room_id = '!room:hs';
  if (getRoomVersion(version).eventIdFormat === 'v1') create.event_id = '$create:hs';
  return create;
}

function roomState(version: string, spec: RoomSpec = {}): StateEventLike[] {
  const state: StateEventLike[] = [createEvent(version, spec.createContent)];
  if (spec.joinRule) state.push({ type: 'm.room.join_rules', state_key: '', sender: CREATOR, content: { join_rule: spec.joinRule } });
  if (spec.powerLevels) state.push({ type: 'm.room.power_levels', state_key: '', sender: CREATOR, content: spec.powerLevels });
  const members = { [CREATOR]: 'join', ...spec.members };
  for (const [user, membership] of Object.entries(members)) {
    state.push({ type: 'm.room.member', state_key: user, sender: user, content: { membership } });
  }
  return [...state, ...(spec.extra ?? [])];
}

function member(sender: string, target: string, membership: string, content: Record<string, unknown> = {}) {
  return { type: 'm.room.member', sender, state_key: target, content: { membership, ...content }, prev_events: ['$p'] };
}

const knockVersions = versionsWhere((v) => v.knockAllowed);
const preKnockVersions = versionsWhere((v) => !v.knockAllowed);

describe('checkMembershipAuth', () => {
  describe('knock', () => {
    for (const version of knockVersions) {
      const knockRestricted = getRoomVersion(version).knockRestrictedAllowed;
      const joinRuleRule = knockRestricted ? 'knock: join_rule is not knock or knock_restricted' : 'knock: join_rule is not knock';
      describe(`v${version}`, () => {
        it('allows a user with no membership to knock on a knock room', () => {
          expect(
            checkMembershipAuth(member(ALICE, ALICE, 'knock', { reason: 'hi' }), roomState(version, { joinRule: 'knock' }), version),
          ).to.deep.equal({ allowed: true });
        });
        it('allows knocking after leaving, and knocking again while knocking (current spec: not ban, invite or join)', () => {
          for (const current of ['leave', 'knock']) {
            const state = roomState(version, { joinRule: 'knock', members: { [ALICE]: current } });
            expect(checkMembershipAuth(member(ALICE, ALICE, 'knock'), state, version)).to.deep.equal({ allowed: true });
          }
        });
        for (const current of ['ban', 'invite', 'join']) {
          it(`rejects a knock from a user whose membership is ${current}`, () => {
            const state = roomState(version, { joinRule: 'knock', members: { [ALICE]: current } });
            expect(checkMembershipAuth(member(ALICE, ALICE, 'knock'), state, version)).to.deep.equal({
              allowed: false,
              rule: `knock: sender is already ${current}`,
            });
          });
        }
        for (const joinRule of ['public', 'invite', 'restricted', 'private', undefined]) {
          it(`rejects a knock when the join rule is ${joinRule ?? 'absent'}`, () => {
            expect(checkMembershipAuth(member(ALICE, ALICE, 'knock'), roomState(version, { joinRule }), version)).to.deep.equal({
              allowed: false,
              rule: joinRuleRule,
            });
          });
        }
        it(`${knockRestricted ? 'allows' : 'rejects'} a knock on a knock_restricted room`, () => {
          const result = checkMembershipAuth(member(ALICE, ALICE, 'knock'), roomState(version, { joinRule: 'knock_restricted' }), version);
          expect(result).to.deep.equal(knockRestricted ? { allowed: true } : { allowed: false, rule: joinRuleRule });
        });
        it('rejects a knock sent on behalf of someone else', () => {
          expect(
            checkMembershipAuth(
              member(MOD, ALICE, 'knock'),
              roomState(version, { joinRule: 'knock', members: { [MOD]: 'join' } }),
              version,
            ),
          ).to.deep.equal({ allowed: false, rule: 'knock: sender is not state_key' });
        });
        it('checks the join rule before the sender (rule order)', () => {
          expect(checkMembershipAuth(member(MOD, ALICE, 'knock'), roomState(version, { joinRule: 'invite' }), version)).to.deep.equal({
            allowed: false,
            rule: joinRuleRule,
          });
        });
        it('lets a knocking user rescind with leave', () => {
          const state = roomState(version, { joinRule: 'knock', members: { [ALICE]: 'knock' } });
          expect(checkMembershipAuth(member(ALICE, ALICE, 'leave'), state, version)).to.deep.equal({ allowed: true });
        });
        it('lets a knocking user be invited (accept) and kicked (reject)', () => {
          const state = roomState(version, { joinRule: 'knock', members: { [ALICE]: 'knock' } });
          expect(checkMembershipAuth(member(CREATOR, ALICE, 'invite'), state, version)).to.deep.equal({ allowed: true });
          expect(checkMembershipAuth(member(CREATOR, ALICE, 'leave'), state, version)).to.deep.equal({ allowed: true });
        });
        it('does not let a knocking user join a knock room without an invite', () => {
          const state = roomState(version, { joinRule: 'knock', members: { [ALICE]: 'knock' } });
          expect(checkMembershipAuth(member(ALICE, ALICE, 'join'), state, version)).to.deep.equal({
            allowed: false,
            rule: 'join: join_rule is knock and sender is not invited or joined',
          });
        });
      });
    }
    for (const version of preKnockVersions) {
      it(`v${version}: rejects knock as an unknown membership, even with join_rule knock`, () => {
        expect(checkMembershipAuth(member(ALICE, ALICE, 'knock'), roomState(version, { joinRule: 'knock' }), version)).to.deep.equal({
          allowed: false,
          rule: 'member: unknown membership knock',
        });
      });
      it(`v${version}: does not let a join rule of knock admit invited users`, () => {
        const state = roomState(version, { joinRule: 'knock', members: { [ALICE]: 'invite' } });
        expect(checkMembershipAuth(member(ALICE, ALICE, 'join'), state, version).allowed).to.equal(false);
      });
    }
  });

  describe('join', () => {
    for (const version of ['1', '3', '10', '11', '12']) {
      it(`v${version}: allows the creator's first join right after the create event`, () => {
        const state = roomState(version);
        const create = state[0]!;
        const createId = eventId(create, version);
        const prev = getRoomVersion(version).prevEventsFormat === 'tuples' ? [[createId, { sha256: 'x' }]] : [createId];
        const join = { ...member(CREATOR, CREATOR, 'join'), prev_events: prev };
        expect(checkMembershipAuth(join, state.slice(0, 1), version)).to.deep.equal({ allowed: true });
        expect(checkMembershipAuth({ ...join, prev_events: ['$other'] }, state.slice(0, 1), version).allowed).to.equal(false);
      });
    }
    it('allows joining a public room and rejects a banned user', () => {
      expect(checkMembershipAuth(member(ALICE, ALICE, 'join'), roomState('10', { joinRule: 'public' }), '10')).to.deep.equal({
        allowed: true,
      });
      expect(
        checkMembershipAuth(member(ALICE, ALICE, 'join'), roomState('10', { joinRule: 'public', members: { [ALICE]: 'ban' } }), '10'),
      ).to.deep.equal({ allowed: false, rule: 'join: sender is banned' });
      expect(checkMembershipAuth(member(MOD, ALICE, 'join'), roomState('10', { joinRule: 'public' }), '10')).to.deep.equal({
        allowed: false,
        rule: 'join: sender is not state_key',
      });
    });
    it('allows invited users to join invite and knock rooms', () => {
      for (const joinRule of ['invite', 'knock']) {
        expect(
          checkMembershipAuth(member(ALICE, ALICE, 'join'), roomState('7', { joinRule, members: { [ALICE]: 'invite' } }), '7'),
        ).to.deep.equal({ allowed: true });
      }
    });
    for (const joinRule of ['restricted', 'knock_restricted']) {
      it(`${joinRule}: needs join_authorised_via_users_server naming a joined user who can invite`, () => {
        const state = roomState('10', {
          joinRule,
          members: { [MOD]: 'join' },
          powerLevels: { invite: 50, users: { [MOD]: 50, [CREATOR]: 100 } },
        });
        const via = (user: string) => member(ALICE, ALICE, 'join', { join_authorised_via_users_server: user });
        expect(checkMembershipAuth(via(MOD), state, '10')).to.deep.equal({ allowed: true });
        expect(checkMembershipAuth(member(ALICE, ALICE, 'join'), state, '10').allowed).to.equal(false);
        expect(checkMembershipAuth(via('@nobody:hs'), state, '10').allowed).to.equal(false);
        const weakMod = roomState('10', { joinRule, members: { [MOD]: 'join' }, powerLevels: { invite: 50, users: { [CREATOR]: 100 } } });
        expect(checkMembershipAuth(via(MOD), weakMod, '10')).to.deep.equal({
          allowed: false,
          rule: `join: join_rule is ${joinRule} and join_authorised_via_users_server is not a joined user who can invite`,
        });
        expect(checkMembershipAuth(via(MOD), state, '10', { isSignedBy: () => false })).to.deep.equal({
          allowed: false,
          rule: "join_authorised_via_users_server: event not signed by that user's server",
        });
      });
    }
    it('treats restricted as unknown before v8 and knock_restricted as unknown before v10', () => {
      const via = member(ALICE, ALICE, 'join', { join_authorised_via_users_server: CREATOR });
      expect(checkMembershipAuth(via, roomState('7', { joinRule: 'restricted' }), '7').allowed).to.equal(false);
      expect(checkMembershipAuth(via, roomState('9', { joinRule: 'knock_restricted' }), '9').allowed).to.equal(false);
      expect(checkMembershipAuth(via, roomState('8', { joinRule: 'restricted' }), '8').allowed).to.equal(true);
    });
  });

  describe('invite, leave, ban and power levels', () => {
    it('invite needs a joined sender at the invite level and a target not joined or banned', () => {
      const state = roomState('10', {
        joinRule: 'invite',
        members: { [MOD]: 'join', '@banned:hs': 'ban' },
        powerLevels: { invite: 50, users: { [CREATOR]: 100 } },
      });
      expect(checkMembershipAuth(member(CREATOR, ALICE, 'invite'), state, '10')).to.deep.equal({ allowed: true });
      expect(checkMembershipAuth(member(MOD, ALICE, 'invite'), state, '10')).to.deep.equal({
        allowed: false,
        rule: 'invite: sender power level is below the invite level',
      });
      expect(checkMembershipAuth(member(ALICE, MOD, 'invite'), state, '10')).to.deep.equal({
        allowed: false,
        rule: 'invite: sender is not joined',
      });
      expect(checkMembershipAuth(member(CREATOR, '@banned:hs', 'invite'), state, '10')).to.deep.equal({
        allowed: false,
        rule: 'invite: target is ban',
      });
    });

    it('third-party invite is allowed when signed by a key of the m.room.third_party_invite event', () => {
      const identityKey = generateSigningKey('ed25519:0');
      const signed = signJson({ mxid: ALICE, token: 'tok' }, 'id.example', identityKey.keyId, identityKey.seed);
      const thirdParty = {
        type: 'm.room.third_party_invite',
        state_key: 'tok',
        sender: CREATOR,
        content: { public_keys: [{ public_key: encodeBase64(identityKey.publicKey) }] },
      };
      const state = roomState('11', { joinRule: 'invite', extra: [thirdParty] });
      const invite = (signedPart: unknown, sender = CREATOR) =>
        member(sender, ALICE, 'invite', { third_party_invite: { display_name: 'a', signed: signedPart } });
      expect(checkMembershipAuth(invite(signed), state, '11')).to.deep.equal({ allowed: true });
      expect(checkMembershipAuth(invite({ ...signed, mxid: '@eve:x' }), state, '11').allowed).to.equal(false);
      expect(checkMembershipAuth(invite({ ...signed, token: 'other' }), state, '11')).to.deep.equal({
        allowed: false,
        rule: 'invite: no m.room.third_party_invite for the token',
      });
      expect(
        checkMembershipAuth(invite(signed, MOD), roomState('11', { members: { [MOD]: 'join' }, extra: [thirdParty] }), '11'),
      ).to.deep.equal({ allowed: false, rule: 'invite: sender is not the sender of the m.room.third_party_invite' });
      const forged = signJson({ mxid: ALICE, token: 'tok' }, 'id.example', 'ed25519:0', generateSigningKey().seed);
      expect(checkMembershipAuth(invite(forged), state, '11').allowed).to.equal(false);
    });

    it('kick needs the kick level and more power than the target; unbanning needs the ban level', () => {
      const state = roomState('10', {
        members: { [MOD]: 'join', [ALICE]: 'join', '@banned:hs': 'ban' },
        powerLevels: { kick: 50, ban: 75, users: { [CREATOR]: 100, [MOD]: 50 } },
      });
      expect(checkMembershipAuth(member(MOD, ALICE, 'leave'), state, '10')).to.deep.equal({ allowed: true });
      expect(checkMembershipAuth(member(ALICE, MOD, 'leave'), state, '10').allowed).to.equal(false);
      expect(checkMembershipAuth(member(MOD, '@banned:hs', 'leave'), state, '10')).to.deep.equal({
        allowed: false,
        rule: 'leave: target is banned and sender power level is below the ban level',
      });
      expect(checkMembershipAuth(member(CREATOR, '@banned:hs', 'leave'), state, '10')).to.deep.equal({ allowed: true });
      expect(checkMembershipAuth(member(MOD, ALICE, 'ban'), state, '10').allowed).to.equal(false);
      expect(checkMembershipAuth(member(CREATOR, MOD, 'ban'), state, '10')).to.deep.equal({ allowed: true });
      expect(checkMembershipAuth(member('@out:hs', '@out:hs', 'leave'), state, '10').allowed).to.equal(false);
    });

    it('reads string power levels before v10 only', () => {
      const spec = { members: { [MOD]: 'join', [ALICE]: 'join' }, powerLevels: { kick: '50', users: { [CREATOR]: 100, [MOD]: '50' } } };
      expect(checkMembershipAuth(member(MOD, ALICE, 'leave'), roomState('9', spec), '9')).to.deep.equal({ allowed: true });
      expect(checkMembershipAuth(member(MOD, ALICE, 'leave'), roomState('10', spec), '10').allowed).to.equal(false);
    });

    it('gives the creator 100 without a power levels event (v1–v11)', () => {
      const state = roomState('11', { members: { [ALICE]: 'join' } });
      expect(checkMembershipAuth(member(CREATOR, ALICE, 'ban'), state, '11')).to.deep.equal({ allowed: true });
      expect(checkMembershipAuth(member(ALICE, CREATOR, 'ban'), state, '11').allowed).to.equal(false);
    });

    it('v12: creators and additional_creators have infinite power that power levels cannot match', () => {
      const spec = {
        createContent: { additional_creators: ['@co:other'] },
        members: { '@co:other': 'join', [MOD]: 'join' },
        powerLevels: { users: { [MOD]: 9007199254740991 } },
      };
      expect(checkMembershipAuth(member('@co:other', MOD, 'ban'), roomState('12', spec), '12')).to.deep.equal({ allowed: true });
      expect(checkMembershipAuth(member(MOD, CREATOR, 'ban'), roomState('12', spec), '12').allowed).to.equal(false);
      expect(checkMembershipAuth(member(CREATOR, '@co:other', 'leave'), roomState('12', spec), '12').allowed).to.equal(false);
      // the same additional_creators key means nothing in v11
      expect(checkMembershipAuth(member('@co:other', MOD, 'ban'), roomState('11', spec), '11').allowed).to.equal(false);
    });
  });

  describe('room preconditions', () => {
    it('rejects without a create event, and across servers when m.federate is false', () => {
      expect(checkMembershipAuth(member(ALICE, ALICE, 'knock'), [], '7')).to.deep.equal({
        allowed: false,
        rule: 'auth_events: no m.room.create event',
      });
      const state = roomState('7', { joinRule: 'knock', createContent: { 'm.federate': false } });
      expect(checkMembershipAuth(member(ALICE, ALICE, 'knock'), state, '7').allowed).to.equal(false);
      expect(checkMembershipAuth(member('@bob:hs', '@bob:hs', 'knock'), state, '7')).to.deep.equal({ allowed: true });
    });
    it('rejects a member event without membership, and refuses other event types', () => {
      const event = { type: 'm.room.member', sender: ALICE, state_key: ALICE, content: {} };
      expect(checkMembershipAuth(event, roomState('7'), '7')).to.deep.equal({
        allowed: false,
        rule: 'member: no state_key or no membership',
      });
      expect(() => checkMembershipAuth({ type: 'm.room.message' }, roomState('7'), '7')).to.throw(/not an m.room.member/);
    });
    it('accepts the state as a Map or a record as well as a list', () => {
      const list = roomState('7', { joinRule: 'knock' });
      const map = new Map(list.map((e) => [`${e.type}/${e.state_key}`, e]));
      const record = Object.fromEntries(map);
      for (const state of [map, record]) {
        expect(checkMembershipAuth(member(ALICE, ALICE, 'knock'), state, '7')).to.deep.equal({ allowed: true });
      }
    });
  });
});
