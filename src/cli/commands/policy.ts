import type { Command } from 'commander';

export interface PolicyFlags {
  config?: string;
  json?: boolean;
}

const configHelp = 'the policy file (default: $SPENDWALL_CONFIG, else ./spendwall.yaml)';

/** `spendwall policy check | explain | test`: the routing policy, validated, rendered and tried. */
export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command('policy')
    .description('Check, explain and test the routing policy (spendwall.yaml). See docs/policy.md.');

  policy
    .command('check')
    .description('Validate the policy file; problems are listed with their line and column.')
    .option('-c, --config <file>', configHelp)
    .action(async (flags: PolicyFlags) => {
      const { checkPolicyCommand } = await import('./policy-action.js');
      await checkPolicyCommand(flags);
    });

  policy
    .command('explain')
    .description('Print the policy as a Markdown table (workload, who waits, urgency, lane, deadline, why).')
    .option('-c, --config <file>', configHelp)
    .option('--json', 'print the rows as JSON')
    .action(async (flags: PolicyFlags) => {
      const { explainPolicyCommand } = await import('./policy-action.js');
      await explainPolicyCommand(flags);
    });

  policy
    .command('test')
    .description('Route example requests through the policy and compare each lane with the expected one.')
    .argument(
      '<cases>',
      'YAML: cases: [{ request: { workload, model, provider?, endpoint?, async? }, expect: { lane, urgency? } }]',
    )
    .option('-c, --config <file>', configHelp)
    .action(async (casesPath: string, flags: PolicyFlags) => {
      const { testPolicyCommand } = await import('./policy-action.js');
      await testPolicyCommand(casesPath, flags);
    });
}
