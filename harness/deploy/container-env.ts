/**
 * Extra environment for the HSUT container (complement and synapse drivers): `--env KEY=VALUE` flags, and
 * Complement's convention — every host variable whose name starts with the value of COMPLEMENT_SHARE_ENV_PREFIX
 * is passed on with that prefix stripped (COMPLEMENT_SHARE_ENV_PREFIX=PASS_ and PASS_SYNAPSE_COMPLEMENT_DATABASE=sqlite
 * give the container SYNAPSE_COMPLEMENT_DATABASE=sqlite). `--env` wins over a shared variable of the same name.
 */
import { UsageError } from './usage-error';

export const SHARE_ENV_PREFIX_VARIABLE = 'COMPLEMENT_SHARE_ENV_PREFIX';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `KEY=VALUE` flags as a map; a malformed one is a usage error naming it. */
export function parseEnvFlags(flags: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq < 0 ? flag : flag.slice(0, eq);
    if (eq < 0 || !NAME.test(key)) {
      throw new UsageError(
        `--env takes KEY=VALUE with KEY a variable name (letters, digits, _; not starting with a digit), got ${JSON.stringify(flag)}`,
      );
    }
    env[key] = flag.slice(eq + 1);
  }
  return env;
}

/** The host variables Complement's COMPLEMENT_SHARE_ENV_PREFIX convention shares, prefix stripped. */
export function sharedHostEnv(hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const prefix = hostEnv[SHARE_ENV_PREFIX_VARIABLE];
  const env: Record<string, string> = {};
  if (!prefix) return env;
  for (const [name, value] of Object.entries(hostEnv)) {
    if (value === undefined || !name.startsWith(prefix) || name.length === prefix.length) continue;
    env[name.slice(prefix.length)] = value;
  }
  return env;
}

/** What the container gets: the shared host variables, then the --env flags over them. */
export function containerEnv(flags: readonly string[] = [], hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { ...sharedHostEnv(hostEnv), ...parseEnvFlags(flags) };
}
