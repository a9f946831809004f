import type { z } from 'zod';

/**
 * A service's own settings, parsed from the environment by `schema`: every bad variable is
 * named at once with its value and what is expected, followed by what `check` finds across
 * variables (run only once each is valid).
 */
export function parseServiceSettings<S extends z.ZodType>(
  what: string,
  schema: S,
  env: NodeJS.ProcessEnv,
  options: { docs?: string; check?: (settings: z.output<S>) => string[] } = {},
): z.output<S> {
  const parsed = schema.safeParse(env);
  const problems = parsed.success
    ? (options.check?.(parsed.data) ?? [])
    : parsed.error.issues.map((issue) => `${String(issue.path[0])}=${JSON.stringify(env[String(issue.path[0])])}: ${issue.message}`);
  if (problems.length > 0) {
    throw new Error(`invalid ${what}:\n  ${problems.join('\n  ')}\nFix these environment variables and start again (${options.docs ?? 'README: Configuration'}).`);
  }
  return parsed.data as z.output<S>;
}
