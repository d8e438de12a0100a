import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  classifyOutcome,
  expectedFailureFor,
  ExpectedFailuresFileError,
  isRunFailure,
  loadExpectedFailures,
  parseExpectedFailures,
} from './expected-failures';

const entry = { reason: 'Synapse answers 403 instead of 400', link: 'https://github.com/element-hq/synapse/issues/1' };

describe('expected failures', () => {
  it('classifies a listed failure as xfail and a listed pass as an unexpected pass', () => {
    expect(classifyOutcome('failed', entry)).to.equal('xfail');
    expect(classifyOutcome('passed', entry)).to.equal('unexpected-pass');
    expect(classifyOutcome('failed', undefined)).to.equal('failed');
    expect(classifyOutcome('passed', undefined)).to.equal('passed');
    expect(classifyOutcome('pending', entry)).to.equal('skipped');
    const pinned = { ...entry, failure: 'got 500' };
    expect(classifyOutcome('failed', pinned, 'rule: got 500 {"errcode":"M_UNKNOWN"}')).to.equal('xfail');
    expect(classifyOutcome('failed', pinned, 'rule: got 200 {}')).to.equal('failed');
    expect(['xfail', 'unexpected-pass', 'failed', 'passed'].map((o) => isRunFailure(o as never))).to.deep.equal([false, true, true, false]);
  });

  it('loads the shipped synapse file', () => {
    const entries = loadExpectedFailures(join(__dirname, '../../fixtures/expected-failures/synapse.json'));
    expect(entries.size).to.be.greaterThan(0);
    for (const [title, entry] of entries) {
      expect(entry.reason, title).to.match(/\S/);
      expect(entry.link, title).to.match(/^https:\/\//);
    }
  });

  it('rejects bad files with one-line errors naming the file and the entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kk-xfail-'));
    const file = join(dir, 'bad.json');
    const cases: Array<[string, RegExp]> = [
      ['{', /bad\.json: not valid JSON/],
      ['[]', /want an object mapping test full title/],
      ['{"t": "just a string"}', /entry "t": want \{ "reason": string, "link": URL \}/],
      ['{"t": {"reason": "", "link": "https://x"}}', /entry "t": "reason" must be a non-empty string/],
      ['{"t": {"reason": "r", "link": "not a url"}}', /entry "t": "link" must be a URL/],
      ['{"t": {"reason": "r", "link": "https://x", "skip": true}}', /unknown key\(s\) skip/],
    ];
    for (const [text, pattern] of cases) {
      writeFileSync(file, text);
      expect(() => loadExpectedFailures(file)).to.throw(ExpectedFailuresFileError, pattern);
      try {
        loadExpectedFailures(file);
      } catch (error) {
        expect((error as Error).message).not.to.contain('\n');
      }
    }
    expect(() => loadExpectedFailures(join(dir, 'missing.json'))).to.throw(/cannot read it/);
    expect(parseExpectedFailures(JSON.stringify({ 'a b': entry })).get('a b')).to.deep.equal(entry);
  });

  it('expected failures may be limited to a spec version range', () => {
    const text = JSON.stringify({
      'a [v7]': { reason: 'r', link: 'https://example.org', since: '1.16' },
      'b [v7]': { reason: 'r', link: 'https://example.org', until: '1.14' },
      'c [v7]': { reason: 'r', link: 'https://example.org' },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'kk-xf-')), 'x.json');
    writeFileSync(file, text);
    expect([...loadExpectedFailures(file, '1.12').keys()]).to.deep.equal(['b [v7]', 'c [v7]']);
    expect([...loadExpectedFailures(file, '1.19').keys()]).to.deep.equal(['a [v7]', 'c [v7]']);
    expect([...loadExpectedFailures(file).keys()]).to.have.length(3);
    expect(() => parseExpectedFailures(JSON.stringify({ t: { reason: 'r', link: 'https://x.org', since: '2' } }))).to.throw(
      /"since" must be a spec version/,
    );
  });
});

describe('expected failures named without their room-version tag', () => {
  const entries = parseExpectedFailures(
    JSON.stringify({
      'Suite a test [spec:x]': { reason: 'r', link: 'https://example.org', roomVersions: ['7', '8'] },
      'Suite b test [spec:y]': { reason: 'all versions', link: 'https://example.org' },
      'Suite b test [spec:y] [v9]': { reason: 'exact wins', link: 'https://example.org' },
    }),
  );

  it('apply to the listed room versions of the test, or to all of them', () => {
    expect(expectedFailureFor(entries, 'Suite a test [spec:x] [v7]')?.key).to.equal('Suite a test [spec:x]');
    expect(expectedFailureFor(entries, 'Suite a test [spec:x] [v12]')).to.equal(undefined);
    expect(expectedFailureFor(entries, 'Suite b test [spec:y] [v12]')?.entry.reason).to.equal('all versions');
    expect(expectedFailureFor(entries, 'Suite b test [spec:y] [v9]')?.entry.reason).to.equal('exact wins');
    expect(expectedFailureFor(entries, 'Suite c [v7]')).to.equal(undefined);
  });

  it('refuse roomVersions on an exact title and malformed lists', () => {
    expect(() => parseExpectedFailures(JSON.stringify({ 't [v7]': { reason: 'r', link: 'https://x.org', roomVersions: ['7'] } }))).to.throw(
      /without its \[vN\] tag/,
    );
    expect(() => parseExpectedFailures(JSON.stringify({ t: { reason: 'r', link: 'https://x.org', roomVersions: 'v7' } }))).to.throw(
      /"roomVersions" must be a list/,
    );
  });
});

describe('expected failures named by clause', () => {
  const clauseEntry = { reason: 'Synapse answers 500', link: 'https://example.org', failure: 'got 500', roomVersions: ['7', '8'] };
  const entries = parseExpectedFailures(JSON.stringify({ 'clause:make_knock.template': clauseEntry }));

  it('apply to every test citing the clause at the listed room versions, and only to its known failures', () => {
    const found = expectedFailureFor(entries, 'Suite any test [spec:make_knock.template] [v8]');
    expect(found?.key).to.equal('clause:make_knock.template');
    expect(expectedFailureFor(entries, 'Suite any test [spec:make_knock.template] [v9]')).to.equal(undefined);
    expect(expectedFailureFor(entries, 'Suite other [spec:make_knock.forbidden] [v8]')).to.equal(undefined);
    expect(classifyOutcome('failed', found!.entry, 'MUST answer 200: got 500')).to.equal('xfail');
    expect(classifyOutcome('failed', found!.entry, 'MUST answer 200: got 403')).to.equal('failed');
    // the clause's passing tests are passes, not unexpected passes
    expect(classifyOutcome('passed', found!.entry)).to.equal('passed');
  });

  it('refuse an unknown clause and a clause entry without "failure"', () => {
    expect(() => parseExpectedFailures(JSON.stringify({ 'clause:no.such.clause': clauseEntry }))).to.throw(
      ExpectedFailuresFileError,
      /no clause/,
    );
    const { failure: _failure, ...withoutFailure } = clauseEntry;
    expect(() => parseExpectedFailures(JSON.stringify({ 'clause:make_knock.template': withoutFailure }))).to.throw(
      ExpectedFailuresFileError,
      /must say with "failure"/,
    );
  });
});
