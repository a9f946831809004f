import { Command } from 'commander';
import { migrate } from './commands/migrate.js';
import { status } from './commands/status.js';
import { up } from './commands/up.js';
import { resolveStackOptions, type StackFlags } from './stack/options.js';

const program = new Command('downscale')
  .description('Small language models on simplified language: simplify, train, evaluate, fit scaling laws.')
  .showHelpAfterError();

const withStackFlags = (command: Command) =>
  command
    .option('--home <dir>', 'where local state lives (SQLite, NATS data, logs)', undefined)
    .option('--nats-url <url>', 'NATS server with JetStream (default $NATS_URL or nats://127.0.0.1:4222)')
    .option('--database-url <url>', 'PostgreSQL URL (default $DATABASE_URL, else the embedded SQLite)')
    .option('--ports <base>', 'services listen on base+1..base+4 (default $DOWNSCALE_PORT_BASE or 4100)');

withStackFlags(program.command('up'))
  .description('start the local stack: NATS, database, the four services and the dashboard')
  .option('--dashboard-port <port>', 'dashboard HTTP port', undefined)
  .action(async (flags: StackFlags) => up(resolveStackOptions(flags)));

withStackFlags(program.command('migrate'))
  .description('apply pending database migrations (or --revert the last one)')
  .option('--revert', 'revert the most recent migration')
  .action(async (flags: StackFlags & { revert?: boolean }) => {
    process.stdout.write(`${await migrate(resolveStackOptions(flags), flags.revert === true)}\n`);
  });

withStackFlags(program.command('status'))
  .description('health of the running services')
  .action(async (flags: StackFlags) => {
    const report = await status(resolveStackOptions(flags).servicePortBase);
    process.stdout.write(`${report.lines.join('\n')}\n`);
    process.exitCode = report.healthy ? 0 : 1;
  });

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`downscale: ${(error as Error).message}\n`);
  process.exit(1);
}
