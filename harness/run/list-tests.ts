/** `knockknock list`: every test a run with the same selection would execute, with its spec clauses (a dry run). */
import Mocha from 'mocha';
import { parseTitleTags } from '../report';
import { describeClauseRange, findSpecClause } from '../report/spec-clauses';
import { runMocha } from './mocha';
import { publishSelection, type TestSelection } from './run-suites';

export interface SelectedTest {
  fullTitle: string;
  /** The suite file that holds it. */
  file?: string;
}

/** The selected tests, in run order (mocha loads and walks them without running anything). */
export async function selectedTests(selection: TestSelection): Promise<SelectedTest[]> {
  publishSelection({ roomVersions: selection.roomVersions });
  const tests: SelectedTest[] = [];
  class ListReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test: Mocha.Test) =>
        tests.push({ fullTitle: test.fullTitle(), ...(test.file ? { file: test.file } : {}) }),
      );
    }
  }
  await runMocha({ spec: selection.spec, grep: selection.grep, reporter: ListReporter, timeoutMs: 1, dryRun: true });
  return tests;
}

/** Prints the selection one test per line, with its clauses and room version; returns the exit code. */
export async function listTests(selection: TestSelection): Promise<number> {
  const titles = (await selectedTests(selection)).map((test) => test.fullTitle);
  for (const title of titles) {
    const { clauses, roomVersions } = parseTitleTags(title);
    const described = clauses.map((id) => {
      const clause = findSpecClause(id);
      return clause ? `${id} (${clause.level} ${describeClauseRange(clause)})` : `${id} (not in the catalogue)`;
    });
    process.stdout.write(
      `${title}\n    clauses: ${described.join(', ') || '(none)'}${roomVersions.length ? `; room version ${roomVersions.join(', ')}` : ''}\n`,
    );
  }
  const judged = selection.specVersion
    ? `judged against spec v${selection.specVersion}`
    : 'judged against the newest spec release the HSUT advertises (or --spec-version)';
  process.stdout.write(`${titles.length} tests, ${judged}; a test whose clauses are all outside that release is not claimed\n`);
  return 0;
}
