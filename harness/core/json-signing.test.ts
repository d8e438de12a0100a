import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { canonicalValue } from './test-arbitraries';
import { signJson, verifyJsonSignature } from './json-signing';
import { generateSigningKey, signingKeyFromSeed } from './signing-key';
import { loadVectors } from './test-fixtures';

interface SigningVectors {
  signingKey: { seed: string; keyId: string; serverName: string };
  jsonSigning: { name: string; input: object; expected: object }[];
}

const vectors = loadVectors<SigningVectors>('signing-spec.json');
const specKey = signingKeyFromSeed(vectors.signingKey.seed, vectors.signingKey.keyId);
const SERVER = vectors.signingKey.serverName;

describe('signJson / verifyJsonSignature', () => {
  for (const { name, input, expected } of vectors.jsonSigning) {
    it(`signs the spec vector: ${name}`, () => {
      const signed = signJson(input, SERVER, specKey.keyId, specKey.seed);
      expect(signed).to.deep.equal(expected);
      expect(verifyJsonSignature(signed, SERVER, specKey.keyId, specKey.publicKey)).to.equal(true);
    });
  }

  it('keeps existing signatures and unsigned, and does not sign them', () => {
    const other = generateSigningKey('ed25519:other');
    const once = signJson({ a: 1, unsigned: { age: 5 } }, 'other.example', other.keyId, other.seed);
    const twice = signJson({ ...once, unsigned: { age: 6 } }, SERVER, specKey.keyId, specKey.seed);
    expect(twice.unsigned).to.deep.equal({ age: 6 });
    expect(Object.keys(twice.signatures)).to.have.members(['other.example', SERVER]);
    expect(verifyJsonSignature(twice, 'other.example', other.keyId, other.publicKey)).to.equal(true);
    expect(verifyJsonSignature(twice, SERVER, specKey.keyId, specKey.publicKey)).to.equal(true);
  });

  it('adds a second key id of the same server beside the first', () => {
    const second = generateSigningKey('ed25519:2');
    const signed = signJson(signJson({}, SERVER, specKey.keyId, specKey.seed), SERVER, second.keyId, second.seed);
    expect(Object.keys(signed.signatures[SERVER]!)).to.have.members(['ed25519:1', 'ed25519:2']);
  });

  it('answers false for a missing server, key id, or wrong key', () => {
    const signed = signJson({ x: 1 }, SERVER, specKey.keyId, specKey.seed);
    expect(verifyJsonSignature(signed, 'elsewhere', specKey.keyId, specKey.publicKey)).to.equal(false);
    expect(verifyJsonSignature(signed, SERVER, 'ed25519:9', specKey.publicKey)).to.equal(false);
    expect(verifyJsonSignature(signed, SERVER, specKey.keyId, generateSigningKey().publicKey)).to.equal(false);
    expect(verifyJsonSignature({ ...signed, x: 1.5 }, SERVER, specKey.keyId, specKey.publicKey)).to.equal(false);
  });

  it('derives the public key from the seed like the spec key', () => {
    expect(signingKeyFromSeed(specKey.seed, 'ed25519:1').publicKey).to.deep.equal(specKey.publicKey);
    expect(() => signingKeyFromSeed(new Uint8Array(31), 'ed25519:1')).to.throw(/32 bytes/);
    expect(() => signingKeyFromSeed(specKey.seed, 'rsa:1')).to.throw(/key id/);
  });

  describe('properties', () => {
    const signedObjects = fc
      .tuple(fc.dictionary(fc.string({ unit: 'binary' }), canonicalValue, { maxKeys: 6 }), fc.uint8Array({ minLength: 32, maxLength: 32 }))
      .map(([object, seed]) => {
        delete (object as Record<string, unknown>).signatures;
        delete (object as Record<string, unknown>).unsigned;
        const key = signingKeyFromSeed(seed, 'ed25519:p');
        return { key, signed: signJson(object, 'prop.example', key.keyId, key.seed) };
      });

    it('verifies what it signed (any object, any key)', () => {
      fc.assert(
        fc.property(signedObjects, ({ key, signed }) => {
          expect(verifyJsonSignature(signed, 'prop.example', key.keyId, key.publicKey)).to.equal(true);
        }),
      );
    });

    it('fails verification when any byte of the signed object is flipped', () => {
      fc.assert(
        fc.property(signedObjects, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ key, signed }, at, mask) => {
          const bytes = Buffer.from(canonicalJson(signed), 'utf8');
          const index = at % bytes.length;
          bytes[index] = bytes[index]! ^ mask;
          let tampered: unknown;
          try {
            tampered = JSON.parse(bytes.toString('utf8'));
          } catch {
            return; // no longer JSON: nothing a receiver could verify
          }
          expect(verifyJsonSignature(tampered, 'prop.example', key.keyId, key.publicKey)).to.equal(false);
        }),
        { numRuns: 300 },
      );
    });
  });
});
