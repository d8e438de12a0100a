/**
 * The CA Complement's image contract mounts at /complement/ca: ca.crt (trusted by the HSUT) and ca.key (the
 * HSUT signs its own federation certificate with it at startup). Made by harness/http/tls.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, privateKeyToPem } from '../http/tls';

export interface ComplementCaFiles {
  dir: string;
  certificatePath: string;
  keyPath: string;
}

/** Writes a fresh CA (ca.crt, ca.key as PEM) into `dir`. */
export async function writeComplementCa(dir: string): Promise<ComplementCaFiles> {
  const ca = await createCertificateAuthority('knockknock complement CA');
  mkdirSync(dir, { recursive: true });
  const certificatePath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  writeFileSync(certificatePath, ca.certificatePem);
  // World-readable on purpose: the HSUT process in the container may not run as root.
  writeFileSync(keyPath, `${await privateKeyToPem(ca.keys.privateKey)}\n`, { mode: 0o644 });
  return { dir, certificatePath, keyPath };
}
