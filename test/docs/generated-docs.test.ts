import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { GUARDRAIL_PACKS, guardrailCodes, packCodes, packOfCode } from '../../modules/guardrails/guardrails';
import { RESOURCE_RULES } from '../../modules/guardrails/rules';
import { GENERATED_DOCS, renderDocs } from '../../tools/docs/render-docs';

const ROOT = join(__dirname, '..', '..');
const README_LIMIT_BYTES = 15 * 1024;

/** The hand-written and generated markdown whose links must resolve. */
function markdownFiles(): string[] {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

/** Relative link targets of a markdown file: `[text](target)` outside code, and `docs/….md` / file paths in inline code that name a repository file. */
function linksOf(text: string): string[] {
  const withoutCode = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const links = [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  return links.filter((l) => !/^(https?:|mailto:|#)/.test(l));
}

/**
 * Repository paths named in prose or inline code: every `docs/….md`, and every inline-code path under a
 * top-level folder of the repository (`modules/…`, `stacks/…`, `tools/…`, `test/…`, `.ci/…`) that is no
 * pattern or placeholder. When files move (say, into folders by AWS service), the docs that name them fail here.
 */
function pathMentionsOf(text: string): string[] {
  const docs = [...text.matchAll(/(?<![\w/.-])(docs\/[\w./-]+\.md)/g)].map((m) => m[1]);
  const code = [...text.matchAll(/`((?:modules|stacks|tools|test|\.ci)\/[\w./-]*)`/g)].map((m) => m[1]);
  return [...docs, ...code];
}

function headingAnchors(text: string): Set<string> {
  const withoutFences = text.replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...withoutFences.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

describe('generated docs', () => {
  const rendered = renderDocs(ROOT);

  it.each(GENERATED_DOCS.map((p) => [p]))(
    'GIVEN the sources WHEN %s is generated in memory THEN it equals the committed file (else run npm run docs)',
    (path) => {
      const committed = existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : '(missing)';
      if (committed !== rendered[path]) {
        throw new Error(`${path} is stale: run npm run docs and commit the result`);
      }
    },
  );

  it('GIVEN guardrailCodes() WHEN the guardrail reference is generated THEN every code has its own section', () => {
    const text = rendered['docs/guardrails.md'];
    expect(guardrailCodes().filter((c) => !text.includes(`## ${c}\n`))).toEqual([]);
  });

  it('GIVEN the packs WHEN the guardrail reference is generated THEN each code names its pack, each pack lists its codes, and the scoped rules say so', () => {
    const text = rendered['docs/guardrails.md'];
    const sectionOf = (c: string) => text.slice(text.indexOf(`## ${c}\n`)).split(/\n## /)[0];
    expect(guardrailCodes().filter((c) => !sectionOf(c).includes(`- Pack: \`${packOfCode(c)?.name}\``))).toEqual([]);
    for (const pack of GUARDRAIL_PACKS) {
      const row = text.split('\n').find((l) => l.startsWith(`| \`${pack.name}\``)) ?? '';
      expect([pack.name, packCodes(pack).filter((c) => !row.includes(`\`${c}\``))]).toEqual([pack.name, []]);
    }
    const scoped = RESOURCE_RULES.filter((r) => r.appliesTo === 'endpoint-security-groups').map((r) => r.code);
    expect(scoped.sort()).toEqual(['PLS_INGRESS_PORT', 'PLS_SG_INLINE_EGRESS']);
    for (const c of guardrailCodes()) {
      expect([c, /- Applies to: .*of \[endpoint security groups\]\(#endpoint-security-groups\) only/.test(sectionOf(c))]).toEqual([c, scoped.includes(c)]);
    }
  });

  it('GIVEN the config schema WHEN the config reference is generated THEN it names every top-level environment field', () => {
    const text = rendered['docs/config-reference.md'];
    for (const field of ['accountId', 'region', 'breakGlassPrincipalArns', 'adminVpc', 'appVpc', 'secrets', 'keys', 'audit']) {
      expect(text).toContain(`\`${field}\``);
    }
  });
});

describe('documentation links', () => {
  it.each(markdownFiles().map((f) => [f]))(
    'GIVEN %s WHEN its relative links and the repository paths it names are followed THEN each names a file (and heading) that exists',
    (file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const broken: string[] = [];
      for (const link of linksOf(text)) {
        const [target, anchor] = link.split('#');
        const path = target ? resolve(ROOT, dirname(file), decodeURIComponent(target)) : join(ROOT, file);
        if (!existsSync(path)) {
          broken.push(`${link}: no such file`);
          continue;
        }
        if (anchor && path.endsWith('.md') && statSync(path).isFile() && !headingAnchors(readFileSync(path, 'utf8')).has(anchor)) {
          broken.push(`${link}: no heading #${anchor}`);
        }
      }
      for (const mention of pathMentionsOf(text)) {
        if (!existsSync(join(ROOT, mention))) broken.push(`${mention}: no such file`);
      }
      expect(broken).toEqual([]);
    },
  );

  it('GIVEN the repository WHEN its README, docs, code and tests are read THEN none cites the external product design or its numbered sections', () => {
    const files = ['README.md', 'CONTRIBUTING.md', ...markdownFiles()];
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
      );
    files.push(...['modules', 'stacks', 'tools', 'test'].flatMap(walk));
    // Built from parts so this file does not match itself: the external design file's name, or a numbered section sign.
    const external = new RegExp(`${'DESIGN'}\\.md|\u00a7\\s*\\d|DESIGN \u00a7`);
    const citing = files.filter((f) => existsSync(join(ROOT, f)) && external.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(citing).toEqual([]);
  });

  it('GIVEN README.md WHEN its size is measured THEN it is at most 15 KB', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(README_LIMIT_BYTES);
  });
});
