import { expect } from 'chai';
import { parseXMatrix, signRequest, verifyRequest } from './x-matrix';
import { generateSigningKey, signingKeyFromSeed } from './signing-key';

const key = signingKeyFromSeed('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1', 'ed25519:1');
const request = {
  method: 'PUT',
  uri: '/_matrix/federation/v1/send_knock/!r:hs/$ev?x=1',
  origin: 'fake.example:8448',
  destination: 'hs.example',
  content: { type: 'm.room.member', content: { membership: 'knock' } },
};

describe('X-Matrix', () => {
  it('signs a request into a header that parses and verifies', () => {
    const header = signRequest(request, key);
    expect(header).to.match(/^X-Matrix origin="fake.example:8448",destination="hs.example",key="ed25519:1",sig="[A-Za-z0-9+/]{86}"$/);
    const params = parseXMatrix(header);
    expect(params).to.include({ origin: request.origin, destination: request.destination, key: key.keyId });
    expect(verifyRequest({ ...request, keyId: params.key, sig: params.sig }, key.publicKey)).to.equal(true);
  });

  it('fails verification when the uri, content, method or destination differ', () => {
    const { sig } = parseXMatrix(signRequest(request, key));
    const signed = { ...request, keyId: key.keyId, sig };
    expect(verifyRequest({ ...signed, uri: '/_matrix/federation/v1/send_knock/!r:hs/$ev?x=2' }, key.publicKey)).to.equal(false);
    expect(verifyRequest({ ...signed, content: { type: 'm.room.member' } }, key.publicKey)).to.equal(false);
    expect(verifyRequest({ ...signed, content: undefined }, key.publicKey)).to.equal(false);
    expect(verifyRequest({ ...signed, method: 'POST' }, key.publicKey)).to.equal(false);
    expect(verifyRequest({ ...signed, destination: 'other' }, key.publicKey)).to.equal(false);
    expect(verifyRequest(signed, generateSigningKey().publicKey)).to.equal(false);
  });

  it('signs requests without a body without a content key', () => {
    const get = { method: 'GET', uri: '/_matrix/federation/v1/make_knock/!r:hs/@a:fake?ver=7', origin: 'a', destination: 'b' };
    const { sig } = parseXMatrix(signRequest(get, key));
    expect(verifyRequest({ ...get, keyId: key.keyId, sig }, key.publicKey)).to.equal(true);
    expect(verifyRequest({ ...get, content: {}, keyId: key.keyId, sig }, key.publicKey)).to.equal(false);
  });

  it('parses unquoted values, spaces, any name case and escapes', () => {
    expect(parseXMatrix('X-Matrix origin=a.example , Key = "ed25519:1",  sig=abc/+, destination="b\\"c"')).to.deep.equal({
      origin: 'a.example',
      key: 'ed25519:1',
      sig: 'abc/+',
      destination: 'b"c',
    });
    expect(parseXMatrix('x-matrix origin="o",key="k",sig="s"')).to.deep.equal({ origin: 'o', key: 'k', sig: 's' });
  });

  it('rejects other schemes and missing parameters', () => {
    expect(() => parseXMatrix('Bearer abc')).to.throw(/not X-Matrix/);
    expect(() => parseXMatrix('X-Matrix origin="o",key="k"')).to.throw(/no sig/);
    expect(() => parseXMatrix('X-Matrix key="k",sig="s",origin="o')).to.throw(/unterminated/);
    expect(() => parseXMatrix('X-Matrix origin')).to.throw(/no value/);
  });
});
