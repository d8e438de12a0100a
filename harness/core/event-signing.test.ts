import { expect } from 'chai';
import { contentHash, eventId, referenceHash, roomIdForCreateEvent } from './event-hashes';
import { hasValidContentHash, signEvent, verifyEventSignature } from './event-signing';
import { signingKeyFromSeed } from './signing-key';
import { loadVectors } from './test-fixtures';

interface SigningVectors {
  signingKey: { seed: string; keyId: string; serverName: string };
  eventSigning: { name: string; roomVersion: string; input: Record<string, unknown>; expected: Record<string, unknown> }[];
}

const vectors = loadVectors<SigningVectors>('signing-spec.json');
const key = signingKeyFromSeed(vectors.signingKey.seed, vectors.signingKey.keyId);
const SERVER = vectors.signingKey.serverName;

describe('signEvent and event hashes', () => {
  for (const { name, roomVersion, input, expected } of vectors.eventSigning) {
    it(`signs the spec vector: ${name}`, () => {
      expect(signEvent(input, roomVersion, SERVER, key.keyId, key.seed)).to.deep.equal(expected);
      expect(contentHash(input)).to.equal((expected.hashes as { sha256: string }).sha256);
    });
  }

  it('signs over the redacted event, so redactable content may change without breaking the signature', () => {
    const signed = signEvent(vectors.eventSigning[1]!.input, '1', SERVER, key.keyId, key.seed);
    const edited = { ...signed, content: { body: 'something else' } };
    expect(verifyEventSignature(edited, '1', SERVER, key.keyId, key.publicKey)).to.equal(true);
    expect(hasValidContentHash(edited)).to.equal(false);
    expect(hasValidContentHash(signed)).to.equal(true);
    expect(verifyEventSignature({ ...signed, sender: '@v:domain' }, '1', SERVER, key.keyId, key.publicKey)).to.equal(false);
  });

  it('formats event IDs per room version', () => {
    const event = {
      type: 'm.room.message',
      room_id: '!r:domain',
      sender: '@u:domain',
      content: {},
      depth: 1,
      origin_server_ts: 1,
      prev_events: [],
      auth_events: [],
      hashes: { sha256: 'x' },
      event_id: '$legacy:domain',
    };
    expect(eventId(event, '1')).to.equal('$legacy:domain');
    const v3 = eventId(event, '3');
    const v4 = eventId(event, '4');
    expect(v3).to.match(/^\$[A-Za-z0-9+/]{43}$/);
    expect(v4).to.equal(v3.replace(/\+/g, '-').replace(/\//g, '_'));
    expect(`$${referenceHash(event, '3')}`).to.equal(v3);
    expect(() => eventId({ type: 'x' }, '2')).to.throw(/event_id/);
  });

  it('refuses a room ID from a create event of a version that does not derive it', () => {
    expect(() => roomIdForCreateEvent({ type: 'm.room.create', content: { room_version: '11' } })).to.throw(/does not derive/);
    expect(() => roomIdForCreateEvent({ type: 'm.room.member', content: {} })).to.throw(/not an m.room.create/);
  });
});
