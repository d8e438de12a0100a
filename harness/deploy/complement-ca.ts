/**
 * The CA Complement's image contract mounts at /complement/ca: ca.crt (trusted by the HSUT) and ca.key (the
 * HSUT signs its own federation certificate with it at startup).
 */
import 'reflect-metadata'; // @peculiar/x509 (via tsyringe) needs the Reflect polyfill loaded first
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALIDITY_MS = 2 * 24 * 3600 * 1000;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface ComplementCaFiles {
  dir: string;
  certificatePath: string;
  keyPath: string;
}

/** Writes a fresh CA (ca.crt, ca.key as PEM) into `dir`. */
export async function writeComplementCa(dir: string): Promise<ComplementCaFiles> {
  const keys = (await subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=knockknock complement CA ${now}`,
    notBefore: new Date(now - 3600 * 1000),
    notAfter: new Date(now + VALIDITY_MS),
    keys,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  mkdirSync(dir, { recursive: true });
  const certificatePath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  writeFileSync(certificatePath, certificate.toString('pem'));
  // World-readable on purpose: the HSUT process in the container may not run as root.
  writeFileSync(keyPath, keyPem, { mode: 0o644 });
  return { dir, certificatePath, keyPath };
}
