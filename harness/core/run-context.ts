/**
 * The settings of one run that suites, testkit, reporters and mocha's parallel workers read. The run publishes
 * them in one environment variable (JSON), which workers forked later inherit, and everything reads them through
 * runContext(): no module reads a setting of the run from a variable of its own.
 */
export const RUN_CONTEXT_ENV = 'KK_RUN_CONTEXT';

export interface RunContext {
  /**
   * The HSUT instances' descriptions (harness/deploy's HomeserverDescription): workers rebuild one with the url
   * driver. One unless --instances asked for more.
   */
  hsuts?: unknown[];
  /** Where workers claim slot numbers that choose their instance (harness/deploy/current.ts). */
  workerSlotsDir?: string;
  /** The judged spec release. */
  specVersion?: string;
  /** `--room-version`: narrows every room-version list of the suites. */
  roomVersions?: string[];
  /** `--timeout`: the mocha timeout of one test; the suites' own deadlines follow. */
  testTimeoutMs?: number;
  /** Where the run notes that the HSUT died (harness/testkit/hsut-death.ts). */
  hsutDeathFile?: string;
  /** Where parallel workers leave their HSUT requests and CPU time for the run metrics. */
  metricsDir?: string;
  /** Where parallel workers leave each test's exchanges and warnings for the reporter. */
  captureDir?: string;
  /** Where a run started by `knockknock test` writes its counts. */
  statsFile?: string;
}

/** This process's run context (empty outside a run, e.g. in unit tests). */
export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const text = env[RUN_CONTEXT_ENV];
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as RunContext) : {};
  } catch {
    return {};
  }
}

/** Adds `update` to the published context (a key set to undefined is withdrawn). */
export function publishRunContext(update: Partial<RunContext>, env: NodeJS.ProcessEnv = process.env): RunContext {
  const next: Record<string, unknown> = { ...runContext(env) };
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  env[RUN_CONTEXT_ENV] = JSON.stringify(next);
  return next as RunContext;
}

/** The environment of a child run that starts from `context` alone (not this run's). */
export function childRunEnv(context: RunContext, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, [RUN_CONTEXT_ENV]: JSON.stringify(context) };
}
