import { expect } from 'chai';
import { hostOf } from './server-names';

describe('hostOf', () => {
  it('drops the port of a server name and keeps IPv6 literals whole', () => {
    expect(hostOf('127.0.0.1:8448')).to.equal('127.0.0.1');
    expect(hostOf('localhost')).to.equal('localhost');
    expect(hostOf('[::1]:8448')).to.equal('[::1]');
    expect(hostOf('[2001:db8::1]')).to.equal('[2001:db8::1]');
  });
});
