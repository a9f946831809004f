// Experiments as data: the presets (the paper's grid and a demo that fits one machine) and the
// expansion of a spec's grid into runs with their model and training settings.
export { presetNames, presetSpec, trainingOf, type PresetName } from './presets.js';
export { planRuns, runId, runTraining, type PlannedRun } from './runs.js';
