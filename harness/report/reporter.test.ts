import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { rerunCommand } from './progress';
import Mocha from 'mocha';
import { publishHttpExchange } from '../core/http-exchange';
import { match, must, should, spec } from '../match';
import { parseExpectedFailures } from './expected-failures';
import { createReporters } from './reporter';
import type { ReportOptions } from './reporter';
import type { RunResult } from './results';
import { COUNT_WORDS } from './results';

const KNOCK_SUITE = 'knock over federation';
const XFAIL_TITLE = 'make_knock refuses a server without the room version [spec:make_knock.incompatible-version] [v7]';
const XPASS_TITLE = 'send_knock answers knock_room_state [spec:send_knock.accepted] [v8]';
const FAIL_TITLE = 'make_knock answers 403 for a banned user [spec:make_knock.forbidden,auth-rules.knock.from-ban] [v7]';

function publishMakeKnockExchange(status: number, body: unknown): void {
  publishHttpExchange({
    actor: 'federation-client',
    from: 'fake 127.0.0.1:34567',
    to: 'hsut localhost:8008',
    method: 'GET',
    url: '/_matrix/federation/v1/make_knock/!room:hs/@alice:fake?ver=7',
    requestHeaders: { Authorization: 'X-Matrix origin="fake",destination="hs",key="ed25519:k",sig="SECRETSIG"' },
    status,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: body,
    startedAt: Date.now(),
    durationMs: 12,
  });
}

interface MiniRun {
  failures: number;
  output: string;
  outDir: string;
  result: RunResult;
  logWindows: Array<[number, number]>;
}

async function runMiniSuite(
  expectedFailuresJson: string,
  consoleOptions: Pick<ReportOptions, 'verbose' | 'progress'> = {},
): Promise<MiniRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'kk-report-'));
  const chunks: string[] = [];
  const logWindows: Array<[number, number]> = [];
  const reporting = createReporters({
    outDir,
    expectedFailures: parseExpectedFailures(expectedFailuresJson),
    homeserverLogs: async (from, to) => {
      logWindows.push([from, to]);
      return 'synapse.federation INFO - make_knock: user @alice:fake is banned\nsynapse.federation INFO - a concurrent test: @bob:fake\n';
    },
    output: { write: (text: string) => chunks.push(text) },
    ...consoleOptions,
    metadata: {
      server: {
        implementation: 'synapse',
        name: 'Synapse',
        version: '1.160.0',
        image: 'knockknock-synapse:abc',
        serverName: 'localhost:8008',
        clientUrl: 'http://127.0.0.1:8008',
        federationUrl: 'http://127.0.0.1:8008',
      },
      arguments: ['run', '--room-version', '7,8'],
    },
  });
  const mocha = new Mocha({ timeout: 2000 });
  mocha.reporter(reporting.Reporter);
  const suite = Mocha.Suite.create(mocha.suite, KNOCK_SUITE);
  suite.addTest(
    new Mocha.Test(FAIL_TITLE, () => {
      publishMakeKnockExchange(200, { room_version: '7', event: { type: 'm.room.member', content: { membership: 'knock' } } });
      must.matchResponse(
        { status: 200, headers: {}, body: { room_version: '7' } },
        { status: 403, errcode: 'M_FORBIDDEN' },
        spec('make_knock.forbidden', 'make_knock MUST answer 403 M_FORBIDDEN to a banned user'),
      );
    }),
  );
  suite.addTest(
    new Mocha.Test(XFAIL_TITLE, () => {
      publishMakeKnockExchange(403, { errcode: 'M_FORBIDDEN' });
      must.matchResponse(
        { status: 403, headers: {}, body: {}, errcode: 'M_FORBIDDEN' },
        { status: 400, errcode: 'M_INCOMPATIBLE_ROOM_VERSION' },
        spec('make_knock.incompatible-version', 'make_knock MUST answer 400'),
      );
    }),
  );
  suite.addTest(new Mocha.Test(XPASS_TITLE, () => undefined));
  suite.addTest(
    new Mocha.Test('the knock reason is kept [spec:membership.knock-reason] [v7]', () => {
      should.matchJson(
        { content: {} },
        [match.jsonKeyPresent('content.reason')],
        spec('membership.knock-reason', 'the knock reason SHOULD be kept'),
      );
    }),
  );
  suite.addTest(new Mocha.Test('a pending test [spec:directory.knock-rooms-listed]'));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  const result = reporting.result();
  if (!result) throw new Error('the reporter produced no result');
  return { failures, output: chunks.join(''), outDir, result, logWindows };
}

describe('reporter (in-process mocha run)', function () {
  this.timeout(10_000);
  let run: MiniRun;

  before(async () => {
    run = await runMiniSuite(
      JSON.stringify({
        [`${KNOCK_SUITE} ${XFAIL_TITLE}`]: { reason: 'Synapse answers 403', link: 'https://github.com/element-hq/synapse/issues/1' },
        [`${KNOCK_SUITE} ${XPASS_TITLE}`]: { reason: 'was broken', link: 'https://github.com/element-hq/synapse/issues/2' },
        [`${KNOCK_SUITE} a test that was renamed`]: { reason: 'stale', link: 'https://example.org/3' },
      }),
    );
  });

  it('classifies outcomes and hands mocha failed + unexpected passes only', () => {
    const byTitle = new Map(run.result.records.map((r) => [r.title, r.outcome]));
    expect(byTitle.get(FAIL_TITLE)).to.equal('failed');
    expect(byTitle.get(XFAIL_TITLE)).to.equal('xfail');
    expect(byTitle.get(XPASS_TITLE)).to.equal('unexpected-pass');
    expect(byTitle.get('a pending test [spec:directory.knock-rooms-listed]')).to.equal('skipped');
    expect(run.failures).to.equal(2);
    expect(run.result.staleExpectedFailures).to.deep.equal([`${KNOCK_SUITE} a test that was renamed`]);
  });

  it('writes a transcript with the failing request, the homeserver log and the error', () => {
    const failed = run.result.records.find((r) => r.title === FAIL_TITLE);
    expect(failed?.transcript).to.match(/^transcripts\/.+\.txt$/);
    const transcript = readFileSync(join(run.outDir, failed?.transcript as string), 'utf8');
    // the index first, then the exchange the assertion is about ("got 200": the one exchange that answered 200) in full
    expect(transcript).to.match(
      /^ {2}1\. \+\d+ms +GET \/_matrix\/federation\/v1\/make_knock\/!room:hs\/@alice:fake\?ver=7 → 200 {2}12ms {2}federation-client fake 127\.0\.0\.1:34567 → hsut localhost:8008 {2}◀ the assertion is about this one$/m,
    );
    expect(transcript).to.contain(
      '### 1. GET /_matrix/federation/v1/make_knock/!room:hs/@alice:fake?ver=7  ◀ the assertion is about this one',
    );
    expect(transcript).to.contain('authorization: X-Matrix origin=fake,destination=hs,key=ed25519:k sig=<redacted>');
    expect(transcript).not.to.contain('SECRETSIG');
    expect(transcript).to.contain('< 200');
    expect(transcript).to.contain('"room_version": "7"');
    expect(transcript).to.contain('synapse.federation INFO - make_knock: user @alice:fake is banned');
    expect(transcript).not.to.contain('a concurrent test');
    expect(transcript).to.contain('1 line of concurrent tests left out');
    expect(transcript).to.contain('make_knock MUST answer 403 M_FORBIDDEN to a banned user: got 200');
    // each transcript only holds its own test's traffic
    expect(transcript.match(/^ +\d+\. \+\d+ms +GET \/_matrix\/federation\/v1\/make_knock\/!room/gm)).to.have.length(1);
    const [from, to] = run.logWindows[0];
    expect(to).to.be.greaterThan(from);
    // xfail gets a transcript too; passes do not
    expect(readdirSync(join(run.outDir, 'transcripts')).filter((f) => f.endsWith('.txt'))).to.have.length(2);
    // every exchange in full next to it, tokens and signatures redacted
    const sidecar = (failed?.transcript as string).replace(/\.txt$/, '.exchanges.json');
    expect(transcript).to.contain(sidecar.replace(/^transcripts\//, ''));
    const full = JSON.parse(readFileSync(join(run.outDir, sidecar), 'utf8'));
    expect(full).to.have.length(1);
    expect(full[0].requestHeaders.Authorization).to.equal('X-Matrix origin=fake,destination=hs,key=ed25519:k sig=<redacted>');
  });

  it('prints failures and warnings as they happen, a progress line per tenth, the totals, and ends with exactly "N passed, N failed, N skipped"', () => {
    const lines = run.output.trimEnd().split('\n');
    expect(lines.at(-1)).to.equal('2 passed, 2 failed, 1 skipped');
    expect(run.output).to.match(/✗ FAIL\s+\d+ms {2}knock over federation make_knock answers 403/);
    expect(run.output).to.match(/ {12}rerun: npx knockknock run --room-version 7 --fgrep 'knock over federation make_knock answers 403/);
    expect(run.output).to.contain('! XPASS');
    expect(run.output).to.match(
      / {2}⚠ WARN {11}knock over federation the knock reason is kept \[spec:membership.knock-reason\] \[v7\]\n {12}the knock reason SHOULD be kept/,
    );
    // passes, expected failures and skips are counted, not listed
    expect(run.output).not.to.contain('✓ pass');
    expect(run.output).not.to.contain('~ xfail');
    expect(lines.filter((l) => /^ {2}\[\d+\/5 \d+%\]/.test(l))).to.have.length(5);
    expect(run.output).to.match(/^ {2}\[5\/5 100%\] 2 failed · 1 expected failure · 1 warning · \d+s$/m);
    expect(run.output).to.contain(
      '  1 passed · 1 failed · 1 expected failure · 1 unexpected pass · 0 not claimed · 1 skipped · 1 warning\n',
    );
    expect(lines.at(-2)).to.equal('(in the last line expected failures count as passed, unexpected passes as failed)');
  });

  it('with verbose, prints one line per test as before', async () => {
    const verbose = await runMiniSuite('{}', { verbose: true });
    expect(verbose.output.match(/^ {2}(✓ pass|✗ FAIL|- skip ) /gm)).to.have.length(5);
    expect(verbose.output).not.to.match(/\[\d+\/5/);
    expect(verbose.output.trimEnd().split('\n').at(-1)).to.equal('2 passed, 2 failed, 1 skipped');
  });

  it('on a terminal, keeps the progress counter on one rewritten line', async () => {
    const tty = await runMiniSuite('{}', { progress: 'tty' });
    const rewrites = tty.output.split('\r\u001b[2K').length - 1;
    expect(rewrites).to.be.greaterThan(5);
    // no progress text is left on its own line
    expect(tty.output.split('\n').filter((l) => /^ {2}\[\d+\/5/.test(l))).to.have.length(0);
    expect(tty.output.trimEnd().split('\n').at(-1)).to.equal('2 passed, 2 failed, 1 skipped');
  });

  it('writes report.json with clauses, room version, status, warnings, error and transcript', () => {
    const report = JSON.parse(readFileSync(join(run.outDir, 'report.json'), 'utf8'));
    const failed = report.tests.find((t: { title: string }) => t.title === FAIL_TITLE);
    expect(failed.clauses).to.deep.equal(['make_knock.forbidden', 'auth-rules.knock.from-ban']);
    expect(failed.roomVersion).to.equal('7');
    expect(failed.status).to.equal('failed');
    expect(failed.error.code).to.equal('KK_SPEC_VIOLATION');
    expect(failed.error.rule).to.equal('make_knock MUST answer 403 M_FORBIDDEN to a banned user');
    expect(failed.transcript).to.match(/^transcripts\//);
    expect(failed.id).to.match(/^knock-over-federation-make-knock-answers-403-for-a-banned-user-[0-9a-f]{8}$/);
    expect(failed.logicalId)
      .to.match(/^knock-over-federation-make-knock-answers-403-for-a-banned-user-[0-9a-f]{8}$/)
      .and.not.equal(failed.id);
    expect(failed.infrastructure).to.equal(false);
    expect(report.server).to.deep.include({
      implementation: 'synapse',
      name: 'Synapse',
      version: '1.160.0',
      image: 'knockknock-synapse:abc',
    });
    expect(report.knockknock.version).to.match(/^\d+\.\d+\.\d+/);
    expect(report.arguments).to.deep.equal(['run', '--room-version', '7,8']);
    expect(report.specVersion).to.equal(null);
    const warned = report.tests.find((t: { warnings: unknown[] }) => t.warnings.length > 0);
    expect(warned.warnings[0].rule).to.equal('the knock reason SHOULD be kept');
    expect(report.summary).to.include({ passed: 1, failed: 1, xfail: 1, unexpectedPass: 1, skipped: 1, warnings: 1, runFailures: 2 });
    expect(report.summary).to.include({ expectedFailures: 1, unexpectedPasses: 1, notClaimed: 0 });
    expect(report.statusLabels).to.deep.equal({
      passed: 'passed',
      failed: 'failed',
      xfail: 'expected failure',
      'unexpected-pass': 'unexpected pass',
      'not-claimed': 'not claimed',
      skipped: 'skipped',
    });
  });

  it('writes JUnit XML that a JUnit consumer parses, with xfail as skipped and unexpected pass as failure', async () => {
    const { parse } = await import('junit2json');
    const parsed = await parse(readFileSync(join(run.outDir, 'junit.xml'), 'utf8'));
    const suites = (parsed as { testsuite?: Array<{ name?: string; testcase?: Array<Record<string, unknown>> }> }).testsuite ?? [];
    expect(suites.map((s) => s.name)).to.deep.equal([KNOCK_SUITE]);
    const cases = new Map((suites[0].testcase ?? []).map((c) => [c.name as string, c]));
    expect(cases.size).to.equal(5);
    const failed = cases.get(FAIL_TITLE) as { failure: Array<{ message: string; type: string; inner: string }> };
    expect(failed.failure[0].message).to.match(/^make_knock MUST answer 403 M_FORBIDDEN to a banned user: got 200/);
    expect(failed.failure[0].type).to.equal('KK_SPEC_VIOLATION');
    expect(failed.failure[0].inner).to.match(/Transcript: .*transcripts\/.+\.txt/);
    const xfail = cases.get(XFAIL_TITLE) as { skipped: Array<{ message: string }>; 'system-out': string[] };
    expect(xfail.skipped[0].message).to.contain('expected failure: Synapse answers 403');
    expect(xfail['system-out'][0]).to.contain('Transcript:');
    const xpass = cases.get(XPASS_TITLE) as { failure: Array<{ type: string }> };
    expect(xpass.failure[0].type).to.equal('unexpected-pass');
    const warned = cases.get('the knock reason is kept [spec:membership.knock-reason] [v7]') as { 'system-out': string[] };
    expect(warned['system-out'][0]).to.contain('WARNING the knock reason SHOULD be kept');
  });

  it('uses one vocabulary in every report, and summary.md says in its headline what its table says', async () => {
    const markdown = readFileSync(join(run.outDir, 'summary.md'), 'utf8').split('\n');
    const headerAt = markdown.findIndex((l) => l.startsWith('| passed |'));
    const headings = markdown[headerAt]
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean);
    const values = markdown[headerAt + 2]
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean)
      .map(Number);
    expect(headings).to.deep.equal([
      'passed',
      'failed',
      'expected failures',
      'unexpected passes',
      'not claimed',
      'skipped',
      'warnings',
      'tests',
    ]);
    // every count the headline names is the table's, under the same word (singular or plural)
    const plurals = new Map<string, string>([
      ...COUNT_WORDS.map((w) => [w.one, w.many] as [string, string]),
      ['warning', 'warnings'],
      ['test', 'tests'],
    ]);
    const said = new Map<string, number>();
    for (const [, n, label] of markdown[0].replace(/^## . knockknock: /, '').matchAll(/(\d+) ([a-z ]+?)(?= ·| \(|\)|$)/g))
      said.set(plurals.get(label) ?? label, Number(n));
    expect(said.get('tests')).to.equal(5);
    for (const [heading, n] of said) expect(values[headings.indexOf(heading)], heading).to.equal(n);
    headings.forEach((heading, i) => expect(said.get(heading) ?? 0, `${heading} in the headline`).to.equal(values[i]));
    // the console and JUnit's summary comment use the same words for the same numbers
    const phrase = '1 passed · 1 failed · 1 expected failure · 1 unexpected pass · 0 not claimed · 1 skipped · 1 warning';
    expect(run.output).to.contain(phrase);
    const junit = readFileSync(join(run.outDir, 'junit.xml'), 'utf8');
    expect(junit).to.contain(`<!-- knockknock: ${phrase};`);
    const { parse } = await import('junit2json');
    const parsed = (await parse(junit)) as { tests?: number; failures?: number; skipped?: number };
    expect([parsed.tests, parsed.failures, parsed.skipped]).to.deep.equal([5, 2, 2]);
  });

  it('writes summary.md with the coverage matrix, not-covered clauses marked', () => {
    const markdown = readFileSync(join(run.outDir, 'summary.md'), 'utf8');
    expect(markdown.split('\n')[0]).to.equal(
      '## ❌ knockknock: 1 passed · 1 failed · 1 expected failure · 1 unexpected pass · 1 skipped · 1 warning (5 tests)',
    );
    const lines = markdown.split('\n');
    const gridRow = (id: string) => lines.find((line) => line.startsWith(`| [\`${id}\`]`)) ?? '';
    expect(gridRow('make_knock.forbidden')).to.contain('❌ fail (1)');
    expect(gridRow('make_knock.incompatible-version')).to.contain('⚠️ expected failure (1)');
    expect(lines.find((line) => line.startsWith('- membership:'))).to.contain('`membership.knock-reason` 1');
    expect(lines.find((line) => line.startsWith('⬜ **Not covered**'))).to.contain('`sync.knock-section`');
    expect(markdown).to.match(/\| Clause \| Level \| Spec \| All versions \| v7 \| v8 \|/);
    expect(markdown).to.contain('### ❌ Failures: 1 test (1 run across room versions)');
    expect(markdown).to.contain('### Expected failures: 1 test (1 run across room versions)');
    expect(markdown).to.contain('### Unexpected passes');
    expect(markdown).to.contain('a test that was renamed');
    expect(markdown).to.match(/^Server: Synapse 1\.160\.0 \(synapse, image knockknock-synapse:abc\) · knockknock \d+\.\d+\.\d+/m);
    // transcript links are relative to the report directory, where summary.md is
    expect(markdown).to.match(/\[transcript\]\(transcripts\/[^)]+\.txt\)/);
    expect(markdown).not.to.contain(run.outDir);
    expect(existsSync(join(run.outDir, 'junit.xml'))).to.equal(true);
    expect(readFileSync(join(run.outDir, 'report.html'), 'utf8')).to.contain('id="coverage"');
  });
});

describe('reporter: hooks', function () {
  this.timeout(10_000);

  it('attributes an afterEach failure and its traffic to the test, and a before-all failure to the hook', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'kk-report-hooks-'));
    const reporting = createReporters({ outDir, output: { write: () => true } });
    const mocha = new Mocha({ timeout: 2000 });
    mocha.reporter(reporting.Reporter);
    const withAfterEach = Mocha.Suite.create(mocha.suite, 'cleanup');
    withAfterEach.afterEach(function checkNoUnexpectedRequests() {
      publishMakeKnockExchange(404, { errcode: 'M_UNRECOGNIZED' });
      throw new Error('the fake server got 1 unexpected request');
    });
    withAfterEach.addTest(new Mocha.Test('a test whose cleanup fails', () => publishMakeKnockExchange(200, {})));
    const withBeforeAll = Mocha.Suite.create(mocha.suite, 'setup');
    withBeforeAll.beforeAll(function startHomeserver() {
      throw new Error('homeserver did not start');
    });
    withBeforeAll.addTest(new Mocha.Test('never runs', () => undefined));
    const failures = await new Promise<number>((resolve) => mocha.run(resolve));
    const result = reporting.result() as RunResult;
    expect(failures).to.equal(2);
    const cleanup = result.records.find((r) => r.title === 'a test whose cleanup fails');
    expect(cleanup?.outcome).to.equal('failed');
    expect(cleanup?.failedHook).to.match(/"after each" hook/);
    const transcript = readFileSync(join(outDir, cleanup?.transcript as string), 'utf8');
    expect(transcript.match(/^ +\d+\. \+\d+ms +GET \/_matrix\/federation\/v1\/make_knock\/!room/gm)).to.have.length(2);
    expect(transcript).to.contain('the fake server got 1 unexpected request');
    const setup = result.records.find((r) => r.failedHook?.includes('"before all" hook'));
    expect(setup?.error?.message).to.equal('homeserver did not start');
    expect(setup?.transcript).to.match(/^transcripts\//);
  });
});

describe('rerun command', () => {
  it('quotes the title for a POSIX shell and names the file and room version', () => {
    const cmd = rerunCommand({ fullTitle: "A user's knock [spec:x] [v7]", file: `${process.cwd()}/suites/a.test.ts`, roomVersion: '7' });
    expect(cmd).to.equal(`npx knockknock run --spec 'suites/a.test.ts' --room-version 7 --fgrep 'A user'\\''s knock [spec:x] [v7]'`);
  });
});
