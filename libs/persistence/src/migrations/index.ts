import type { MigrationInterface } from 'typeorm';
import { InitialSchema1795824000000 } from './1795824000000-initial-schema.js';
import { CheckpointEvaluatedAt1795910400000 } from './1795910400000-checkpoint-evaluated-at.js';
import { ScalingFitAxis1795996800000 } from './1795996800000-scaling-fit-axis.js';

/** Every migration, oldest first; passed explicitly to the DataSource (no globs). */
export const migrations: Array<new () => MigrationInterface> = [InitialSchema1795824000000, CheckpointEvaluatedAt1795910400000, ScalingFitAxis1795996800000];
