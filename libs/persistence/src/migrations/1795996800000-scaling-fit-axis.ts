import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const versionIndex = (columnNames: string[]) => new TableIndex({ name: 'ux_scaling_fit_version', columnNames, isUnique: true });

/**
 * `scaling_fit.axis`: what loss is fitted against (`params`, `paramsTotal`, `tokens`,
 * `compute`, `params+tokens`), so that one form (a pure power law, say) is versioned
 * separately per axis. Earlier fits were all against non-embedding parameters.
 */
export class ScalingFitAxis1795996800000 implements MigrationInterface {
  name = 'ScalingFitAxis1795996800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('scaling_fit', 'ux_scaling_fit_version');
    await queryRunner.addColumn('scaling_fit', new TableColumn({ name: 'axis', type: 'varchar', length: '32', default: "'params'" }));
    await queryRunner.createIndex('scaling_fit', versionIndex(['experiment_id', 'axis', 'form', 'variant', 'version']));
  }

  /** The old schema holds fits against parameters only: the others are deleted. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('scaling_fit', 'ux_scaling_fit_version');
    await queryRunner.query(`DELETE FROM scaling_fit WHERE axis <> 'params'`);
    await queryRunner.dropColumn('scaling_fit', 'axis');
    await queryRunner.createIndex('scaling_fit', versionIndex(['experiment_id', 'form', 'variant', 'version']));
  }
}
