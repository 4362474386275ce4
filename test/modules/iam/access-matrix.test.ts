import { parseConfig, StacksConfig } from '../../../stacks/config';
import { defaultConfig, exampleConfigJson } from '../../helpers/configs';
import { EnvironmentPolicies, synthesizedPolicies } from '../../helpers/policies';
import { ACCESS_MATRIX, checkOutcome, Column, COLUMN_LABELS, expectedCell, MatrixCase, matrixCases, Outcome, runCases } from '../../helpers/simulation';

/**
 * The access matrix of docs/design.md, proved by IAM simulation: every generated secret, key and endpoint policy of the
 * default config and of stacks/config/multi-env.json, over every cell of the access matrix, with
 * the context keys each request carries in AWS and none ignored or missing.
 */
const CONFIGS: [string, () => StacksConfig][] = [
  ['default', defaultConfig],
  ['multi-env', () => parseConfig(exampleConfigJson('multi-env.json'), 'multi-env.json')],
];

const COLUMNS: Column[] = ['viaApp', 'viaAdmin', 'internet', 'breakGlass', 'deployRole'];

describe.each(CONFIGS)('access matrix of docs/design.md, %s config', (_name, load) => {
  const environments: EnvironmentPolicies[] = synthesizedPolicies(load());
  const cases: MatrixCase[] = environments.flatMap((env) => matrixCases(env));
  let outcomes: Outcome[] = [];

  beforeAll(async () => {
    outcomes = await runCases(cases);
  });

  const cells = environments.flatMap((env) =>
    ACCESS_MATRIX.flatMap((row) =>
      COLUMNS.filter((column) => cases.some((c) => c.request.env === env && c.row === row && c.column === column)).map(
        (column) => [env.label, row.label, COLUMN_LABELS[column], expectedCell(row, column), env, row.id, column] as const,
      ),
    ),
  );

  it.each(cells)('GIVEN environment %s WHEN %s is requested %s THEN %s', (_env, _row, _col, _expected, env, rowId, column) => {
    const inCell = cases.map((c, i) => [c, outcomes[i]] as const).filter(([c]) => c.request.env === env && c.row.id === rowId && c.column === column);
    expect(inCell.length).toBeGreaterThan(0);
    const failures = inCell.map(([c, o]) => checkOutcome(c, o)).filter((f): f is string => f !== undefined);
    expect(
      failures.length
        ? `${failures.length} of ${inCell.length} requests differ from the access matrix of docs/design.md:\n\n${failures.join('\n\n')}`
        : 'all hold',
    ).toBe('all hold');
  });

  it('GIVEN the synthesized stacks WHEN the matrix is simulated THEN every key, secret and endpoint policy took part', () => {
    for (const env of environments) {
      const used = new Set(
        cases
          .filter((c) => c.request.env === env)
          .flatMap((c) => [c.request.target.policy, c.request.route.kind === 'endpoint' ? c.request.route.endpoint.policy : undefined]),
      );
      const generated = [...env.keys, ...env.secrets, env.app.secretsmanager, env.app.kms, env.admin.secretsmanager, env.admin.kms];
      expect(generated.filter((p) => !used.has(p.policy)).map((p) => `${p.stack} ${p.address}`)).toEqual([]);
      expect(env.keys.length).toBe(env.env.keys.length);
      expect(env.secrets.length).toBe(env.env.secrets.length);
    }
  });

  it('GIVEN the matrix WHEN simulated THEN no request was rejected by the simulator and none ignored a context key', () => {
    expect(outcomes).toHaveLength(cases.length);
    expect(outcomes.filter((o) => o.result === 'error').map((o) => `${o.request.action}: ${JSON.stringify(o.errors)}`)).toEqual([]);
    expect([...new Set(outcomes.flatMap((o) => o.ignoredContextKeys))]).toEqual([]);
    expect([...new Set(outcomes.flatMap((o) => o.missingContextKeys))]).toEqual([]);
  });
});
