// Operator commands of the ledger: `onramp ledger check` (also `npm run ledger:check`).
import { databaseCommand, type OperatorCommand } from '../../operator/command-args.ts';
import { checkLedger } from './check.ts';

export const ledgerCommands: OperatorCommand[] = [
  databaseCommand({
    path: ['ledger', 'check'],
    usage: 'ledger check',
    description: 'Verify every journal balances and every account balance equals the sum of its postings',
    async run(ctx) {
      const report = await checkLedger(ctx.db);
      // A failed check must fail the command (exit 1) so scripts and CI notice.
      if (!report.ok) throw new Error(`ledger check FAILED:\n${JSON.stringify(report, null, 2)}`);
      return report;
    },
  }),
];
