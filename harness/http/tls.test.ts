import { expect } from 'chai';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeComplementCa } from '../deploy/complement-ca';
import { createCertificateAuthority, issueLeafCertificate } from './tls';

describe('TLS material (http/tls.ts)', () => {
  it('issues a leaf for an IP address that its CA verifies, with the chain leaf first', async () => {
    const ca = await createCertificateAuthority();
    const leaf = await issueLeafCertificate(ca, '127.0.0.1');
    const caCert = new X509Certificate(ca.certificatePem);
    const leafCert = new X509Certificate(leaf.certificatePem);
    expect(caCert.ca).to.equal(true);
    expect(leafCert.checkIssued(caCert)).to.equal(true);
    expect(leafCert.verify(caCert.publicKey)).to.equal(true);
    expect(leafCert.checkIP('127.0.0.1')).to.equal('127.0.0.1');
    expect(leaf.chainPem.indexOf(leaf.certificatePem)).to.equal(0);
    expect(createPrivateKey(leaf.privateKeyPem).asymmetricKeyType).to.equal('ec');
  });

  it("writes Complement's ca.crt and ca.key as PEM files that belong together", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-ca-test-'));
    try {
      const files = await writeComplementCa(dir);
      const cert = new X509Certificate(readFileSync(files.certificatePath));
      const keyPem = readFileSync(files.keyPath, 'utf8');
      expect(cert.ca).to.equal(true);
      expect(cert.subject).to.match(/knockknock complement CA/);
      expect(keyPem).to.match(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
      expect(cert.checkPrivateKey(createPrivateKey(keyPem))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
