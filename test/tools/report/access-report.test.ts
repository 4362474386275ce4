// @cloud-copilot/iam-simulate is AGPL: imported from test/ only, to check the report's own evaluator against it.
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { buildAccessReport, readSynthesizedStacks, renderAccessReportMarkdown, renderMermaid, symbolize } from '../../../tools/report/access-report';
import { parseConfig } from '../../../stacks/config';
import { defaultConfig, defaultConfigJson, exampleConfigJson } from '../../helpers/configs';
import { synthToTemp } from '../../helpers/pipeline';

/**
 * The access matrix of docs/design.md (default config), transcribed: request → [via app, via admin, internet, break-glass internet].
 * Management made for the caller by another service never comes through the admin VPC (the matrix marks it "—"):
 * the admin principal's call through CloudFormation is refused like any call from outside it.
 */
const ACCESS_MATRIX: Record<string, [string, string, string, string]> = {
  'secretsmanager:GetSecretValue': ['Allow', 'Deny', 'Deny', 'Deny'],
  'secret management (Put*/Update*/Delete*/Restore*/RotateSecret/PutResourcePolicy/Tag*)': ['Deny', 'Allow', 'Deny', 'Allow'],
  'secretsmanager:DescribeSecret, List*': ['Allow', 'Allow', 'Allow', 'Allow'],
  "secret management called by another service on the caller's behalf (CloudFormation: aws:CalledVia)": ['Deny', 'Deny', 'Deny', 'Allow'],
  'kms:Decrypt / Encrypt / GenerateDataKey*': ['Allow', 'Deny', 'Deny', 'Deny'],
  "same, called by Secrets Manager on the caller's behalf (kms:ViaService secretsmanager.<region>.<DNS suffix>)": ['Allow', 'Allow', 'Allow', 'Allow'],
  "same, called by any other service on the caller's behalf (kms:ViaService of S3, EBS)": ['Deny', 'Deny', 'Deny', 'Deny'],
  'kms key management (PutKeyPolicy, Enable/Disable*, ScheduleKeyDeletion, …)': ['Deny', 'Allow', 'Deny', 'Allow'],
  "kms key management called by another service on the caller's behalf (CloudFormation: aws:CalledVia)": ['Deny', 'Deny', 'Deny', 'Allow'],
};

/** Replaces symbolic references with stand-in ids of the right shape (iam-simulate parses ARNs and ids). */
function concrete(text: string): string {
  return text.replace(/\$\{([A-Za-z0-9_-]+:[^}]*)\}/g, (_, symbol: string) => {
    const hash = createHash('sha256').update(symbol).digest('hex');
    if (/aws_vpc_endpoint\.[^.]+\.id$/.test(symbol)) return `vpce-${hash.slice(0, 17)}`;
    if (/aws_vpc\.[^.]+\.id$/.test(symbol)) return `vpc-${hash.slice(0, 17)}`;
    if (/aws_kms_key\.[^.]+\.key_id$/.test(symbol))
      return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
    throw new Error(`no stand-in for ${symbol}`);
  });
}

function concreteJson<T>(value: T): T {
  return JSON.parse(concrete(JSON.stringify(value))) as T;
}

function signingPrincipal(arn: string): string {
  const role = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return role ? `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/report-check` : arn;
}

describe('access report of the default config', () => {
  const { outdir } = synthToTemp(defaultConfig());
  const reports = buildAccessReport(readSynthesizedStacks(outdir));
  const report = reports[0];

  it('GIVEN cdktf.out of the default config WHEN the report is built THEN it has one environment with the app and admin sides, their endpoints, the secret and the key', () => {
    expect(reports.map((r) => [r.environment, r.accountId, r.region])).toEqual([['(default)', '111122223333', 'us-west-2']]);
    expect(report.sides.map((s) => [s.stack, s.caller])).toEqual([
      ['app-vpc', 'arn:aws:iam::111122223333:role/app'],
      ['admin-vpc', 'arn:aws:iam::111122223333:role/secret-admin'],
    ]);
    expect(report.exemptPrincipals).toEqual(['arn:aws:iam::111122223333:role/break-glass']);
    expect(report.endpoints.map((e) => `${e.stack}/${e.service}`).sort()).toEqual([
      'admin-vpc/kms',
      'admin-vpc/secretsmanager',
      'app-vpc/kms',
      'app-vpc/secretsmanager',
    ]);
    expect(report.secrets.map((s) => s.name)).toEqual(['app/db-password']);
    expect(report.keys.map((k) => k.aliases)).toEqual([['alias/app-data']]);
    expect(report.secrets[0].kmsKeyId).toBe(report.keys[0].arn);
  });

  it('GIVEN the admin stack reads the app endpoint ids through remote state WHEN symbolized THEN they equal the app stack’s own endpoint symbols', () => {
    const appSm = report.endpoints.find((e) => e.stack === 'app-vpc' && e.service === 'secretsmanager')!;
    const secretPolicy = JSON.stringify(report.secrets[0].policy);
    expect(secretPolicy).toContain(appSm.id);
    expect(secretPolicy).not.toContain('terraform_remote_state');
    expect(appSm.id).toMatch(/^\$\{app-vpc:aws_vpc_endpoint\.endpoints_secretsmanager_endpoint_[A-Z0-9]+\.id\}$/);
  });

  it('GIVEN the synthesized policies WHEN evaluated THEN every cell of the matrix equals the access matrix of docs/design.md', () => {
    expect(report.columns.map((c) => c.label)).toEqual([
      'via app-vpc endpoints (role/app)',
      'via admin-vpc endpoints (role/secret-admin)',
      'internet (role/app)',
      'internet (role/break-glass, exempt)',
    ]);
    const found = Object.fromEntries(report.rows.map((r) => [r.request, r.cells.map((c) => c.decision)]));
    expect(found).toEqual(ACCESS_MATRIX);
    expect(report.rows.every((r) => r.subject === (r.service === 'kms' ? 'key alias/app-data' : 'secret app/db-password'))).toBe(true);
  });

  it('GIVEN a denied cell WHEN reported THEN it names the statement or the endpoint policy that denies', () => {
    const value = report.rows.find((r) => r.request === 'secretsmanager:GetSecretValue')!;
    expect(value.cells[1].reasons).toEqual(['secret policy (app/db-password): DenySecretValueOutsideAppEndpoint']);
    const management = report.rows.find((r) => r.short === 'management')!;
    expect(management.cells[0].reasons).toEqual([
      'app-vpc secretsmanager endpoint policy: no Allow',
      'secret policy (app/db-password): DenyManagementOutsideAdminVpc',
    ]);
  });

  it('GIVEN every request the report evaluated WHEN replayed through iam-simulate THEN both evaluators agree on each action', async () => {
    expect(report.evaluations.length).toBeGreaterThan(80);
    const disagreements: string[] = [];
    for (const e of report.evaluations) {
      const request = concreteJson(e.request);
      const endpoint = e.policies.find((p) => p.name.includes('endpoint policy'));
      const resourcePolicy = e.policies.find((p) => !p.name.includes('endpoint policy'));
      const response = await runSimulation(
        {
          request: {
            principal: signingPrincipal(request.principalArn),
            action: request.action,
            resource: { resource: request.resource, accountId: request.principalAccount },
            contextVariables: Object.fromEntries(Object.entries(request.context).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]])),
          },
          identityPolicies: [
            { name: 'identity', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:*', 'kms:*'], Resource: '*' }] } },
          ],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: resourcePolicy ? concreteJson(resourcePolicy.policy) : undefined,
          vpcEndpointPolicies: endpoint ? [{ name: endpoint.name, policy: concreteJson(endpoint.policy) }] : undefined,
        },
        { simulationMode: 'Strict' },
      );
      if (response.resultType === 'error') throw new Error(`iam-simulate rejected ${request.action}: ${JSON.stringify(response.errors)}`);
      const simulated = response.overallResult === 'Allowed';
      if (simulated !== e.decision.allowed) {
        disagreements.push(
          `${report.columns[e.column].label} ${request.action}: report ${e.decision.allowed ? 'Allow' : 'Deny'}, iam-simulate ${response.overallResult}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('GIVEN the report WHEN rendered as Markdown THEN it holds the matrix table, the callers and a Mermaid diagram whose edges join declared nodes', () => {
    const markdown = renderAccessReportMarkdown(reports, 'cdktf.out');
    expect(markdown).toContain('## Environment `(default)` — account 111122223333, us-west-2');
    expect(markdown).toContain(
      '| secretsmanager:GetSecretValue | secret app/db-password | Allow | Deny (secret policy (app/db-password): DenySecretValueOutsideAppEndpoint) |',
    );
    expect(markdown).toContain('- app-vpc: `arn:aws:iam::111122223333:role/app` (admitted by its endpoint policies)');
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)![1];
    expect(mermaid).toBe(renderMermaid(report));
    const lines = mermaid.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    // Nodes are declared with a shape (`id[…]`, `id(…)`, `id{{…}}`), alone or at the end of an edge.
    const declared = new Set(lines.flatMap((line) => [...line.matchAll(/(?:^\s+(?:subgraph )?|\s)([A-Za-z0-9_]+)(?=\[|\(|\{)/g)].map((m) => m[1])));
    const edges = lines.flatMap((line) => {
      const edge = /^\s+([A-Za-z0-9_]+) (?:-->|-\.->)(?:\|"[^"]*"\|)? ([A-Za-z0-9_]+)/.exec(line);
      return edge ? [[edge[1], edge[2]]] : [];
    });
    expect(edges.length).toBeGreaterThan(8);
    for (const [from, to] of edges) expect([from, to, declared.has(from), declared.has(to)]).toEqual([from, to, true, true]);
    for (const line of lines) expect(line).not.toMatch(/\$\{/); // no Terraform reference inside the diagram
    expect(mermaid).toContain('app_vpc_secretsmanager -->|"value, metadata"| svc_secretsmanager');
    expect(mermaid).toContain('admin_vpc_kms -->|"key management"| svc_kms');
    expect(mermaid).toContain('internet -->|"role/break-glass: management, metadata"| svc_secretsmanager');
    expect(mermaid).toContain('secret_0 -.->|"encrypted with"| key_0');
  });
});

describe('access report, other configs', () => {
  it('GIVEN two named environments WHEN reported THEN each gets its own section with its own stacks', () => {
    const raw = defaultConfigJson();
    const second = JSON.parse(JSON.stringify(raw.environments[0]));
    raw.environments[0].name = 'prod';
    second.name = 'staging';
    second.region = 'eu-west-1';
    second.adminVpc.create.availabilityZones = ['eu-west-1a'];
    second.appVpc.create.availabilityZones = ['eu-west-1a'];
    raw.environments.push(second);
    const { outdir } = synthToTemp(parseConfig(raw, 'two.json'));
    const reports = buildAccessReport(readSynthesizedStacks(outdir));
    expect(reports.map((r) => [r.environment, r.region, r.sides.map((s) => s.stack)])).toEqual([
      ['prod', 'us-west-2', ['prod-app-vpc', 'prod-admin-vpc']],
      ['staging', 'eu-west-1', ['staging-app-vpc', 'staging-admin-vpc']],
    ]);
    for (const r of reports) expect(Object.fromEntries(r.rows.map((row) => [row.request, row.cells.map((c) => c.decision)]))).toEqual(ACCESS_MATRIX);
  });

  it('GIVEN the audit config WHEN reported THEN the audit key appears with what its policy allows, and the environment key keeps its matrix', () => {
    const raw = defaultConfigJson();
    raw.environments[0].audit = {};
    const reports = buildAccessReport(readSynthesizedStacks(synthToTemp(parseConfig(raw, 'audit.json')).outdir));
    const rows = reports[0].rows.filter((r) => r.service === 'kms' && r.subject === 'key alias/app-data');
    expect(rows.map((r) => r.request)).toEqual(Object.keys(ACCESS_MATRIX).filter((request) => /^(kms|same)/.test(request)));
    expect(rows.map((r) => r.cells.map((c) => c.decision))).toEqual(rows.map((r) => ACCESS_MATRIX[r.request]));
    const audit = reports[0].rows.find((r) => r.subject === 'key alias/privatelink-audit' && r.short === 'usage')!;
    // Not locked to the app endpoint (CloudTrail and CloudWatch use it), and not admitted by the app KMS endpoint policy.
    expect(audit.cells.map((c) => c.decision)).toEqual(['Deny', 'Allow', 'Allow', 'Allow']);
    expect(audit.cells[0].reasons).toEqual(['app-vpc kms endpoint policy: no Allow']);
  });

  it('GIVEN a cross-stack reference WHEN symbolized THEN it resolves to the producer’s output value, and a plain reference is qualified by its stack', () => {
    const stacks = new Map<string, any>([['app-vpc', { output: { o1: { value: '${aws_vpc_endpoint.ep.id}' } } }]]);
    expect(symbolize('x ${data.terraform_remote_state.cross-stack-reference-input-app-vpc.outputs.o1} y', 'admin-vpc', stacks)).toBe(
      'x ${app-vpc:aws_vpc_endpoint.ep.id} y',
    );
    expect(symbolize('${aws_vpc.v.id}', 'admin-vpc', stacks)).toBe('${admin-vpc:aws_vpc.v.id}');
    expect(symbolize('${terraform.workspace}', 'admin-vpc', stacks)).toBe('${terraform.workspace}');
  });

  it('GIVEN a directory without a synth WHEN read THEN the error names the missing manifest and says to run npm run synth', () => {
    expect(() => readSynthesizedStacks('/nonexistent-synth-dir')).toThrow(
      /PLS_REPORT_NO_SYNTH.*manifest\.json: found no file; expected the output of "npm run synth"/,
    );
  });

  it('GIVEN a hostile output directory (a FIFO manifest, a stack path to /dev/zero, text that is not JSON) WHEN read THEN each is refused at once, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pls-report-hostile-'));
    try {
      execFileSync('mkfifo', [join(dir, 'manifest.json')]);
      expect(() => readSynthesizedStacks(dir)).toThrow(
        /PLS_REPORT_NO_SYNTH.*manifest\.json: found a FIFO \(named pipe\); expected a JSON file written by "npm run synth"/,
      );
      rmSync(join(dir, 'manifest.json'));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ stacks: { 'app-vpc': { synthesizedStackPath: '../../../../../../../dev/zero' } } }));
      expect(() => readSynthesizedStacks(dir)).toThrow(/PLS_REPORT_NO_SYNTH.*\/dev\/zero: found a character device; expected a JSON file/);
      writeFileSync(join(dir, 'manifest.json'), '{"stacks": ');
      expect(() => readSynthesizedStacks(dir)).toThrow(/PLS_REPORT_NO_SYNTH.*manifest\.json: found text that is not JSON \(.+\); expected a JSON file/);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ stacks: { 'app-vpc': {} } }));
      expect(() => readSynthesizedStacks(dir)).toThrow(/PLS_REPORT_NO_SYNTH.*cdk\.tf\.json: found no file for stack app-vpc; expected JSON output/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('access report with secret rotation', () => {
  it('GIVEN multi-env.json (prod rotates a secret) WHEN reported THEN the rotation role is not listed as exempt from the admin-VPC-only rule', () => {
    const raw = exampleConfigJson('multi-env.json');
    const prod = raw.environments.find((e: any) => e.name === 'prod');
    const rotationRoles = prod.secrets.filter((s: any) => s.rotation).map((s: any) => s.rotation.roleArn);
    expect(rotationRoles.length).toBeGreaterThan(0);
    const reports = buildAccessReport(readSynthesizedStacks(synthToTemp(parseConfig(raw, 'multi-env.json')).outdir));
    const report = reports.find((r) => r.environment === 'prod')!;
    expect(report.exemptPrincipals).toEqual([...prod.breakGlassPrincipalArns, prod.deployRoleArn].sort());
    for (const role of rotationRoles) expect(report.exemptPrincipals).not.toContain(role);
  });
});
