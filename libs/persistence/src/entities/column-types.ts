// Column shapes shared by the entities. Every type here means the same on SQLite and
// PostgreSQL, so that one entity definition and one migration serve both databases.
import type { ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Timestamps are stored as ISO 8601 text (`2026-11-28T10:00:00.000Z`): the two databases share
 * no date-time type, and fixed-width UTC ISO strings still sort chronologically.
 */
const isoTimestamp: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.toISOString() : value),
  from: (value: string | null) => (value === null ? null : new Date(value)),
};

/**
 * PostgreSQL returns BIGINT as a string (it may exceed 2^53); token and parameter counts stay
 * far below that, so they are read back as numbers on both databases.
 */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** Ids are strings: UUIDs made by the lib, or ids the caller already has (contracts allow 200 chars). */
export const idColumn = { type: 'varchar', length: 200 } satisfies ColumnOptions;
export const shortTextColumn = { type: 'varchar', length: 200 } satisfies ColumnOptions;
/** Enumerations (states, variants, forms): validated by the contracts, stored as text. */
export const enumColumn = { type: 'varchar', length: 32 } satisfies ColumnOptions;
export const textColumn = { type: 'text' } satisfies ColumnOptions;
export const sha256Column = { type: 'varchar', length: 64 } satisfies ColumnOptions;
export const intColumn = { type: 'integer' } satisfies ColumnOptions;
export const bigCountColumn = { type: 'bigint', transformer: bigintAsNumber } satisfies ColumnOptions;
export const floatColumn = { type: 'double precision' } satisfies ColumnOptions;
/** JSON as text: portable, and nothing queries inside these documents. */
export const jsonColumn = { type: 'simple-json' } satisfies ColumnOptions;
export const timestampColumn = { type: 'varchar', length: 32, transformer: isoTimestamp } satisfies ColumnOptions;
