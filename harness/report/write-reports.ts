/** Writes a finished run's report files into the report directory: what a run and `knockknock merge` both produce. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtmlReport } from './html';
import { renderJsonReport } from './json-report';
import { renderJUnit } from './junit';
import { renderMarkdownSummary } from './markdown';
import type { RunResult } from './results';
import { REPOSITORY_ROOT } from './source-location';

export interface ReportFiles {
  json: string;
  junit: string;
  markdown: string;
  html: string;
}

/** Returns the paths written. `stepSummaryFile` (e.g. $GITHUB_STEP_SUMMARY) gets summary.md appended. */
export function writeReportFiles(run: RunResult, outDir: string, options: { stepSummaryFile?: string } = {}): ReportFiles {
  const files: ReportFiles = {
    json: join(outDir, 'report.json'),
    junit: join(outDir, 'junit.xml'),
    markdown: join(outDir, 'summary.md'),
    html: join(outDir, 'report.html'),
  };
  writeFileSync(files.json, renderJsonReport(run));
  writeFileSync(files.junit, renderJUnit(run, { rootDir: REPOSITORY_ROOT }));
  const markdown = renderMarkdownSummary(run);
  writeFileSync(files.markdown, markdown);
  writeFileSync(files.html, renderHtmlReport(run));
  if (options.stepSummaryFile) appendFileSync(options.stepSummaryFile, markdown);
  return files;
}
