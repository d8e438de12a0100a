/**
 * What the console shows while a run goes: by default each failure (with its transcript and rerun command) and
 * each SHOULD warning as it happens — a warning once per clause and logical test, not once per room version —
 * and a compact progress counter: on a terminal one line that keeps being rewritten, elsewhere (CI logs) a line at
 * every tenth of the run. `verbose` prints one line per test instead, as `knockknock run --verbose`.
 */
import type { TestRecord } from './results';
import { clauseOfWarning } from './groups';
import { progressLine } from './progress';
import { firstLine } from './transcript';

export type ProgressMode = 'tty' | 'lines';

export interface ConsoleOutputOptions {
  output: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  reportDirForDisplay: string;
  verbose?: boolean;
  /** Default: 'tty' when the output is a terminal, else 'lines'. */
  progress?: ProgressMode;
  now?: () => number;
}

/** Lines printed in 'lines' mode: one at each of these fractions of the run, so about ten in all. */
const LINE_STEPS = 10;
/** Without a known total, a progress line every this many tests. */
const LINES_EVERY_WITHOUT_TOTAL = 100;
const CLEAR_LINE = '\r\u001b[2K';

export class ConsoleOutput {
  private readonly mode: ProgressMode;
  private readonly now: () => number;
  private readonly startedAt: number;
  private total = 0;
  private done = 0;
  private failed = 0;
  private warnings = 0;
  private expected = 0;
  private lastStep = 0;
  private progressShown = false;
  private readonly warnedGroups = new Set<string>();

  constructor(private readonly options: ConsoleOutputOptions) {
    this.mode = options.progress ?? (options.output.isTTY ? 'tty' : 'lines');
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** The number of tests the run will report (mocha's count after --grep), when known. */
  setTotal(total: number): void {
    this.total = Math.max(0, total);
  }

  /** A test's outcome is final (its window closed: warnings forwarded from workers included). */
  recordClosed(record: TestRecord): void {
    this.done += 1;
    const warnings = record.warnings.filter((w) => !w.notClaimed);
    this.warnings += warnings.length;
    if (record.outcome === 'failed' || record.outcome === 'unexpected-pass') this.failed += 1;
    if (record.outcome === 'xfail') this.expected += 1;

    if (this.options.verbose) {
      this.print(progressLine(record, this.options.reportDirForDisplay));
      return;
    }
    if (record.outcome === 'failed' || record.outcome === 'unexpected-pass') {
      this.print(progressLine(record, this.options.reportDirForDisplay));
      for (const warning of warnings) this.warnedGroups.add(`${clauseOfWarning(record, warning)}\u0000${record.logicalId}`);
    } else {
      const fresh = warnings.filter((warning) => {
        const key = `${clauseOfWarning(record, warning)}\u0000${record.logicalId}`;
        if (this.warnedGroups.has(key)) return false;
        this.warnedGroups.add(key);
        return true;
      });
      if (fresh.length > 0) {
        // Laid out as progressLine's test lines: the title where theirs is, the message under it.
        const lines = [`  ⚠ WARN  ${''.padStart(7)}  ${record.fullTitle}`, ...fresh.map((w) => `            ${firstLine(w.message)}`)];
        this.print(lines.join('\n'));
      }
    }
    this.showProgress();
  }

  /** Clears the progress line before the closing summary. */
  finish(): void {
    if (this.mode === 'tty' && this.progressShown) this.options.output.write(CLEAR_LINE);
    this.progressShown = false;
  }

  /** "[412/956 43%] 2 failed · 45 expected failures · 5 warnings · 1m12s" */
  progressText(): string {
    const counted =
      this.total > 0
        ? `${this.done}/${this.total} ${Math.floor((Math.min(this.done, this.total) / this.total) * 100)}%`
        : `${this.done} tests`;
    const parts = [`${this.failed} failed`];
    if (this.expected > 0) parts.push(`${this.expected} expected failure${this.expected === 1 ? '' : 's'}`);
    parts.push(`${this.warnings} warning${this.warnings === 1 ? '' : 's'}`);
    return `  [${counted}] ${parts.join(' · ')} · ${elapsed(this.now() - this.startedAt)}`;
  }

  private print(text: string): void {
    if (this.mode === 'tty' && this.progressShown) this.options.output.write(CLEAR_LINE);
    this.progressShown = false;
    this.options.output.write(`${text}\n`);
  }

  private showProgress(): void {
    if (this.options.verbose) return;
    if (this.mode === 'tty') {
      const width = Math.max(20, (this.options.output.columns || 100) - 1); // 0: a terminal of unknown size
      this.options.output.write(`${CLEAR_LINE}${this.progressText().slice(0, width)}`);
      this.progressShown = true;
      return;
    }
    const step =
      this.total > 0
        ? Math.floor((Math.min(this.done, this.total) / this.total) * LINE_STEPS)
        : Math.floor(this.done / LINES_EVERY_WITHOUT_TOTAL);
    if (step > this.lastStep) {
      this.lastStep = step;
      this.options.output.write(`${this.progressText()}\n`);
    }
  }
}

function elapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
