/** A test double whose log-likelihoods the test controls: a function of (context, continuation). */
import type { LanguageModel, LoglikelihoodRequest, LoglikelihoodResult } from './language-model.js';

export class FakeModel implements LanguageModel {
  readonly requests: LoglikelihoodRequest[] = [];

  constructor(private readonly score: (request: LoglikelihoodRequest) => LoglikelihoodResult) {}

  loglikelihood(requests: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]> {
    this.requests.push(...requests);
    return Promise.resolve(requests.map(this.score));
  }
}

/** A model that gives each continuation the log-likelihood in `table` (missing: -100). */
export function tableModel(table: Record<string, number>, greedy: ReadonlySet<string> = new Set()): FakeModel {
  return new FakeModel(({ continuation }) => ({ logprob: table[continuation] ?? -100, isGreedy: greedy.has(continuation) }));
}
