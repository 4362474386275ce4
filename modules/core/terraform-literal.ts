/**
 * Text that must reach Terraform as the literal text, never as an expression.
 *
 * Terraform reads every string of `cdk.tf.json` (and every quoted string of HCL) as a template:
 * `${…}` interpolates an expression and `%{…}` runs a directive, so a description or tag holding
 * `${file("/etc/hostname")}` would be evaluated on the machine that plans. Terraform's own escapes
 * are `$${` for a literal `${` and `%%{` for a literal `%{` (what `hclwrite` writes); every other
 * character stands for itself.
 *
 * cdktf tokens (`${TfToken[TOKEN.n]}`: references, lazy values) are left as they are, so a string
 * that mixes text and references keeps its references; the text around them is escaped. A literal
 * `$` right before a token would join the token's `${` into the escape `$${`, so each `$` of a run
 * right before a token is written as the interpolation `${"$"}`.
 */

/** cdktf's marker of a string token (`BEGIN_STRING_TOKEN_MARKER` … `END_TOKEN_MARKER`, `VALID_KEY_CHARS`). */
const STRING_TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;
/** The start of any cdktf token marker: string, list and map tokens. */
export const CDKTF_TOKEN_MARKER = /[$#&]\{TfToken\[/;

/** Escapes template sequences of text that holds no cdktf token. */
function escapeText(text: string): string {
  return text.replace(/([$%])\{/g, '$1$1{');
}

/**
 * `text` with every `${` and `%{` outside cdktf tokens escaped, so Terraform yields the text
 * itself. Idempotence is NOT a property: escape each string exactly once, where it enters a
 * resource attribute.
 */
export function terraformLiteral(text: string): string;
export function terraformLiteral(text: string | undefined): string | undefined;
export function terraformLiteral(text: string | undefined): string | undefined {
  if (text === undefined || !/[$%]\{/.test(text)) return text;
  let out = '';
  let last = 0;
  for (const match of text.matchAll(STRING_TOKEN)) {
    const literal = text.slice(last, match.index);
    const dollars = /\$*$/.exec(literal)![0].length;
    out += escapeText(literal.slice(0, literal.length - dollars)) + '${"$"}'.repeat(dollars) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeText(text.slice(last));
}

/** A tag map (or any string map) with keys and values escaped by {@link terraformLiteral}. */
export function terraformLiteralMap(map: Readonly<Record<string, string>>): Record<string, string>;
export function terraformLiteralMap(map: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined;
export function terraformLiteralMap(map: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (map === undefined) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [terraformLiteral(k), terraformLiteral(v)]));
}
