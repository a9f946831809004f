import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

// Column shapes of this migration. They are spelled out here, not imported from the entities,
// because a migration must keep creating the same schema when the entities move on.
// Only types that mean the same on SQLite and PostgreSQL are used; timestamps are ISO text.
const column = {
  id: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '200', isNullable: nullable }),
  shortText: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '200', isNullable: nullable }),
  enumeration: (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '32' }),
  text: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  sha256: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '64', isNullable: nullable }),
  int: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable }),
  bigCount: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
  float: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'double precision', isNullable: nullable }),
  json: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  timestamp: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '32', isNullable: nullable }),
};

/** `id` primary key and `created_at`, the first columns of every identified record. */
function identity(table: string): TableColumnOptions[] {
  return [{ ...column.id('id'), isPrimary: true, primaryKeyConstraintName: `pk_${table}` }, column.timestamp('created_at')];
}

function foreignKey(table: string, columnName: string, referencedTable: string, onDelete: 'CASCADE' | 'SET NULL'): TableForeignKey {
  return new TableForeignKey({
    name: `fk_${table}_${columnName}`,
    columnNames: [columnName],
    referencedTableName: referencedTable,
    referencedColumnNames: ['id'],
    onDelete,
  });
}

function index(name: string, columnNames: string[], isUnique = false): TableIndex {
  return new TableIndex({ name, columnNames, isUnique });
}

/**
 * Tables in creation order; `down` drops them in reverse, children before parents. Built
 * afresh on each call because createTable may annotate the Table objects it is given.
 */
function initialTables(): Table[] {
  return [
    new Table({
      name: 'vocabulary',
      columns: [...identity('vocabulary'), column.shortText('name'), column.text('source'), column.int('word_count'), column.sha256('content_hash')],
      indices: [index('ix_vocabulary_content_hash', ['content_hash'])],
    }),
    new Table({
      name: 'corpus',
      columns: [
        ...identity('corpus'),
        column.text('source'),
        column.enumeration('variant'),
        column.sha256('content_hash'),
        column.id('vocabulary_id', true),
        column.text('uri', true),
        column.json('stats', true),
      ],
      foreignKeys: [foreignKey('corpus', 'vocabulary_id', 'vocabulary', 'SET NULL')],
      indices: [index('ix_corpus_content_hash', ['content_hash'])],
    }),
    new Table({
      name: 'tokenizer',
      columns: [...identity('tokenizer'), column.id('corpus_id'), column.int('vocab_size'), column.text('uri'), column.sha256('sha256', true)],
      foreignKeys: [foreignKey('tokenizer', 'corpus_id', 'corpus', 'CASCADE')],
      indices: [index('ix_tokenizer_corpus', ['corpus_id'])],
    }),
    new Table({
      name: 'experiment',
      columns: [...identity('experiment'), column.shortText('name'), column.enumeration('preset'), column.json('spec'), column.enumeration('state')],
      indices: [index('ix_experiment_created_at', ['created_at'])],
    }),
    new Table({
      name: 'run',
      columns: [
        ...identity('run'),
        column.id('experiment_id'),
        column.id('corpus_id', true),
        column.id('tokenizer_id', true),
        column.json('config'),
        column.int('hidden_size'),
        column.int('layers'),
        column.bigCount('params_total', true),
        column.bigCount('params_non_embedding', true),
        column.enumeration('variant'),
        column.int('seed'),
        column.enumeration('state'),
        column.shortText('backend', true),
        column.text('failure_reason', true),
        column.timestamp('started_at', true),
        column.timestamp('finished_at', true),
        column.timestamp('updated_at', true),
      ],
      foreignKeys: [
        foreignKey('run', 'experiment_id', 'experiment', 'CASCADE'),
        foreignKey('run', 'corpus_id', 'corpus', 'SET NULL'),
        foreignKey('run', 'tokenizer_id', 'tokenizer', 'SET NULL'),
      ],
      indices: [
        // Listing runs (all, or one experiment's) newest first.
        index('ix_run_experiment_created_at', ['experiment_id', 'created_at']),
        index('ix_run_created_at', ['created_at']),
        index('ix_run_state', ['state']),
      ],
    }),
    new Table({
      name: 'metric_point',
      columns: [
        // (run_id, step) is the primary key: it loads a run's curve in step order and makes re-sent points idempotent.
        { ...column.id('run_id'), isPrimary: true, primaryKeyConstraintName: 'pk_metric_point' },
        { ...column.int('step'), isPrimary: true, primaryKeyConstraintName: 'pk_metric_point' },
        column.bigCount('tokens'),
        column.float('flops_kaplan'),
        column.float('flops_hoffmann', true),
        column.float('train_loss', true),
        column.float('eval_loss', true),
        column.float('learning_rate', true),
        column.float('tokens_per_second', true),
      ],
      foreignKeys: [foreignKey('metric_point', 'run_id', 'run', 'CASCADE')],
      // The best eval loss of a run is the first entry of this index for the run.
      indices: [index('ix_metric_point_run_eval_loss', ['run_id', 'eval_loss'])],
    }),
    new Table({
      name: 'checkpoint',
      columns: [...identity('checkpoint'), column.id('run_id'), column.int('step'), column.bigCount('tokens'), column.text('uri'), column.sha256('sha256')],
      foreignKeys: [foreignKey('checkpoint', 'run_id', 'run', 'CASCADE')],
      indices: [index('ux_checkpoint_run_step', ['run_id', 'step'], true)],
    }),
    new Table({
      name: 'task',
      columns: [
        ...identity('task'),
        column.shortText('name'),
        column.enumeration('version'),
        column.enumeration('format'),
        column.int('example_count', true),
        column.text('uri', true),
      ],
      indices: [index('ux_task_name_version', ['name', 'version'], true)],
    }),
    new Table({
      name: 'eval_result',
      columns: [
        ...identity('eval_result'),
        column.id('checkpoint_id'),
        column.shortText('task'),
        column.enumeration('task_version'),
        column.int('n'),
        column.float('acc', true),
        column.float('acc_norm', true),
        column.float('stderr', true),
        column.float('loss', true),
        column.float('chance', true),
        column.float('majority', true),
        column.json('details', true),
      ],
      foreignKeys: [foreignKey('eval_result', 'checkpoint_id', 'checkpoint', 'CASCADE')],
      indices: [index('ux_eval_result_checkpoint_task', ['checkpoint_id', 'task', 'task_version'], true)],
    }),
    new Table({
      name: 'scaling_fit',
      columns: [
        ...identity('scaling_fit'),
        column.id('experiment_id', true),
        column.enumeration('form'),
        column.enumeration('variant'),
        column.int('version'),
        column.json('inputs'),
        column.json('parameters'),
        column.json('intervals'),
        column.json('residuals'),
        column.json('run_ids'),
        column.json('diagnostics'),
        column.sha256('input_hash'),
      ],
      foreignKeys: [foreignKey('scaling_fit', 'experiment_id', 'experiment', 'CASCADE')],
      indices: [index('ux_scaling_fit_version', ['experiment_id', 'form', 'variant', 'version'], true)],
    }),
    new Table({
      name: 'baseline',
      columns: [
        ...identity('baseline'),
        column.shortText('model'),
        column.shortText('family'),
        column.bigCount('params', true),
        column.bigCount('tokens', true),
        column.shortText('task'),
        column.enumeration('task_version'),
        column.enumeration('metric'),
        column.float('value'),
        column.text('reference', true),
      ],
      indices: [index('ux_baseline_model_task_metric', ['model', 'task', 'task_version', 'metric'], true)],
    }),
    new Table({
      name: 'processed_event',
      columns: [
        { ...column.shortText('consumer'), isPrimary: true, primaryKeyConstraintName: 'pk_processed_event' },
        { name: 'event_key', type: 'varchar', length: '500', isPrimary: true, primaryKeyConstraintName: 'pk_processed_event' },
        column.timestamp('processed_at'),
      ],
    }),
  ];
}

/** The first schema: every table, key and index of the data model. */
export class InitialSchema1795824000000 implements MigrationInterface {
  name = 'InitialSchema1795824000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of initialTables()) await queryRunner.createTable(table, false, true, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of initialTables().reverse()) await queryRunner.dropTable(table.name);
  }
}
