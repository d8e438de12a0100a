/**
 * The images the project builds itself (no registry is needed): tags carry a hash of their recipe, so each
 * recipe is built once per Docker engine and rebuilt when it changes.
 */
import { ensureDebianPackage } from './provision';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dockerEngine } from './docker-engine';

const IMAGES_DIR = join(__dirname, 'images');
const BASE_RECIPE = join(IMAGES_DIR, 'build-synapse-base.sh');
const COMPLEMENT_DIR = join(IMAGES_DIR, 'complement-synapse');
const BUILD_TIMEOUT_MS = 15 * 60_000;

function recipeHash(files: string[]): string {
  const hash = createHash('sha256');
  // Paths relative to the images folder: the tag must not change with where the project is checked out.
  for (const file of files) hash.update(relative(IMAGES_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 12);
}

export function synapseBaseTag(): string {
  return `knockknock/synapse-base:${recipeHash([BASE_RECIPE])}`;
}

export function complementSynapseTag(): string {
  const files = ['Dockerfile', 'entrypoint.sh'].map((name) => join(COMPLEMENT_DIR, name));
  return `knockknock/complement-synapse:${recipeHash([BASE_RECIPE, ...files])}`;
}

export async function imageExists(tag: string): Promise<boolean> {
  const client = await dockerEngine();
  try {
    await client.container.dockerode.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Builds the Debian-packaged Synapse base image unless an image with its recipe hash exists. */
export async function ensureSynapseBaseImage(log: (line: string) => void = stderrLine): Promise<string> {
  const tag = synapseBaseTag();
  if (await imageExists(tag)) return tag;
  ensureDebianPackage('mmdebstrap', 'mmdebstrap', 'it builds the Synapse image from Debian packages', log);
  log(`knockknock: building ${tag} from Debian packages (mmdebstrap, about a minute)…`);
  await runCommand('bash', [BASE_RECIPE, tag], log);
  log(`knockknock: built ${tag}`);
  return tag;
}

/** Builds the Complement-contract Synapse image (FROM the base image) unless it exists. */
export async function ensureComplementSynapseImage(log: (line: string) => void = stderrLine): Promise<string> {
  const tag = complementSynapseTag();
  if (await imageExists(tag)) return tag;
  const base = await ensureSynapseBaseImage(log);
  log(`knockknock: building ${tag} FROM ${base}…`);
  await runCommand('docker', ['build', '--quiet', '--build-arg', `BASE=${base}`, '-t', tag, COMPLEMENT_DIR], log);
  log(`knockknock: built ${tag}`);
  return tag;
}

export async function buildAllImages(log: (line: string) => void = stderrLine): Promise<string[]> {
  return [await ensureSynapseBaseImage(log), await ensureComplementSynapseImage(log)];
}

function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

function runCommand(command: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        log(`  ${line}`);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGTERM'), BUILD_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`));
    });
  });
}
