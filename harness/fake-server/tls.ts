/**
 * Per-run TLS material for the fake homeserver: one certificate authority per process, and a leaf certificate
 * per fake server name. Keys are ECDSA P-256 (fast to make); X.509 encoding is @peculiar/x509's.
 */
import 'reflect-metadata'; // @peculiar/x509 (via tsyringe) needs the Reflect metadata polyfill loaded first
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALIDITY_MS = 2 * 24 * 3600 * 1000;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface CertificateAuthority {
  certificatePem: string;
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface LeafCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** The chain to serve: leaf first, then the CA. */
  chainPem: string;
}

let processCa: Promise<CertificateAuthority> | undefined;

/** The CA of this process, made on first use. Mount `certificatePem` into an HSUT to make it trust the fake. */
export function processCertificateAuthority(): Promise<CertificateAuthority> {
  processCa ??= createCertificateAuthority();
  return processCa;
}

export async function createCertificateAuthority(): Promise<CertificateAuthority> {
  const keys = (await subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=knockknock test CA ${now}`,
    notBefore: new Date(now - 3600 * 1000),
    notAfter: new Date(now + VALIDITY_MS),
    keys,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, certificatePem: certificate.toString('pem'), keys };
}

/** A server certificate for `host` (an IP address or DNS name, no port) signed by `ca`. */
export async function issueLeafCertificate(ca: CertificateAuthority, host: string): Promise<LeafCertificate> {
  const keys = (await subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const altNames: x509.JsonGeneralName[] = [{ type: isIP(host) ? 'ip' : 'dns', value: host }];
  if (host !== 'localhost') altNames.push({ type: 'dns', value: 'localhost' });
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${host}`,
    issuer: ca.certificate.subject,
    notBefore: new Date(now - 3600 * 1000),
    notAfter: new Date(now + VALIDITY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(altNames),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  const privateKeyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  const certificatePem = certificate.toString('pem');
  return { certificatePem, privateKeyPem, chainPem: `${certificatePem}\n${ca.certificatePem}\n` };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}
