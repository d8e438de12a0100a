import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalJson, CanonicalJsonError, compareByCodePoint } from './canonical-json';
import { canonicalValue } from './test-arbitraries';
import { loadVectors } from './test-fixtures';

interface SpecCase {
  name: string;
  inputJson: string;
  expected: string;
}
interface SigningVectors {
  canonicalJson: { name: string; input: unknown; expected: string }[];
}

describe('canonicalJson', () => {
  describe('spec appendix examples', () => {
    for (const { name, inputJson, expected } of loadVectors<{ cases: SpecCase[] }>('canonical-json-spec.json').cases) {
      it(`encodes ${name}`, () => expect(canonicalJson(JSON.parse(inputJson))).to.equal(expected));
    }
    it('has all ten examples', () => expect(loadVectors<{ cases: SpecCase[] }>('canonical-json-spec.json').cases).to.have.length(10));
  });

  for (const { name, input, expected } of loadVectors<SigningVectors>('signing-spec.json').canonicalJson) {
    it(`matrix-facts vector: ${name}`, () => expect(canonicalJson(input)).to.equal(expected));
  }

  it('escapes control characters as the grammar says and leaves U+007F, U+2028 unescaped', () => {
    expect(canonicalJson('\u0000\u0008\t\n\u000b\f\r\u001f"\\\u007f\u2028/')).to.equal(
      '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\\u007f\u2028/"',
    );
  });

  it('encodes -0 as 0 and the safe-range bounds exactly', () => {
    expect(canonicalJson([-0, 2 ** 53 - 1, -(2 ** 53) + 1])).to.equal('[0,9007199254740991,-9007199254740991]');
  });

  const rejected: [string, unknown, string][] = [
    ['a float', { content: { ratio: 1.5 } }, '$.content.ratio'],
    ['NaN', { a: [1, NaN] }, '$.a[1]'],
    ['Infinity', { b: Infinity }, '$.b'],
    ['an integer beyond 2^53-1', { c: 2 ** 53 }, '$.c'],
    ['a lone surrogate in a value', { d: 'x\ud800' }, '$.d'],
    ['a lone surrogate in a key', { ['\udc00']: 1 }, '$["\\udc00"]'],
    ['undefined', { e: undefined }, '$.e'],
    ['a bigint', { f: 1n }, '$.f'],
    ['a Date', { g: new Date(0) }, '$.g'],
    ['a function', { h: () => 1 }, '$.h'],
    ['a key needing quoting', { 'm.room': { x: 0.1 } }, '$["m.room"].x'],
  ];
  for (const [what, value, path] of rejected) {
    it(`throws on ${what}, naming ${path}`, () => {
      expect(() => canonicalJson(value))
        .to.throw(CanonicalJsonError)
        .with.property('path', path);
    });
  }

  describe('properties', () => {
    it('parses back to an equal value', () => {
      fc.assert(
        fc.property(canonicalValue, (value) => {
          expect(JSON.parse(canonicalJson(value))).to.deep.equal(JSON.parse(JSON.stringify(value)));
        }),
      );
    });

    it('does not depend on key insertion order', () => {
      const entriesAndPermutation = fc
        .uniqueArray(fc.tuple(fc.string({ unit: 'binary' }), canonicalValue), { selector: ([key]) => key, maxLength: 8 })
        .chain((entries) =>
          fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })),
        );
      fc.assert(
        fc.property(entriesAndPermutation, ([entries, permuted]) => {
          expect(canonicalJson(Object.fromEntries(permuted))).to.equal(canonicalJson(Object.fromEntries(entries)));
        }),
      );
    });

    it('orders keys like their UTF-8 bytes (code point order)', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
          const bytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
          expect(Math.sign(compareByCodePoint(a, b))).to.equal(bytes);
        }),
      );
    });
  });
});
