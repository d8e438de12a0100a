import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { classifyOutcome, ExpectedFailuresFileError, isRunFailure, loadExpectedFailures, parseExpectedFailures } from './expected-failures';

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
    expect(() => parseExpectedFailures(JSON.stringify({ t: { reason: 'r', link: 'https://x.org', since: '2' } }))).to.throw(/"since" must be a spec version/);
  });
});
