/**
 * Matrix spec release versions ("1.1" … "1.19") and the judged version of a run: which release's rules a
 * homeserver is held to. Pure; the run publishes its choice in the run context.
 */
import { runContext } from './run-context';

/** Every spec release that has knocking, oldest first. The last one is the newest this suite knows. */
export const SPEC_VERSIONS = [
  '1.1',
  '1.2',
  '1.3',
  '1.4',
  '1.5',
  '1.6',
  '1.7',
  '1.8',
  '1.9',
  '1.10',
  '1.11',
  '1.12',
  '1.13',
  '1.14',
  '1.15',
  '1.16',
  '1.17',
  '1.18',
  '1.19',
] as const;

export type SpecVersion = (typeof SPEC_VERSIONS)[number];

export const NEWEST_SPEC_VERSION: SpecVersion = SPEC_VERSIONS[SPEC_VERSIONS.length - 1];

export function isSpecVersion(value: string): value is SpecVersion {
  return (SPEC_VERSIONS as readonly string[]).includes(value);
}

/** Negative, zero or positive as a is older than, equal to or newer than b ("1.9" < "1.10"). */
export function compareSpecVersions(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** The release before `version`, or undefined for the first. */
export function previousSpecVersion(version: SpecVersion): SpecVersion | undefined {
  const index = SPEC_VERSIONS.indexOf(version);
  return index > 0 ? SPEC_VERSIONS[index - 1] : undefined;
}

/**
 * The version to judge an HSUT at when no --spec-version is given: the newest release it advertises in
 * GET /_matrix/client/versions (`versions: ["v1.1", …, "v1.12", "r0.6.1"]`), capped at the newest this suite
 * knows. Undefined when it advertises no release with knocking (r0.x only, or garbage).
 */
export function advertisedSpecVersion(versions: unknown): SpecVersion | undefined {
  if (!Array.isArray(versions)) return undefined;
  let newest: SpecVersion | undefined;
  for (const entry of versions) {
    const found = typeof entry === 'string' ? /^v(\d+)\.(\d+)$/.exec(entry) : null;
    if (!found || Number(found[1]) !== 1 || Number(found[2]) < 1) continue;
    const version =
      compareSpecVersions(`${found[1]}.${found[2]}`, NEWEST_SPEC_VERSION) > 0
        ? NEWEST_SPEC_VERSION
        : `${Number(found[1])}.${Number(found[2])}`;
    if (!isSpecVersion(version)) continue;
    if (!newest || compareSpecVersions(version, newest) > 0) newest = version;
  }
  return newest;
}

/** A version range of a rule: from `since` (inclusive) to `until` (the first release without it), if any. */
export interface VersionRange {
  since: SpecVersion;
  until?: SpecVersion;
}

export function inVersionRange(version: string, range: VersionRange): boolean {
  return compareSpecVersions(version, range.since) >= 0 && (range.until === undefined || compareSpecVersions(version, range.until) < 0);
}

/** The judged spec version of this run (set by `knockknock run`); the newest known when unset (unit tests). */
export function judgedSpecVersion(env: NodeJS.ProcessEnv = process.env): SpecVersion {
  const value = runContext(env).specVersion;
  return value && isSpecVersion(value) ? value : NEWEST_SPEC_VERSION;
}
