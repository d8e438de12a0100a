import { expect } from 'chai';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { generateSynapseSigningKey, synapseHomeserverConfig, synapseLogConfig, toYaml } from './synapse-config';

describe('Synapse configuration', () => {
  it('writes a signing key line Synapse reads: algorithm, version, unpadded base64 of a 32-byte seed', () => {
    const line = generateSynapseSigningKey('a_test');
    const [algorithm, version, seed] = line.trim().split(' ');
    expect(algorithm).to.equal('ed25519');
    expect(version).to.equal('a_test');
    expect(seed).to.not.include('=');
    const raw = Buffer.from(seed, 'base64');
    expect(raw).to.have.length(32);
    // The seed is a usable ed25519 private key.
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw]);
    const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const signature = sign(null, Buffer.from('x'), key);
    expect(verify(null, Buffer.from('x'), createPublicKey(key), signature)).to.equal(true);
  });

  it('serves client and federation on the one explicit port and opens registration and loopback federation', () => {
    const config = synapseHomeserverConfig({ serverName: 'localhost:1234', port: 1234, sharedSecret: 's' }) as any;
    expect(config.server_name).to.equal('localhost:1234');
    expect(config.listeners).to.have.length(1);
    expect(config.listeners[0].port).to.equal(1234);
    expect(config.listeners[0].resources[0].names).to.have.members(['client', 'federation']);
    expect(config.enable_registration).to.equal(true);
    expect(config.enable_registration_without_verification).to.equal(true);
    expect(config.registration_shared_secret).to.equal('s');
    expect(config.ip_range_blacklist).to.deep.equal([]);
    expect(config.ip_range_whitelist).to.include('127.0.0.0/8');
    expect(config.trusted_key_servers).to.deep.equal([]);
    expect(config.federation_verify_certificates).to.equal(false);
    expect(config.room_list_publication_rules).to.deep.equal([{ action: 'allow' }]);
    expect(config.rc_registration.burst_count).to.be.greaterThan(1000);
  });

  it('applies overrides last and renders JSON, which YAML parsers accept', () => {
    const config = synapseHomeserverConfig({ serverName: 'x:1', port: 1, sharedSecret: 's', overrides: { bcrypt_rounds: 5 } });
    expect(JSON.parse(toYaml(config)).bcrypt_rounds).to.equal(5);
    expect((synapseLogConfig() as any).handlers.console.stream).to.equal('ext://sys.stdout');
  });
});
