import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `checkpoint.evaluated_at`: when the evaluator finished every task of the checkpoint's
 * experiment. Followers (the CLI, the dashboard) cannot tell that from the result rows alone,
 * because a task whose simplified version keeps no item has no row.
 */
export class CheckpointEvaluatedAt1795910400000 implements MigrationInterface {
  name = 'CheckpointEvaluatedAt1795910400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('checkpoint', new TableColumn({ name: 'evaluated_at', type: 'varchar', length: '32', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('checkpoint', 'evaluated_at');
  }
}
