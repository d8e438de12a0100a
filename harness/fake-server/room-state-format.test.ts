import { expect } from 'chai';
import { eventId as computeEventId, generateSigningKey, hasValidContentHash, verifyEventSignature } from '../core';
import { handleKeyRequests, handleMakeKnock, handleSendKnock, knockOn, startFakeServer, type FakeServer, type Pdu } from '.';
import { createHostedRoom } from './create-room';
import { roomStateIsPdus } from './room';

const serverName = '127.0.0.1:9998';
const signer = { serverName, key: generateSigningKey('ed25519:test') };
const creator = `@alice:${serverName}`;
const STRIPPED_KEYS = ['content', 'sender', 'state_key', 'type'];

describe('fake-server knock_room_state / invite_room_state format per judged spec version', () => {
  it('switches from stripped events to PDUs at v1.16 (MSC4311)', () => {
    expect(roomStateIsPdus('1.12')).to.equal(false);
    expect(roomStateIsPdus('1.15')).to.equal(false);
    expect(roomStateIsPdus('1.16')).to.equal(true);
    expect(roomStateIsPdus('1.19')).to.equal(true);
  });

  for (const roomVersion of ['1', '3', '7', '10', '11', '12']) {
    const options = {
      roomVersion,
      creator,
      joinRule: 'knock' as const,
      name: 'n',
      topic: 't',
      avatarUrl: 'mxc://x/y',
      canonicalAlias: `#a:${serverName}`,
      encryption: true,
    };

    it(`before v1.16: stripped state events only (type, state_key, sender, content), the room's current state, create included (room v${roomVersion})`, () => {
      const room = createHostedRoom(signer, options);
      const state = room.remoteRoomState('1.15');
      expect(state.map((e) => e.type)).to.have.members([
        'm.room.create',
        'm.room.join_rules',
        'm.room.name',
        'm.room.topic',
        'm.room.avatar',
        'm.room.canonical_alias',
        'm.room.encryption',
      ]);
      for (const entry of state) {
        expect(Object.keys(entry).sort(), entry.type).to.deep.equal(STRIPPED_KEYS);
        const original = room.currentStateEvent(entry.type, entry.state_key)!;
        expect(entry.content).to.deep.equal(original.content);
        expect(entry.sender).to.equal(original.sender);
      }
    });

    it(`since v1.16: the room's own state events as PDUs of room version ${roomVersion}, hashed and signed, m.room.create included`, () => {
      const room = createHostedRoom(signer, options);
      const state = room.remoteRoomState('1.16') as Pdu[];
      expect(state.map((e) => e.type)).to.include('m.room.create');
      expect(state.map((e) => e.type)).to.include('m.room.join_rules');
      const currentIds = room.currentStateIds();
      for (const entry of state) {
        for (const field of ['auth_events', 'prev_events', 'depth', 'origin_server_ts', 'hashes', 'signatures'])
          expect(entry, `${entry.type} ${field}`).to.have.property(field);
        expect('origin' in entry, `${entry.type} origin`).to.equal(room.version.originInEvents);
        expect('event_id' in entry, `${entry.type} event_id`).to.equal(room.version.eventIdFormat === 'v1');
        if (entry.type === 'm.room.create' && room.version.roomIdFromCreateHash) expect(entry).to.not.have.property('room_id');
        else expect(entry.room_id).to.equal(room.roomId);
        expect(hasValidContentHash(entry), entry.type).to.equal(true);
        expect(verifyEventSignature(entry, room.version, serverName, signer.key.keyId, signer.key.publicKey), entry.type).to.equal(true);
        expect(currentIds).to.include(computeEventId(entry, room.version));
      }
      // Copies: altering an entry leaves the room alone.
      state[0].content = { forged: true };
      expect(room.currentStateEvent(state[0].type, state[0].state_key)!.content).to.not.deep.equal({ forged: true });
    });
  }

  it('adds m.room.create to the PDU form even when the caller asks for other types only', () => {
    const room = createHostedRoom(signer, { roomVersion: '11', creator, joinRule: 'knock' });
    expect(room.remoteRoomState('1.16', ['m.room.join_rules']).map((e) => e.type)).to.have.members(['m.room.create', 'm.room.join_rules']);
    expect(room.remoteRoomState('1.15', ['m.room.join_rules']).map((e) => e.type)).to.deep.equal(['m.room.join_rules']);
  });

  describe('send_knock answers', () => {
    let resident: FakeServer;
    let knocker: FakeServer;
    beforeEach(async () => {
      resident = await startFakeServer({ handlers: [handleKeyRequests(), handleMakeKnock(), handleSendKnock()] });
      knocker = await startFakeServer({ handlers: [handleKeyRequests()] });
    });
    afterEach(async () => {
      await Promise.all([resident.close(), knocker.close()]);
    });

    for (const [specVersion, pdus] of [
      ['1.12', false],
      ['1.16', true],
      ['1.19', true],
    ] as const) {
      it(`answer knock_room_state as ${pdus ? 'PDUs' : 'stripped events'} when the handler speaks v${specVersion}`, async () => {
        resident.use(handleSendKnock({ specVersion }));
        const room = resident.createRoom({ roomVersion: '10', creator: resident.userId('host'), joinRule: 'knock', name: 'n' });
        const handshake = await knockOn(knocker, room.roomId, knocker.userId('k'), { destination: resident.serverName });
        expect(handshake.send!.status).to.equal(200);
        const state = (handshake.send!.body as { knock_room_state: Pdu[] }).knock_room_state;
        expect(state.map((e) => e.type)).to.include('m.room.create');
        for (const entry of state) {
          if (pdus)
            expect(computeEventId(entry, room.version), entry.type).to.equal(
              room.idOf(room.currentStateEvent(entry.type, entry.state_key)!),
            );
          else expect(Object.keys(entry).sort(), entry.type).to.deep.equal(STRIPPED_KEYS);
        }
      });
    }
  });
});
