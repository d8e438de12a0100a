/**
 * `npm run bench`: how fast knockknock is, measured rather than asserted. Writes bench/results.json and prints
 * each figure next to its target (issue #9): image build (cached, and cold with --cold), HSUT start-to-ready,
 * whole-suite wall time, per-file and slowest tests, harness CPU share, wall time against the time spent
 * waiting on the HSUT, the HSUT's own CPU time and its busiest endpoints, time to the first test result, core crypto throughput against the raw library,
 * and the CLI's start-up time with tsx at run time against tsc-compiled JavaScript (scripts/cli-startup.ts).
 *
 * With --instances 1,2 the suite runs once per count (each --runs times) and results.json gets
 * `scaling: [{instances, suiteWallMs, hsutCpuMs}]`; the other figures are the last run's.
 *
 *   npx tsx scripts/bench.ts [--cold] [--runs N] [--instances 1,2] [-- run flags…]
 */
import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign as rawSign, verify as rawVerify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunMetrics as RecordedRunMetrics } from '../harness/run/metrics';
import { canonicalJsonBytes, generateSigningKey, redactEvent, signEvent, signJson, verifyJsonSignature } from '../harness/core';
import { measureCliStartup } from './cli-startup';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'knockknock.js');

/** run-metrics.json as the CLI writes it; fields may be missing when a run ended early. */
type RunMetrics = Partial<RecordedRunMetrics>;

interface ReportTest {
  fullTitle: string;
  file: string | null;
  status: string;
  durationMs: number | null;
}

function runCli(args: string[]): Promise<{ code: number | null; wallMs: number; stdout: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('close', (code) => resolve({ code, wallMs: Number(process.hrtime.bigint() - started) / 1e6, stdout }));
  });
}

function opsPerSecond(iterations: number, work: (i: number) => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) work(i);
  return iterations / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Our event hashing+signing and signature checks, next to node:crypto doing only the ed25519 part. */
function cryptoThroughput() {
  const key = generateSigningKey('ed25519:bench');
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(key.seed)]);
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const event = (i: number) => ({
    type: 'm.room.member',
    room_id: '!bench:127.0.0.1:1',
    sender: `@u${i}:127.0.0.1:1`,
    state_key: `@u${i}:127.0.0.1:1`,
    content: { membership: 'knock', reason: `benchmark ${i}` },
    origin_server_ts: 1_700_000_000_000 + i,
    depth: 10,
    prev_events: ['$prev'],
    auth_events: ['$a', '$b', '$c'],
  });
  const n = 3000;
  const eventsSigned = opsPerSecond(n, (i) => signEvent(event(i), '10', '127.0.0.1:1', key.keyId, key.seed));
  const rawSigned = opsPerSecond(n, (i) => rawSign(null, canonicalJsonBytes(redactEvent(event(i), '10')), privateKey));
  const signed = signJson({ one: 1, two: 'Two', nested: { list: [1, 2, 3] } }, 'bench', key.keyId, key.seed);
  const signature = Buffer.from(signed.signatures.bench[key.keyId], 'base64');
  const unsignedBytes = canonicalJsonBytes({ one: 1, two: 'Two', nested: { list: [1, 2, 3] } });
  const verified = opsPerSecond(n, () => verifyJsonSignature(signed, 'bench', key.keyId, key.publicKey));
  const rawVerified = opsPerSecond(n, () => rawVerify(null, unsignedBytes, publicKey, signature));
  return {
    eventsHashedAndSignedPerSecond: Math.round(eventsSigned),
    rawEd25519SignPerSecond: Math.round(rawSigned),
    signRatio: Number((eventsSigned / rawSigned).toFixed(2)),
    signaturesVerifiedPerSecond: Math.round(verified),
    rawEd25519VerifyPerSecond: Math.round(rawVerified),
    verifyRatio: Number((verified / rawVerified).toFixed(2)),
  };
}

function mark(ok: boolean | undefined): string {
  return ok === undefined ? '   ' : ok ? 'ok ' : 'MISS';
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      cold: { type: 'boolean', default: false },
      runs: { type: 'string', default: '1' },
      instances: { type: 'string' },
    },
    allowPositionals: true,
  });
  const runFlags = positionals;

  const imageCached = await runCli(['image', 'build']);
  let imageCold: number | undefined;
  if (values.cold) imageCold = (await runCli(['image', 'build', '--force'])).wallMs;

  const instanceCounts = values.instances === undefined ? [undefined] : values.instances.split(',').map((n) => Number(n));
  if (instanceCounts.some((n) => n !== undefined && !(Number.isInteger(n) && n >= 1))) throw new Error('--instances takes counts like 1,2');
  const runs: Array<{ instances?: number; wallMs: number; code: number | null; metrics: RunMetrics; tests: ReportTest[] }> = [];
  for (const instances of instanceCounts)
    for (let i = 0; i < Number(values.runs); i++) {
      const reportDir = mkdtempSync(path.join(tmpdir(), 'kk-bench-'));
      const run = await runCli(['run', '--out', reportDir, ...(instances ? ['--instances', String(instances)] : []), ...runFlags]);
      const read = <T>(file: string, fallback: T): T => {
        try {
          return JSON.parse(readFileSync(path.join(reportDir, file), 'utf8')) as T;
        } catch {
          return fallback;
        }
      };
      runs.push({
        ...(instances ? { instances } : {}),
        wallMs: run.wallMs,
        code: run.code,
        metrics: read<RunMetrics>('run-metrics.json', {}),
        tests: read<{ tests: ReportTest[] }>('report.json', { tests: [] }).tests,
      });
    }
  const last = runs[runs.length - 1];
  // The last run of each instance count.
  const scaling = instanceCounts.flatMap((instances) => {
    const run = runs.filter((r) => r.instances === instances).pop();
    return instances && run
      ? [{ instances, suiteWallMs: run.metrics.suiteWallMs ?? null, hsutCpuMs: run.metrics.hsutCpuMs ?? null, exitCode: run.code }]
      : [];
  });
  const oneTitle = last?.tests.find((t) => t.status === 'passed' && t.file?.endsWith('send-knock.test.ts'))?.fullTitle;
  const rerun = oneTitle ? await runCli(['run', '--fgrep', oneTitle, '--out', mkdtempSync(path.join(tmpdir(), 'kk-bench-'))]) : undefined;
  const m = last?.metrics ?? {};
  const cpuMs = (m.cpuUserMs ?? 0) + (m.cpuSystemMs ?? 0);
  const perFile: Record<string, number> = {};
  for (const t of last?.tests ?? []) {
    const file = path.relative(root, t.file ?? '?');
    perFile[file] = (perFile[file] ?? 0) + (t.durationMs ?? 0);
  }
  const slowest = [...(last?.tests ?? [])]
    .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0))
    .slice(0, 10)
    .map((t) => ({ title: t.fullTitle, durationMs: t.durationMs }));

  const results = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    imageBuildCachedMs: Math.round(imageCached.wallMs),
    imageBuildColdMs: imageCold === undefined ? null : Math.round(imageCold),
    hsutReadyMs: m.hsutReadyMs ?? null,
    suiteWallMs: m.suiteWallMs ?? null,
    totalWallMs: Math.round(last?.wallMs ?? 0),
    runWallMsAll: runs.map((r) => Math.round(r.wallMs)),
    firstResultMs: m.firstResultMs ?? null,
    harnessCpuShare: m.totalWallMs ? Number((cpuMs / m.totalWallMs).toFixed(3)) : null,
    hsutBusyMs: m.hsutBusyMs ?? null,
    wallOverHsutBusy: m.hsutBusyMs && m.suiteWallMs ? Number((m.suiteWallMs / m.hsutBusyMs).toFixed(2)) : null,
    hsutCpuMs: m.hsutCpuMs ?? null,
    hsutCpuShare: m.hsutCpuShare ?? null,
    hsutRequests: m.hsutRequests ?? null,
    hsutTimeByEndpoint: m.hsutTimeByEndpoint ?? [],
    tests: last?.tests.length ?? 0,
    exitCode: last?.code ?? null,
    perFileMs: perFile,
    slowestTests: slowest,
    scaling,
    oneTestRerunMs: rerun ? Math.round(rerun.wallMs) : null,
    crypto: cryptoThroughput(),
    cliStartup: measureCliStartup(),
  };
  mkdirSync(path.join(root, 'bench'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  const line = (label: string, value: string, ok?: boolean, target = '') =>
    console.log(`${mark(ok)} ${label.padEnd(40)} ${value.padStart(12)}  ${target}`);
  const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
  console.log('knockknock benchmark (bench/results.json)');
  line('image build, cached', s(results.imageBuildCachedMs));
  line('image build, cold', values.cold ? s(results.imageBuildColdMs) : 'not run (--cold)');
  line(
    'HSUT start to ready',
    s(results.hsutReadyMs),
    results.hsutReadyMs === null ? undefined : results.hsutReadyMs <= 5000,
    'target ≤ 5 s',
  );
  line(
    'knock suite wall time',
    s(results.suiteWallMs),
    results.suiteWallMs === null ? undefined : results.suiteWallMs <= 60_000,
    'target ≤ 60 s',
  );
  line('whole run wall time (with HSUT)', s(results.totalWallMs));
  for (const entry of scaling) {
    const base = scaling[0];
    const ratio = base && entry !== base && base.suiteWallMs && entry.suiteWallMs ? entry.suiteWallMs / base.suiteWallMs : undefined;
    line(
      `suite wall, ${entry.instances} instance${entry.instances === 1 ? '' : 's'}`,
      s(entry.suiteWallMs),
      entry.instances === 2 && entry.suiteWallMs !== null ? entry.suiteWallMs <= 60_000 : undefined,
      `HSUT CPU ${s(entry.hsutCpuMs)}${ratio === undefined ? '' : `; ÷ ${base?.instances} instance: ${ratio.toFixed(2)} (target ≤ 0.65)`}${entry.instances === 2 ? '; target ≤ 60 s' : ''}`,
    );
  }
  line(
    'one-test rerun (--fgrep, whole command)',
    s(results.oneTestRerunMs),
    results.oneTestRerunMs === null ? undefined : results.oneTestRerunMs <= 5000,
    'target ≤ 5 s',
  );
  line(
    'first test result after start',
    s(results.firstResultMs),
    results.firstResultMs === null ? undefined : results.firstResultMs <= 5000,
    'target ≤ 5 s (#17; #9 asked ≤ 10 s)',
  );
  line(
    'harness CPU / wall',
    results.harnessCpuShare === null ? 'n/a' : `${(results.harnessCpuShare * 100).toFixed(1)} %`,
    results.harnessCpuShare === null ? undefined : results.harnessCpuShare <= 0.05,
    'target ≤ 5 %',
  );
  line(
    'suite wall / time waiting on the HSUT',
    results.wallOverHsutBusy === null ? 'n/a' : `${results.wallOverHsutBusy}×`,
    results.wallOverHsutBusy === null ? undefined : results.wallOverHsutBusy <= 1.3,
    'target ≤ 1.3×',
  );
  line(
    'HSUT CPU time / suite wall',
    results.hsutCpuShare === null ? 'n/a' : `${(results.hsutCpuShare * 100).toFixed(0)} %`,
    undefined,
    results.hsutCpuMs === null ? '' : `${s(results.hsutCpuMs)} of HSUT CPU: near 100 % the HSUT's own CPU is the floor`,
  );
  line(
    'events hashed+signed per second',
    `${results.crypto.eventsHashedAndSignedPerSecond}`,
    undefined,
    `raw ed25519 ${results.crypto.rawEd25519SignPerSecond}/s (ratio ${results.crypto.signRatio})`,
  );
  line(
    'signatures verified per second',
    `${results.crypto.signaturesVerifiedPerSecond}`,
    undefined,
    `raw ed25519 ${results.crypto.rawEd25519VerifyPerSecond}/s (ratio ${results.crypto.verifyRatio})`,
  );
  const startup = results.cliStartup;
  line(
    'CLI start-up: list one suite (tsx)',
    s(startup.tsxListMs),
    undefined,
    `precompiled JS ${s(startup.compiledListMs)}, after a ${s(startup.compileMs)} tsc build`,
  );
  line('CLI start-up: --help (tsx)', s(startup.tsxHelpMs), undefined, `precompiled JS ${s(startup.compiledHelpMs)}`);
  console.log('HSUT request time by endpoint (summed over concurrent requests):');
  for (const e of results.hsutTimeByEndpoint.slice(0, 8)) {
    console.log(
      `  ${String(e.totalMs).padStart(7)} ms  ${String(e.requests).padStart(5)} × ${String(e.meanMs).padStart(6)} ms  ${e.route}`,
    );
  }
  console.log('slowest tests:');
  for (const t of slowest) console.log(`  ${String(t.durationMs).padStart(6)} ms  ${t.title}`);
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
