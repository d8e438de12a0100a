import { expect } from 'chai';
import fc from 'fast-check';
import { decodeBase64, decodeBase64Canonical, decodeBase64Url, encodeBase64, encodeBase64Url } from './base64';

describe('base64', () => {
  it('encodes unpadded standard and URL-safe', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x01]);
    expect(encodeBase64(bytes)).to.equal('+/+/AQ');
    expect(encodeBase64Url(bytes)).to.equal('-_-_AQ');
  });

  it('decodes padded and unpadded input', () => {
    expect(Array.from(decodeBase64('AQ=='))).to.deep.equal([1]);
    expect(Array.from(decodeBase64('AQ'))).to.deep.equal([1]);
    expect(Array.from(decodeBase64Url('-_-_AQ'))).to.deep.equal([0xfb, 0xff, 0xbf, 0x01]);
    expect(decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1')).to.have.length(32);
  });

  it('rejects characters of the other alphabet and impossible lengths', () => {
    expect(() => decodeBase64('-_')).to.throw(/base64/);
    expect(() => decodeBase64Url('+/')).to.throw(/base64url/);
    expect(() => decodeBase64('A')).to.throw();
    expect(() => decodeBase64('AQ=')).to.throw();
    expect(() => decodeBase64('A Q')).to.throw();
  });

  it('canonical decoding refuses non-zero unused bits', () => {
    expect(Array.from(decodeBase64Canonical('AQ'))).to.deep.equal([1]);
    expect(() => decodeBase64Canonical('AR')).to.throw(/not canonical/);
  });

  it('round-trips any bytes in both alphabets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(Array.from(decodeBase64(encodeBase64(bytes)))).to.deep.equal(Array.from(bytes));
        expect(Array.from(decodeBase64Url(encodeBase64Url(bytes)))).to.deep.equal(Array.from(bytes));
      }),
    );
  });
});
