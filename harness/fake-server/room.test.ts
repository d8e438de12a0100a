import { expect } from 'chai';
import { generateSigningKey, hasValidContentHash, roomIdForCreateEvent, verifyEventSignature } from '../core';
import { createHostedRoom } from './create-room';
import { referencedIds, type FakeRoom, type Pdu } from './room';

const serverName = '127.0.0.1:9999';
const signer = { serverName, key: generateSigningKey('ed25519:test') };
const creator = `@alice:${serverName}`;

function idsOf(room: FakeRoom, type: string, stateKey = ''): string {
  const event = room.currentStateEvent(type, stateKey);
  if (!event) throw new Error(`no ${type} in room`);
  return room.idOf(event);
}

function authTypes(room: FakeRoom, event: Pdu): string[] {
  return referencedIds(event.auth_events).map((id) => {
    const cited = room.event(id)!;
    return cited.state_key ? `${cited.type}/${cited.state_key}` : cited.type;
  });
}

describe('fake-server room building', () => {
  it('cites create, power levels and the sender in auth_events, chains prev_events and depth (v7)', () => {
    const room = createHostedRoom(signer, { roomVersion: '7', creator, joinRule: 'knock', name: 'n' });
    const [create, member, powerLevels, joinRules] = room.timeline().map((t) => t.event);
    expect(create.auth_events).to.deep.equal([]);
    expect(create.prev_events).to.deep.equal([]);
    expect(authTypes(room, member)).to.have.members(['m.room.create']);
    expect(authTypes(room, powerLevels)).to.have.members(['m.room.create', `m.room.member/${creator}`]);
    expect(authTypes(room, joinRules)).to.have.members(['m.room.create', 'm.room.power_levels', `m.room.member/${creator}`]);
    const timeline = room.timeline();
    for (let i = 1; i < timeline.length; i++) {
      expect(timeline[i].event.prev_events).to.deep.equal([timeline[i - 1].eventId]);
      expect(timeline[i].event.depth).to.equal(i + 1);
    }
    expect(room.forwardExtremities).to.deep.equal([timeline[timeline.length - 1].eventId]);
  });

  it('a knock template cites create, power levels and join rules, and the auth rules allow it only under join_rule knock', () => {
    const knockRoom = createHostedRoom(signer, { roomVersion: '7', creator, joinRule: 'knock' });
    const template = knockRoom.membershipTemplate('@bob:elsewhere', 'knock');
    expect(authTypes(knockRoom, template)).to.have.members(['m.room.create', 'm.room.power_levels', 'm.room.join_rules']);
    expect(template).to.not.have.property('hashes');
    expect(template).to.not.have.property('signatures');
    expect(knockRoom.checkMembership(template)).to.deep.equal({ allowed: true });

    const publicRoom = createHostedRoom(signer, { roomVersion: '7', creator, joinRule: 'public' });
    const refused = publicRoom.checkMembership(publicRoom.membershipTemplate('@bob:elsewhere', 'knock'));
    expect(refused.allowed).to.equal(false);
  });

  it('formats event IDs per room version: v1 event_id field, v3 standard base64, v4+ URL-safe', () => {
    const v1 = createHostedRoom(signer, { roomVersion: '1', creator });
    for (const { eventId, event } of v1.timeline()) {
      expect(event.event_id).to.equal(eventId);
      expect(eventId).to.match(new RegExp(`^\\$[0-9a-f]+:${serverName.replace(/\./g, '\\.')}$`));
    }
    expect(v1.timeline()[1].event.prev_events[0]).to.be.an('array').with.length(2); // [id, {sha256}] tuples
    const v3 = createHostedRoom(signer, { roomVersion: '3', creator });
    for (const { eventId } of v3.timeline()) expect(eventId).to.match(/^\$[A-Za-z0-9+/]{43}$/);
    const v7 = createHostedRoom(signer, { roomVersion: '7', creator });
    for (const { eventId } of v7.timeline()) expect(eventId).to.match(/^\$[A-Za-z0-9_-]{43}$/);
  });

  it('derives the v12 room ID from the create event, which has no room_id and is not cited in auth_events', () => {
    const room = createHostedRoom(signer, { roomVersion: '12', creator, joinRule: 'knock' });
    const [create, ...rest] = room.timeline();
    expect(create.event).to.not.have.property('room_id');
    expect(room.roomId).to.equal(roomIdForCreateEvent(create.event));
    expect(room.roomId.slice(1)).to.equal(create.eventId.slice(1));
    for (const { event } of rest) {
      expect(event.room_id).to.equal(room.roomId);
      expect(referencedIds(event.auth_events)).to.not.include(create.eventId);
    }
    const powerLevels = room.currentStateEvent('m.room.power_levels')!;
    expect(powerLevels.content.users).to.deep.equal({}); // v12 creators are implicit
  });

  it('hashes and signs every event it builds, verifiable with the fake server key', () => {
    for (const roomVersion of ['1', '7', '11', '12']) {
      const room = createHostedRoom(signer, { roomVersion, creator, topic: 't', encryption: true });
      for (const { event } of room.timeline()) {
        expect(hasValidContentHash(event), `v${roomVersion} ${event.type}`).to.equal(true);
        expect(verifyEventSignature(event, room.version, serverName, signer.key.keyId, signer.key.publicKey)).to.equal(true);
      }
      expect('origin' in room.timeline()[0].event).to.equal(room.version.originInEvents);
    }
  });

  it('refuses a membership change the auth rules forbid and keeps the room unchanged', () => {
    const room = createHostedRoom(signer, { roomVersion: '10', creator, joinRule: 'invite' });
    const before = room.timeline().length;
    const { event } = room.buildEvent({
      type: 'm.room.member',
      sender: '@eve:elsewhere',
      stateKey: '@eve:elsewhere',
      content: { membership: 'join' },
    });
    const verdict = room.addEvent(event);
    expect(verdict.allowed).to.equal(false);
    expect(room.timeline()).to.have.length(before);
  });

  it('answers state before an event and the auth chain of a set of events', () => {
    const room = createHostedRoom(signer, { roomVersion: '7', creator, name: 'x' });
    const nameId = idsOf(room, 'm.room.name');
    const stateBeforeName = room.stateIdsBefore(nameId)!;
    expect(stateBeforeName).to.not.include(nameId);
    expect(stateBeforeName).to.include(idsOf(room, 'm.room.create'));
    const chain = room.authChain([nameId]).map((e) => e.type);
    expect(chain).to.have.members(['m.room.create', 'm.room.member', 'm.room.power_levels']);
  });
});
