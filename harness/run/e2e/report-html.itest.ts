/**
 * report.html in a real browser: Debian's Chromium, headless, driven by playwright-core. The page must open
 * without script errors, its filters must hide and show rows, and a failing grid cell must lead to the transcript.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { ensureDebianPackage } from '../../deploy/provision';
import { acrossVersions, runOf } from '../../report/test-records';
import { writeReportFiles } from '../../report/write-reports';

const SUITE = 'Knock auth rules in rooms the HSUT hosts';
const FAILING = 'A knock into a public room is rejected [spec:auth-rules.knock.join-rule-not-knock]';

describe('report.html in headless Chromium', function () {
  this.timeout(180_000);
  let browser: Browser;
  let outDir: string;

  before(async () => {
    ensureDebianPackage('chromium', 'chromium', 'the report.html check opens it in headless Chromium', (line) =>
      process.stderr.write(`${line}\n`),
    );
    outDir = mkdtempSync(join(tmpdir(), 'kk-html-'));
    const run = runOf([
      ...acrossVersions(['7', '8'], SUITE, FAILING, 'failed', (v) => ({ error: { message: `MUST reject: got 200 in v${v}` } })),
      ...acrossVersions(['9', '10'], SUITE, FAILING, 'passed'),
      ...acrossVersions(['7', '8', '9', '10'], SUITE, 'make_knock answers a template [spec:make_knock.template]', 'passed'),
    ]);
    for (const record of run.records.filter((r) => r.transcript)) {
      const file = join(outDir, record.transcript!);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `transcript of ${record.fullTitle}\n`);
    }
    writeReportFiles(run, outDir);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'], timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('opens without script errors, filters by status and room version, and a failing cell leads to its transcript', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(pathToFileURL(join(outDir, 'report.html')).href);
    const visibleTests = () => page.locator('#tests tbody tr:not(.hidden)').count();
    expect(await visibleTests()).to.equal(8);

    await page.selectOption('#filter-status', 'failed');
    expect(await visibleTests()).to.equal(2);
    expect(await page.locator('#coverage tbody tr:not(.hidden)').count()).to.equal(1);
    await page.selectOption('#filter-version', '8');
    expect(await visibleTests()).to.equal(1);
    expect(await page.textContent('#shown')).to.equal('showing 1 clauses, 1 tests');
    await page.selectOption('#filter-status', '');
    await page.selectOption('#filter-version', '');
    await page.fill('#filter-clause', 'make_knock');
    expect(await visibleTests()).to.equal(4);
    await page.fill('#filter-clause', '');

    const v7 = page.locator('#clause-auth-rules\\.knock\\.join-rule-not-knock td[data-version="7"] a');
    await v7.click();
    await page.waitForURL(/\/transcripts\/.+\.txt$/);
    expect(await page.textContent('body')).to.contain(`transcript of ${SUITE} ${FAILING} [v7]`);
    expect(errors).to.deep.equal([]);
    await page.close();
  });
});
