import fc from 'fast-check';

/**
 * What Terraform makes of a string of `cdk.tf.json` (or of an HCL quoted string, once its
 * backslash escapes are decoded) that must be literal: `$${` and `%%{` are Terraform's escapes for
 * `${` and `%{`; an unescaped `${` or `%{` starts an expression, which literal text must never do.
 * A model of HCL's template scanner for templates without interpolations (checked against real
 * Terraform by test/stacks/config/hostile-text.slow.test.ts).
 */
export function literalTemplateValue(template: string): string {
  let out = '';
  for (let i = 0; i < template.length;) {
    const two = template.slice(i, i + 2);
    const three = template.slice(i, i + 3);
    if (three === '$${' || three === '%%{') {
      out += three.slice(1);
      i += 3;
    } else if (two === '${' || two === '%{') {
      throw new Error(`an expression starts at index ${i} of ${JSON.stringify(template)}`);
    } else {
      out += template[i];
      i += 1;
    }
  }
  return out;
}

/** Pieces attackers and careless users put in text: template sequences, escapes, quotes, heredoc ends, non-ASCII. */
export const HOSTILE_PIECES = [
  '${',
  '%{',
  '$${',
  '%%{',
  '$$',
  '}',
  '{',
  '$',
  '%',
  '~}',
  '"',
  "'",
  '\\',
  '\\n',
  '\n',
  '\r\n',
  '\t',
  '\u001b',
  'EOF',
  '\nEOF\n',
  '<<EOF',
  '<<-EOT',
  'file("/etc/hostname")',
  '${file("/proc/self/environ")}',
  '%{ for x in ["a"] }${x}%{ endfor }',
  'Set ${DB_HOST}',
  '100%{free}',
  '${aws:username}',
  'é',
  '日本語',
  '😀',
  '\u2028',
  ' ',
  'a',
  'Z',
  '0',
];

/** Text built from {@link HOSTILE_PIECES}: what a hostile or careless config may hold in a free-text field. */
export function hostileText(maxPieces = 12): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 1, maxLength: maxPieces }).map((pieces) => pieces.join(''));
}
