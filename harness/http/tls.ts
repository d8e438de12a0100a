/**
 * TLS material the harness makes: certificate authorities (the fake servers' per-process CA, the CA a Complement
 * image mounts) and leaf certificates signed by them. Keys are ECDSA P-256 (fast to make); X.509 encoding is
 * @peculiar/x509's.
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

/** A fresh self-signed CA, valid from an hour ago for two days; `name` goes into its CN with the time. */
export async function createCertificateAuthority(name = 'knockknock test CA'): Promise<CertificateAuthority> {
  const keys = await newKeyPair();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${name} ${now}`,
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
  return { certificate, certificatePem: certificate.toString('pem'), keys };
}

/** A server certificate for `host` (an IP address or DNS name, no port) signed by `ca`. */
export async function issueLeafCertificate(ca: CertificateAuthority, host: string): Promise<LeafCertificate> {
  const keys = await newKeyPair();
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
  const privateKeyPem = await privateKeyToPem(keys.privateKey);
  const certificatePem = certificate.toString('pem');
  return { certificatePem, privateKeyPem, chainPem: `${certificatePem}\n${ca.certificatePem}\n` };
}

/** PKCS#8 PEM of a private key, 64-character lines, no final newline. */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}
