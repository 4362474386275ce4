import { join } from 'path';
import { partitionOf } from '../../modules/core/aws-identifiers';
import { GuardrailError } from '../../modules/core/errors';
import { AccessDecision, decideAccess, EvaluationRequest, PolicyOnPath } from '../../modules/iam/policy-evaluator';
import { PolicyJson } from '../../modules/guardrails/rules/policy-rule';
import { JsonTextError, parseJsonStrict } from '../../stacks/config-json';
import { FileInputError, readRegularFile } from '../../stacks/regular-file';

/**
 * The access report (`npm run report`): per environment, who can do what through which endpoint,
 * computed by evaluating the synthesized endpoint, secret and key policies with
 * {@link decideAccess}; and a Mermaid diagram of VPCs → endpoints → services → secrets and keys.
 * Terraform references are kept symbolic: `${app-vpc:aws_vpc_endpoint.x.id}`.
 */

/** Terraform JSON of a synthesized stack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON is untyped; fields are read defensively below.
export type StackJson = Record<string, any>;

/** One synthesized stack. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: StackJson;
}

/** Largest synthesized file the report reads (manifest.json or one stack's cdk.tf.json). */
export const MAX_SYNTH_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The JSON of one file of a cdktf output directory, read only if it is a regular file of at most
 * {@link MAX_SYNTH_FILE_BYTES} (a FIFO or `/dev/zero` named by a manifest is refused, not waited on), parsed
 * with the depth bound the config and the audit use (`parseJsonStrict`).
 */
function readSynthJson(path: string, missing: string): unknown {
  let text: string;
  try {
    text = readRegularFile(path, MAX_SYNTH_FILE_BYTES, 'a JSON file written by "npm run synth"');
  } catch (e) {
    if (!(e instanceof FileInputError)) throw e;
    throw new GuardrailError('PLS_REPORT_NO_SYNTH', path, /\(ENOENT\)/.test(e.problem) ? missing : e.problem);
  }
  try {
    return parseJsonStrict(text).value;
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new GuardrailError('PLS_REPORT_NO_SYNTH', path, `found text that is not JSON (${e.message}); expected a JSON file written by "npm run synth"`);
  }
}

/** Reads `manifest.json` and every `stacks/<name>/cdk.tf.json` of a cdktf output directory. */
export function readSynthesizedStacks(outdir: string): SynthesizedStack[] {
  const manifestPath = join(outdir, 'manifest.json');
  const manifest = readSynthJson(manifestPath, 'found no file; expected the output of "npm run synth" (cdktf.out/manifest.json)') as {
    stacks?: Record<string, { synthesizedStackPath?: string }>;
  };
  return Object.entries(manifest.stacks ?? {})
    .map(([name, entry]) => {
      const path = join(outdir, entry.synthesizedStackPath ?? join('stacks', name, 'cdk.tf.json'));
      const missing = `found no file for stack ${name}; expected JSON output (the report does not read HCL: run "npm run synth")`;
      return { name, json: readSynthJson(path, missing) as StackJson };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A symbolic reference: `${stack:address.attribute}`. */
export function symbolOf(stack: string, expression: string): string {
  return `\${${stack}:${expression}}`;
}

/**
 * Rewrites every `${…}` in `text` of stack `stack` to a stack-qualified symbol; a cross-stack
 * reference (`data.terraform_remote_state.cross-stack-reference-input-<p>.outputs.<o>`) is followed
 * to the producing stack's output, so both sides of a reference compare equal.
 */
export function symbolize(text: string, stack: string, stacks: ReadonlyMap<string, StackJson>): string {
  return text.replace(/\$\{([^{}]*)\}/g, (whole, expression: string) => {
    const remote = /^data\.terraform_remote_state\.cross-stack-reference-input-([^.]+)\.outputs\.([^.}\s]+)$/.exec(expression);
    if (remote) {
      const [, producer, output] = remote;
      const value = stacks.get(producer)?.output?.[output]?.value;
      return typeof value === 'string' ? symbolize(value, producer, stacks) : symbolOf(producer, `outputs.${output}`);
    }
    // Already symbolic (`stack:…`), or not a reference to a resource (`terraform.workspace`): kept as is.
    if (/^[A-Za-z0-9_-]+:/.test(expression) || expression === 'terraform.workspace') return whole;
    return symbolOf(stack, expression);
  });
}

/** An interface endpoint as synthesized. */
export interface ReportEndpoint {
  readonly stack: string;
  /** `secretsmanager`, `kms` or `kms-fips`. */
  readonly service: string;
  readonly id: string;
  readonly vpcId: string;
  readonly policy?: PolicyJson;
}

/** A secret and its resource policy. */
export interface ReportSecret {
  readonly name: string;
  readonly arn: string;
  readonly kmsKeyId: string;
  readonly policy?: PolicyJson;
}

/** A KMS key, its aliases and its key policy. */
export interface ReportKey {
  readonly address: string;
  readonly arn: string;
  readonly keyId: string;
  readonly aliases: readonly string[];
  readonly policy?: PolicyJson;
}

/** A VPC side of an environment. */
export interface ReportSide {
  readonly stack: string;
  /** `app` or `admin`. */
  readonly side: 'app' | 'admin';
  readonly vpcId: string;
  readonly cidr?: string;
  /** The principal evaluated for calls from this side. */
  readonly caller: string;
  /** True when the endpoint policies name no principal and the caller stands for any principal of the account. */
  readonly callerIsGeneric: boolean;
}

/** One column of the matrix: who calls, and through which side's endpoints (none: the internet). */
export interface ReportColumn {
  readonly label: string;
  readonly principal: string;
  readonly via?: ReportSide;
}

/** One row: a request class on one secret or key. */
export interface ReportRow {
  readonly request: string;
  /** Short name for the diagram, e.g. `value`. */
  readonly short: string;
  readonly subject: string;
  readonly service: 'secretsmanager' | 'kms';
  /** The services that made the calls for the caller (see {@link RequestClass.via}). @default - none: the caller called */
  readonly via?: readonly ViaService[];
  readonly cells: readonly ReportCell[];
}

/** One cell: every action of the request class evaluated. */
export interface ReportCell {
  readonly decision: 'Allow' | 'Deny' | 'Partly' | 'n/a';
  readonly allowedActions: readonly string[];
  readonly deniedActions: readonly string[];
  readonly reasons: readonly string[];
}

/** One evaluated request of the matrix: its inputs and the decision, so tests can replay it elsewhere. */
export interface MatrixEvaluation {
  readonly row: number;
  readonly column: number;
  readonly request: EvaluationRequest;
  readonly policies: readonly PolicyOnPath[];
  readonly decision: AccessDecision;
}

/** The report of one environment. */
export interface EnvironmentAccessReport {
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly sides: readonly ReportSide[];
  readonly endpoints: readonly ReportEndpoint[];
  readonly secrets: readonly ReportSecret[];
  readonly keys: readonly ReportKey[];
  readonly exemptPrincipals: readonly string[];
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly ReportRow[];
  /** Every request evaluated for the matrix. */
  readonly evaluations: readonly MatrixEvaluation[];
}

/** An AWS service that calls Secrets Manager or KMS on the caller's behalf (`ec2`: EBS). */
export type ViaService = 'secretsmanager' | 's3' | 'ec2' | 'cloudformation';

interface RequestClass {
  readonly request: string;
  readonly short: string;
  readonly service: 'secretsmanager' | 'kms';
  /** Actions on the subject; `onAccount` actions have no resource (`*`). */
  readonly actions: readonly string[];
  readonly onAccount?: readonly string[];
  /**
   * Each of these services calls for the caller, from AWS's network (no endpoint, no VPC keys,
   * `aws:ViaAWSService` true): KMS gets `kms:ViaService` = `<service>.<region>.<DNS suffix>` from
   * services that encrypt with it; CloudFormation's forward access session sets `aws:CalledVia`.
   * @default - none: the caller calls itself
   */
  readonly via?: readonly ViaService[];
}

/** The request context a call made by `service` on the caller's behalf adds. */
export function viaServiceContext(service: ViaService, target: 'secretsmanager' | 'kms', region: string): Record<string, string | string[]> {
  const dns = partitionOf(region).dnsSuffix;
  if (service === 'cloudformation') return { 'aws:ViaAWSService': 'true', 'aws:CalledVia': [`cloudformation.${dns}`] };
  return { 'aws:ViaAWSService': 'true', ...(target === 'kms' ? { 'kms:ViaService': `${service}.${region}.${dns}` } : {}) };
}

const SECRET_MANAGEMENT_EXAMPLES = [
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:RestoreSecret',
  'secretsmanager:RotateSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:TagResource',
];
const KEY_MANAGEMENT_EXAMPLES = [
  'kms:PutKeyPolicy',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:UpdateKeyDescription',
  'kms:TagResource',
  'kms:CreateGrant',
];

/** The request classes of the access matrix (docs/design.md), each with the concrete actions evaluated for it. */
export const REQUEST_CLASSES: readonly RequestClass[] = [
  { request: 'secretsmanager:GetSecretValue', short: 'value', service: 'secretsmanager', actions: ['secretsmanager:GetSecretValue'] },
  {
    request: 'secret management (Put*/Update*/Delete*/Restore*/RotateSecret/PutResourcePolicy/Tag*)',
    short: 'management',
    service: 'secretsmanager',
    actions: SECRET_MANAGEMENT_EXAMPLES,
  },
  {
    request: 'secretsmanager:DescribeSecret, List*',
    short: 'metadata',
    service: 'secretsmanager',
    actions: ['secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'],
    onAccount: ['secretsmanager:ListSecrets'],
  },
  {
    request: "secret management called by another service on the caller's behalf (CloudFormation: aws:CalledVia)",
    short: 'management via CloudFormation',
    service: 'secretsmanager',
    actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:PutResourcePolicy'],
    via: ['cloudformation'],
  },
  {
    request: 'kms:Decrypt / Encrypt / GenerateDataKey*',
    short: 'usage',
    service: 'kms',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'],
  },
  {
    request: "same, called by Secrets Manager on the caller's behalf (kms:ViaService secretsmanager.<region>.<DNS suffix>)",
    short: 'usage via Secrets Manager',
    service: 'kms',
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    via: ['secretsmanager'],
  },
  {
    request: "same, called by any other service on the caller's behalf (kms:ViaService of S3, EBS)",
    short: 'usage via other services',
    service: 'kms',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    via: ['s3', 'ec2'],
  },
  {
    request: 'kms key management (PutKeyPolicy, Enable/Disable*, ScheduleKeyDeletion, …)',
    short: 'key management',
    service: 'kms',
    actions: KEY_MANAGEMENT_EXAMPLES,
  },
  {
    request: "kms key management called by another service on the caller's behalf (CloudFormation: aws:CalledVia)",
    short: 'key management via CloudFormation',
    service: 'kms',
    actions: ['kms:PutKeyPolicy', 'kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:CreateGrant'],
    via: ['cloudformation'],
  },
];

function parsePolicy(text: unknown, stack: string, stacks: ReadonlyMap<string, StackJson>): PolicyJson | undefined {
  return typeof text === 'string' ? (JSON.parse(symbolize(text, stack, stacks)) as PolicyJson) : undefined;
}

function resources(json: StackJson, type: string): [string, StackJson][] {
  return Object.entries<StackJson>(json.resource?.[type] ?? {});
}

function conditionValues(policy: PolicyJson | undefined, operator: string, key: string): string[] {
  if (!policy) return [];
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.flatMap((s) =>
    Object.entries(s.Condition ?? {})
      .filter(([op]) => op === operator)
      .flatMap(([, keys]) => Object.entries(keys).filter(([k]) => k.toLowerCase() === key.toLowerCase()))
      .flatMap(([, v]) => (Array.isArray(v) ? v : [v]).map(String)),
  );
}

function roleName(arn: string): string {
  return arn.replace(/^arn:[a-z-]+:iam::\d{12}:/, '');
}

/** Groups stacks into environments: `<env>-admin-vpc` with `<env>-app-vpc`, or `admin-vpc` with `app-vpc`. */
function environments(stacks: readonly SynthesizedStack[]): { environment: string; app?: SynthesizedStack; admin?: SynthesizedStack }[] {
  const byPrefix = new Map<string, { app?: SynthesizedStack; admin?: SynthesizedStack }>();
  for (const s of stacks) {
    const match = /^(?:(.+)-)?(app|admin)-vpc$/.exec(s.name);
    if (!match) continue;
    const entry = byPrefix.get(match[1] ?? '') ?? {};
    entry[match[2] as 'app' | 'admin'] = s;
    byPrefix.set(match[1] ?? '', entry);
  }
  return [...byPrefix.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([prefix, e]) => ({ environment: prefix || '(default)', ...e }));
}

function cell(decisions: { action: string; decision: AccessDecision }[]): ReportCell {
  const allowedActions = decisions.filter((d) => d.decision.allowed).map((d) => d.action);
  const deniedActions = decisions.filter((d) => !d.decision.allowed).map((d) => d.action);
  const reasons = [...new Set(decisions.flatMap((d) => d.decision.reasons))];
  const decision = deniedActions.length === 0 ? 'Allow' : allowedActions.length === 0 ? 'Deny' : 'Partly';
  return { decision, allowedActions, deniedActions, reasons };
}

/** Computes the access report of every environment in a synthesized app. */
export function buildAccessReport(stacks: readonly SynthesizedStack[]): EnvironmentAccessReport[] {
  const byName = new Map(stacks.map((s) => [s.name, s.json]));
  return environments(stacks).map(({ environment, app, admin }) => {
    const members = [app, admin].filter((s): s is SynthesizedStack => s !== undefined);
    const provider = (members[0].json.provider?.aws ?? [])[0] ?? {};
    const region: string = provider.region ?? '';
    const accountId: string = (provider.allowed_account_ids ?? [])[0] ?? '';
    const partition = partitionOf(region).name;

    const endpoints: ReportEndpoint[] = members.flatMap((s) =>
      resources(s.json, 'aws_vpc_endpoint').map(([address, ep]) => ({
        stack: s.name,
        service: String(ep.service_name).split('.').pop()!,
        id: symbolOf(s.name, `aws_vpc_endpoint.${address}.id`),
        vpcId: symbolize(String(ep.vpc_id), s.name, byName),
        policy: parsePolicy(ep.policy, s.name, byName),
      })),
    );
    const secrets: ReportSecret[] = members.flatMap((s) => {
      const policies = new Map(
        resources(s.json, 'aws_secretsmanager_secret_policy').map(([, p]) => [symbolize(String(p.secret_arn), s.name, byName), p.policy]),
      );
      return resources(s.json, 'aws_secretsmanager_secret').map(([address, secret]) => {
        const arnSymbol = symbolOf(s.name, `aws_secretsmanager_secret.${address}.arn`);
        return {
          name: String(secret.name),
          arn: arnSymbol,
          kmsKeyId: symbolize(String(secret.kms_key_id ?? ''), s.name, byName),
          policy: parsePolicy(policies.get(arnSymbol), s.name, byName),
        };
      });
    });
    const keys: ReportKey[] = members.flatMap((s) => {
      const aliases = resources(s.json, 'aws_kms_alias').map(([, a]) => ({ name: String(a.name), target: symbolize(String(a.target_key_id), s.name, byName) }));
      return resources(s.json, 'aws_kms_key').map(([address, key]) => {
        const keyId = symbolOf(s.name, `aws_kms_key.${address}.key_id`);
        return {
          address: `${s.name}:aws_kms_key.${address}`,
          arn: symbolOf(s.name, `aws_kms_key.${address}.arn`),
          keyId,
          aliases: aliases.filter((a) => a.target === keyId || a.target === symbolOf(s.name, `aws_kms_key.${address}.id`)).map((a) => a.name),
          policy: parsePolicy(key.policy, s.name, byName),
        };
      });
    });

    // Exempt from the admin-VPC-only rule: the principals the management Denies (those conditioned on aws:SourceVpc) let
    // through; a rotation role exempted only from the value Deny is not one of them.
    const managementDenies = (p: PolicyJson | undefined): PolicyJson | undefined =>
      p && {
        ...p,
        Statement: (Array.isArray(p.Statement) ? p.Statement : [p.Statement]).filter((st) =>
          Object.keys(st.Condition?.StringNotEquals ?? {}).some((k) => k.toLowerCase() === 'aws:sourcevpc'),
        ),
      };
    const exemptPrincipals = [
      ...new Set(
        [...secrets.map((s) => s.policy), ...keys.map((k) => k.policy)].flatMap((p) =>
          conditionValues(managementDenies(p), 'ArnNotEquals', 'aws:PrincipalArn'),
        ),
      ),
    ].sort();
    const sides: ReportSide[] = members.map((s) => {
      const side = s.name.endsWith('app-vpc') ? 'app' : 'admin';
      const own = endpoints.filter((e) => e.stack === s.name);
      const named = [...new Set(own.flatMap((e) => conditionValues(e.policy, 'ArnLike', 'aws:PrincipalArn')))].filter((a) => !a.includes('*')).sort();
      const caller = named.find((a) => !exemptPrincipals.includes(a));
      const vpc = resources(s.json, 'aws_vpc')[0];
      return {
        stack: s.name,
        side,
        vpcId: own[0]?.vpcId ?? (vpc ? symbolOf(s.name, `aws_vpc.${vpc[0]}.id`) : '(no VPC)'),
        cidr: vpc?.[1].cidr_block,
        caller: caller ?? `arn:${partition}:iam::${accountId}:role/any-${side}-principal`,
        callerIsGeneric: caller === undefined,
      };
    });
    sides.sort((a, b) => (a.side === 'app' ? 0 : 1) - (b.side === 'app' ? 0 : 1)); // app first, then admin
    const appSide = sides.find((s) => s.side === 'app');
    const columns: ReportColumn[] = [
      ...sides.map((s) => ({
        label: `via ${s.stack} endpoints (${s.callerIsGeneric ? 'any account principal' : roleName(s.caller)})`,
        principal: s.caller,
        via: s,
      })),
      ...(appSide ? [{ label: `internet (${appSide.callerIsGeneric ? 'any account principal' : roleName(appSide.caller)})`, principal: appSide.caller }] : []),
      ...exemptPrincipals.map((p) => ({ label: `internet (${roleName(p)}, exempt)`, principal: p })),
    ];

    const rows: ReportRow[] = [];
    const evaluations: MatrixEvaluation[] = [];
    for (const rc of REQUEST_CLASSES) {
      const subjects =
        rc.service === 'secretsmanager'
          ? secrets.map((s) => ({
              subject: `secret ${s.name}`,
              resource: `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${s.name}-AbCdEf`,
              policy: s.policy,
              policyName: `secret policy (${s.name})`,
              allow: 'optional' as const,
            }))
          : keys.map((k) => ({
              subject: `key ${k.aliases.join(', ') || k.address}`,
              resource: `arn:${partition}:kms:${region}:${accountId}:key/${k.keyId}`,
              policy: k.policy,
              policyName: `key policy (${k.aliases[0] ?? k.address})`,
              allow: 'required' as const,
              aliases: k.aliases,
            }));
      for (const subject of subjects) {
        const cells = columns.map((column, columnIndex) => {
          const endpoint = column.via && !rc.via ? endpoints.find((e) => e.stack === column.via!.stack && e.service.startsWith(rc.service)) : undefined;
          if (column.via && !rc.via && !endpoint) return { decision: 'n/a' as const, allowedActions: [], deniedActions: [], reasons: [] };
          const base: Record<string, string | string[]> = {
            'aws:PrincipalArn': column.principal,
            'aws:PrincipalAccount': accountId,
            'aws:SecureTransport': 'true',
            'aws:ViaAWSService': 'false',
          };
          if (endpoint) {
            base['aws:SourceVpce'] = endpoint.id;
            base['aws:SourceVpc'] = endpoint.vpcId;
          }
          if ('aliases' in subject && subject.aliases.length) base['kms:ResourceAliases'] = [...subject.aliases];
          const path: PolicyOnPath[] = [];
          if (endpoint?.policy) path.push({ name: `${endpoint.stack} ${endpoint.service} endpoint policy`, policy: endpoint.policy, allow: 'required' });
          const evaluate = (action: string, resource: string, withResourcePolicy: boolean, context: Record<string, string | string[]>) => {
            const request: EvaluationRequest = { principalArn: column.principal, principalAccount: accountId, action, resource, context };
            const onPath = withResourcePolicy && subject.policy ? [...path, { name: subject.policyName, policy: subject.policy, allow: subject.allow }] : path;
            const decision = decideAccess(request, onPath);
            evaluations.push({ row: rows.length, column: columnIndex, request, policies: onPath, decision });
            return { action, decision };
          };
          const contexts = rc.via ? rc.via.map((service) => ({ ...base, ...viaServiceContext(service, rc.service, region) })) : [base];
          return cell(
            contexts.flatMap((context) => [
              ...rc.actions.map((a) => evaluate(a, subject.resource, true, context)),
              ...(rc.onAccount ?? []).map((a) => evaluate(a, '*', false, context)),
            ]),
          );
        });
        rows.push({ request: rc.request, short: rc.short, subject: subject.subject, service: rc.service, ...(rc.via ? { via: rc.via } : {}), cells });
      }
    }
    return { environment, accountId, region, sides, endpoints, secrets, keys, exemptPrincipals, columns, rows, evaluations };
  });
}

function code(text: string): string {
  return `\`${text}\``;
}

function cellText(c: ReportCell): string {
  switch (c.decision) {
    case 'Allow':
    case 'n/a':
      return c.decision;
    case 'Deny':
      return `Deny (${c.reasons.join('; ')})`;
    case 'Partly':
      return `Partly: allowed ${c.allowedActions.join(', ')}; denied ${c.deniedActions.join(', ')} (${c.reasons.join('; ')})`;
  }
}

function mermaidId(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

const SERVICE_NAMES: Record<string, string> = { secretsmanager: 'AWS Secrets Manager', kms: 'AWS KMS' };

/** Mermaid flowchart: VPCs (with their endpoints) → services → secrets and keys; edges labelled with what the matrix allows. */
export function renderMermaid(report: EnvironmentAccessReport): string {
  const lines = ['flowchart LR'];
  const allowedOn = (column: number, service: string) => [
    ...new Set(
      report.rows
        .filter((r) => r.service === service && !r.via && r.cells[column].decision !== 'Deny' && r.cells[column].decision !== 'n/a')
        .map((r) => r.short),
    ),
  ];
  for (const side of report.sides) {
    lines.push(`  subgraph ${mermaidId(side.stack)}[${mermaidLabel(`${side.stack} VPC${side.cidr ? ` ${side.cidr}` : ''}`)}]`);
    for (const e of report.endpoints.filter((x) => x.stack === side.stack))
      lines.push(`    ${mermaidId(`${side.stack}_${e.service}`)}[${mermaidLabel(`${e.service} endpoint`)}]`);
    lines.push('  end');
  }
  lines.push('  internet((internet))');
  for (const service of ['secretsmanager', 'kms']) lines.push(`  svc_${service}([${mermaidLabel(SERVICE_NAMES[service])}])`);
  report.columns.forEach((column, i) => {
    for (const service of ['secretsmanager', 'kms']) {
      const allowed = allowedOn(i, service);
      if (!allowed.length) continue;
      const from = column.via ? report.endpoints.find((e) => e.stack === column.via!.stack && e.service.startsWith(service)) : undefined;
      const source = from ? mermaidId(`${from.stack}_${from.service}`) : 'internet';
      if (column.via && !from) continue;
      const who = column.via ? '' : `${roleName(column.principal)}: `;
      lines.push(`  ${source} -->|${mermaidLabel(`${who}${allowed.join(', ')}`)}| svc_${service}`);
    }
  });
  report.secrets.forEach((s, i) => lines.push(`  svc_secretsmanager --> secret_${i}[(${mermaidLabel(`secret ${s.name}`)})]`));
  report.keys.forEach((k, i) => lines.push(`  svc_kms --> key_${i}{{${mermaidLabel(`key ${k.aliases.join(', ') || k.address}`)}}}`));
  report.secrets.forEach((s, i) => {
    const key = report.keys.findIndex((k) => k.arn === s.kmsKeyId || k.keyId === s.kmsKeyId);
    if (key >= 0) lines.push(`  secret_${i} -.->|${mermaidLabel('encrypted with')}| key_${key}`);
  });
  return lines.join('\n');
}

/** The Markdown report. */
export function renderAccessReportMarkdown(reports: readonly EnvironmentAccessReport[], source: string): string {
  const out: string[] = [
    '# Access report',
    '',
    `Computed by \`npm run report\` from ${code(source)}: every synthesized endpoint, secret and key policy evaluated by ` +
      '`modules/iam/policy-evaluator.ts` for each request and path. A caller is a principal of the account whose identity policy ' +
      'allows the action; "via … endpoints" means through that VPC\'s interface endpoint for the service (`aws:SourceVpce`, ' +
      '`aws:SourceVpc` set, the endpoint policy applies); "internet" means the public endpoint. Terraform references are shown ' +
      'symbolically as `${stack:address.attribute}`.',
  ];
  if (reports.length === 0) out.push('', 'No environment found (expected stacks named `[<env>-]app-vpc` and `[<env>-]admin-vpc`).');
  for (const r of reports) {
    out.push('', `## Environment ${code(r.environment)} — account ${r.accountId}, ${r.region}`, '', '### Endpoints', '');
    out.push('| stack | service | endpoint id | VPC |', '|---|---|---|---|');
    for (const e of r.endpoints) out.push(`| ${e.stack} | ${e.service} | ${code(e.id)} | ${code(e.vpcId)} |`);
    out.push('', '### Secrets and keys', '');
    for (const s of r.secrets) out.push(`- secret ${code(s.name)} (${code(s.arn)}), encrypted with ${code(s.kmsKeyId)}`);
    for (const k of r.keys) out.push(`- key ${k.aliases.map(code).join(', ') || '(no alias)'} (${code(k.arn)})`);
    out.push('', '### Callers', '');
    for (const s of r.sides) {
      out.push(
        `- ${s.stack}: ${code(s.caller)}${s.callerIsGeneric ? ' (its endpoint policies name no principal: any principal of the account)' : ' (admitted by its endpoint policies)'}`,
      );
    }
    for (const p of r.exemptPrincipals) out.push(`- exempt from the admin-VPC-only rule: ${code(p)}`);
    out.push('', '### Access matrix', '');
    out.push(`| request | on | ${r.columns.map((c) => c.label).join(' | ')} |`, `|---|---|${r.columns.map(() => '---').join('|')}|`);
    for (const row of r.rows) out.push(`| ${row.request} | ${row.subject} | ${row.cells.map(cellText).join(' | ')} |`);
    out.push('', '### Diagram', '', '```mermaid', renderMermaid(r), '```');
  }
  return `${out.join('\n')}\n`;
}
