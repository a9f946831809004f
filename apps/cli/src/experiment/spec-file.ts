import { readFile } from 'node:fs/promises';
import { describeIssues, experimentSpec, type ExperimentSpec } from '@downscale/contracts';
import { planRuns } from '@downscale/experiments';

/**
 * An experiment spec from a JSON file (`up --spec`): any grid, budget and tasks, validated
 * before the stack starts, each problem named by its field.
 */
export async function readSpecFile(path: string): Promise<ExperimentSpec> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`--spec ${path}: cannot read it (${error.code ?? error.message})`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`--spec ${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = experimentSpec.safeParse(json);
  if (!parsed.success) throw new Error(`--spec ${path} is not a valid experiment:\n  ${describeIssues(parsed.error).join('\n  ')}`);
  // Planning the runs checks what the schema cannot (heads per hidden size, the model and
  // training configs), so a bad grid fails here and not in a service after the corpora are made.
  try {
    for (const variant of parsed.data.grid.variants) planRuns('check', parsed.data, variant, parsed.data.tokenizerVocabSize);
  } catch (error) {
    throw new Error(`--spec ${path} is not a valid experiment: ${(error as Error).message}`, { cause: error });
  }
  return parsed.data;
}
