/**
 * The narrow interface a model answers, as in lm-evaluation-harness: text in, log-likelihoods
 * out. Tokenisation (and e.g. a BOS/EOS token before an empty context) is the adapter's business.
 */
export interface LoglikelihoodRequest {
  readonly context: string;
  readonly continuation: string;
}

export interface LoglikelihoodResult {
  /** Summed natural-log probability of the continuation's tokens given the context. */
  readonly logprob: number;
  /** Whether greedy decoding from the context would produce exactly the continuation. */
  readonly isGreedy: boolean;
}

export interface LanguageModel {
  /** One result per request, in request order. */
  loglikelihood(requests: readonly LoglikelihoodRequest[]): Promise<readonly LoglikelihoodResult[]> | readonly LoglikelihoodResult[];
}

/** Calls the model and checks it answered every request. */
export async function scoreRequests(model: LanguageModel, requests: readonly LoglikelihoodRequest[]): Promise<readonly LoglikelihoodResult[]> {
  const results = await model.loglikelihood(requests);
  if (results.length !== requests.length) {
    throw new Error(`language model answered ${results.length} of ${requests.length} log-likelihood requests; it must answer each one, in order`);
  }
  return results;
}
