// Scaling-law science (PAPER.md / issue 6): power-law fits of loss against scale with the
// Chinchilla method, bootstrap uncertainty, held-out extrapolation, the compute-optimal
// frontier and emergence series. Pure computation: no I/O, no services.
export { huber, huberDerivative } from './huber.js';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult, type LbfgsStopReason, type Objective } from './lbfgs.js';
export { evenlySpaced, gridOfStarts, minimizeFromStarts, type MultiStartResult } from './multi-start.js';
export { huberObjective, predictLogLoss, type LogSpaceData, type PowerLawShape } from './power-law-objective.js';
export {
  CHINCHILLA_GRID,
  jointLaw,
  predictJointLoss,
  predictPurePowerLoss,
  predictSaturatingLoss,
  purePowerLaw,
  saturatingLaw,
  type JointLawParameters,
  type JointPoint,
  type LawForm,
  type LawModel,
  type PurePowerLawParameters,
  type SaturatingLawParameters,
  type SingleVariablePoint,
} from './laws.js';
export { DEFAULT_HUBER_DELTA, fitLogSpace, fitModel, goodnessOfFit, toLogSpace, type FitOptions, type ModelFit } from './fit.js';
export { seededRandom, type RandomSource } from './random.js';
export {
  bootstrapFit,
  groupByRun,
  percentile,
  type BootstrapOptions,
  type BootstrapResult,
  type Interval,
} from './bootstrap.js';
export {
  heldOutExtrapolation,
  type ExtrapolationOptions,
  type ExtrapolationResult,
  type HeldOutPrediction,
} from './extrapolation.js';
export {
  computeFrontier,
  computeOptimalAllocation,
  lowerEnvelope,
  runningBest,
  type ComputeOptimalAllocation,
  type CurvePoint,
  type EnvelopePoint,
  type FrontierPoint,
  type RunCurve,
  type ScaleCurve,
} from './frontier.js';
export {
  UndeterminedLawError,
  fitPlanned,
  planLossFits,
  type LossAxis,
  type LossFitReport,
  type LossFitSettings,
  type PlannedLossFit,
  type RunLossCurve,
} from './loss-laws.js';
export { emergenceSeries, type EmergencePoint, type EmergenceSeries, type EvalResultPoint } from './emergence.js';
export { LAW_NAMES, ScalingCsvError, isLawName, parseScalingCsv, type LawName } from './csv-input.js';
export { fitLaw, type FitLawOptions, type JointLawSummary, type SingleVariableLawSummary } from './fit-law.js';
export { syntheticJointRuns, type SyntheticRunsOptions } from './synthetic.js';
