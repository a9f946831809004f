/**
 * "Emergence" view data: each task's accuracy against parameters and compute, one series
 * per corpus variant, with the chance level and a continuous companion metric (mean log
 * likelihood of the gold answer). An accuracy jump that the log likelihood climbs smoothly
 * through is a metric artefact (Schaeffer et al. 2023), not a sudden new ability.
 */

export interface EvalResultPoint {
  readonly task: string;
  readonly variant: string;
  readonly params: number;
  readonly compute: number;
  readonly acc: number;
  /** Accuracy of guessing (e.g. 1 / number of choices). */
  readonly chance: number;
  /** Mean log likelihood of the gold answer; absent when the evaluator did not report it. */
  readonly meanGoldLogLikelihood?: number;
  readonly run?: string;
}

export interface EmergencePoint {
  readonly params: number;
  readonly compute: number;
  readonly acc: number;
  /** acc - chance: above zero is better than guessing. */
  readonly aboveChance: number;
  readonly meanGoldLogLikelihood?: number;
  readonly run?: string;
}

export interface EmergenceSeries {
  readonly task: string;
  readonly variant: string;
  readonly chance: number;
  readonly byParams: EmergencePoint[];
  readonly byCompute: EmergencePoint[];
}

/** Series per (task, variant), tasks and variants in alphabetical order. */
export function emergenceSeries(results: readonly EvalResultPoint[]): EmergenceSeries[] {
  const groups = new Map<string, EvalResultPoint[]>();
  for (const result of results) {
    const key = JSON.stringify([result.task, result.variant]);
    const group = groups.get(key);
    if (group) group.push(result);
    else groups.set(key, [result]);
  }
  const series = [...groups.values()].map((group): EmergenceSeries => {
    const first = group[0] as EvalResultPoint;
    const chance = first.chance;
    const points = group.map((r): EmergencePoint => {
      if (r.chance !== chance) {
        throw new Error(`task ${r.task}, variant ${r.variant}: chance level differs between results (${chance} and ${r.chance}); a task has one chance level`);
      }
      return {
        params: r.params,
        compute: r.compute,
        acc: r.acc,
        aboveChance: r.acc - chance,
        ...(r.meanGoldLogLikelihood !== undefined ? { meanGoldLogLikelihood: r.meanGoldLogLikelihood } : {}),
        ...(r.run !== undefined ? { run: r.run } : {}),
      };
    });
    return {
      task: first.task,
      variant: first.variant,
      chance,
      byParams: [...points].sort((p, q) => p.params - q.params || p.compute - q.compute),
      byCompute: [...points].sort((p, q) => p.compute - q.compute || p.params - q.params),
    };
  });
  return series.sort((s, t) => s.task.localeCompare(t.task) || s.variant.localeCompare(t.variant));
}
