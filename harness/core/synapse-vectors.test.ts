/**
 * Our hashing, signing, redaction and IDs against Synapse's own code: fixtures/vectors/synapse-events.json is
 * made by scripts/regenerate-synapse-vectors.sh inside the Synapse image.
 */
import { expect } from 'chai';
import { contentHash, eventId, referenceHash, roomIdForCreateEvent } from './event-hashes';
import { signEvent } from './event-signing';
import { redactEvent } from './redaction';
import { signingKeyFromSeed } from './signing-key';
import { encodeBase64 } from './base64';
import { loadVectors } from './test-fixtures';

interface SynapseCase {
  name: string;
  roomVersion: string;
  input: Record<string, unknown>;
  signed: Record<string, unknown>;
  contentHash: string;
  redacted: Record<string, unknown>;
  referenceHash: string;
  eventId: string;
  roomId?: string;
}
interface SynapseVectors {
  synapseVersion: string;
  signingKey: { seed: string; serverName: string; keyId: string; publicKey: string };
  cases: SynapseCase[];
}

const vectors = loadVectors<SynapseVectors>('synapse-events.json');
const key = signingKeyFromSeed(vectors.signingKey.seed, vectors.signingKey.keyId);

/** Synapse keeps `unsigned` (with age_ts) in a redacted event; the spec's redaction drops it. */
function withoutUnsigned(event: Record<string, unknown>): Record<string, unknown> {
  const { unsigned: _unsigned, ...rest } = event;
  return rest;
}

describe(`agreement with Synapse ${vectors.synapseVersion}`, () => {
  it('uses the same public key for the seed', () => {
    expect(encodeBase64(key.publicKey)).to.equal(vectors.signingKey.publicKey);
  });

  it('covers v3, v4, v10, v11 and v12 with knock, restricted, power levels and create events', () => {
    for (const version of ['3', '4', '10', '11', '12']) {
      const names = vectors.cases.filter((c) => c.roomVersion === version).map((c) => c.name);
      expect(names).to.include.members(['create', 'member knock with reason', 'join rules restricted with allow', 'power levels']);
    }
  });

  for (const c of vectors.cases) {
    describe(`v${c.roomVersion} ${c.name}`, () => {
      it('content hash', () => expect(contentHash(c.input)).to.equal(c.contentHash));
      it('hashes and signature', () => {
        expect(signEvent(c.input, c.roomVersion, vectors.signingKey.serverName, key.keyId, key.seed)).to.deep.equal(c.signed);
      });
      it('redaction', () => expect(redactEvent(c.signed, c.roomVersion)).to.deep.equal(withoutUnsigned(c.redacted)));
      it('reference hash and event ID', () => {
        expect(referenceHash(c.signed, c.roomVersion)).to.equal(c.referenceHash);
        expect(eventId(c.signed, c.roomVersion)).to.equal(c.eventId);
      });
      if (c.roomId) it('room ID', () => expect(roomIdForCreateEvent(c.signed)).to.equal(c.roomId));
    });
  }
});
