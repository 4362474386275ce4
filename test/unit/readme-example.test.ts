import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as ts from 'typescript';
import * as modules from '../../modules/public';

describe('library example (docs/library.md)', () => {
  it('GIVEN the library example of docs/library.md (linked from the README) WHEN it runs THEN it synthesizes endpoints whose KMS policy holds the late statement', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'library.md'), 'utf8');
    expect(doc).toContain('## Example');
    const section = doc.slice(doc.indexOf('## Example'));
    const source = /```ts\n([\s\S]*?)```/.exec(section)![1];
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const outdir = mkdtempSync(join(tmpdir(), 'pls-readme-'));
    const previous = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    try {
      const localRequire = (id: string) => (id === 'cdktf-privatelink-secrets' ? modules : jest.requireActual(id));
      new Function('require', 'exports', js)(localRequire, {});
    } finally {
      if (previous === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = previous;
    }
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', 'endpoints', 'cdk.tf.json'), 'utf8'));
    const endpoints = Object.values<any>(json.resource.aws_vpc_endpoint);
    expect(endpoints.map((e) => e.service_name).sort()).toEqual(['com.amazonaws.eu-central-1.kms', 'com.amazonaws.eu-central-1.secretsmanager']);
    const kms = endpoints.find((e) => e.service_name.endsWith('.kms'));
    expect(JSON.parse(kms.policy).Statement.map((s: any) => s.Sid)).toEqual(['AllowAccountResources', 'AllowCallsWithoutResource', 'DenyKeyDeletion']);
  });
});
