import { invalidValue } from '../../../modules/core/errors';
import { BlockPaths } from './block-paths';

/**
 * Terraform JSON → HCL native syntax, with the same meaning by construction: a JSON string is a
 * Terraform template and becomes one HCL quoted template (never a heredoc), its literal text
 * escaped so that no input can end the string, and its `${…}` / `%{…}` sequences copied as they
 * are; where Terraform reads JSON strings literally (backend, descriptions, ...) the HCL string is
 * literal too (`$${`, `%%{`).
 * Which keys are nested blocks comes from the provider bindings ({@link blockPathsOf}); the
 * meta-arguments Terraform reads as references are checked against a strict traversal pattern.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const INDENT = '  ';
/** An HCL identifier as Terraform names attributes, block types and locals. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** A block label we write: resource, data source, provider, output and backend names (cdktf ids). */
const LABEL = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const TRAVERSAL_STEP = String.raw`(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\]|\["[A-Za-z0-9_./:-]*"\]|\[(?:count\.index|each\.key|each\.value)\])`;
/** A reference as `depends_on`, `provider`, `lifecycle.ignore_changes`, `moved` and `import` take it: `aws_s3_bucket.logs`, `tags["Name"]`, `aws.west`. */
const TRAVERSAL = new RegExp(String.raw`^[A-Za-z_][A-Za-z0-9_-]*${TRAVERSAL_STEP}*$`);
/** A variable's type constraint: primitive types and collections of them. */
const TYPE_CONSTRAINT = /^(?:(?:list|set|map)\()*(?:string|number|bool|any)\)*$/;

function fail(field: string, value: unknown, expected: string): never {
  throw invalidValue('PLS_HCL_RENDER', field, value, expected);
}

/** `\uXXXX` for one UTF-16 code unit. */
function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One character of the literal text of a template, as it goes between HCL double quotes. */
function literalChar(text: string, i: number, field: string): { out: string; next: number } {
  const c = text[i];
  const code = text.charCodeAt(i);
  if (c === '\\') return { out: '\\\\', next: i + 1 };
  if (c === '"') return { out: '\\"', next: i + 1 };
  if (c === '\n') return { out: '\\n', next: i + 1 };
  if (c === '\r') return { out: '\\r', next: i + 1 };
  if (c === '\t') return { out: '\\t', next: i + 1 };
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return { out: unicodeEscape(code), next: i + 1 };
  if (code >= 0xd800 && code <= 0xdbff) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return { out: text.slice(i, i + 2), next: i + 2 };
    return fail(field, text, 'well-formed Unicode (a lone UTF-16 surrogate cannot be written)');
  }
  if (code >= 0xdc00 && code <= 0xdfff) return fail(field, text, 'well-formed Unicode (a lone UTF-16 surrogate cannot be written)');
  return { out: c, next: i + 1 };
}

/**
 * The index just after the closing quote of a quoted string inside a template sequence that starts
 * at `start` (after the opening quote): backslash escapes, nested `${…}`/`%{…}` and `$${`/`%%{` as
 * HCL's scanner reads them.
 */
function quotedEnd(text: string, start: number, field: string): number {
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return i + 1;
    if (c === '\\') {
      if (i + 1 >= text.length || text.charCodeAt(i + 1) < 0x20) break;
      i += 2;
      continue;
    }
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      i += 3;
      continue;
    }
    if ((c === '$' || c === '%') && text[i + 1] === '{') {
      i = sequenceEnd(text, i + 2, field);
      continue;
    }
    if (text.charCodeAt(i) < 0x20 || text.charCodeAt(i) === 0x7f) break;
    i += 1;
  }
  return fail(field, text, 'template sequences whose quoted strings are closed and hold no raw control characters');
}

/**
 * The index just after the `}` that closes the template sequence (`${…}` or `%{…}`) whose body
 * starts at `start`: braces counted and quoted strings skipped as HCL's scanner does. What the
 * scanner could read differently (comments, heredocs, line breaks, `~` strip markers) is refused.
 */
function sequenceEnd(text: string, start: number, field: string): number {
  if (text[start] === '~') fail(field, text, 'template sequences without "~" strip markers');
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    const code = text.charCodeAt(i);
    if (c === '{') depth += 1;
    else if (c === '}') {
      depth -= 1;
      if (depth === 0) {
        if (text[i - 1] === '~') fail(field, text, 'template sequences without "~" strip markers');
        return i + 1;
      }
    } else if (c === '"') {
      i = quotedEnd(text, i + 1, field);
      continue;
    } else if (c === '#' || (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) || (c === '<' && text[i + 1] === '<')) {
      fail(field, text, 'template sequences without comments or heredocs');
    } else if ((code < 0x20 && c !== '\t') || code === 0x7f) {
      fail(field, text, 'template sequences on one line, without control characters');
    }
    i += 1;
  }
  return fail(field, text, 'every "${" and "%{" closed by a "}" (write "$${" or "%%{" for the literal text)');
}

/**
 * A Terraform template (what a JSON string value holds) as an HCL quoted template with the same
 * meaning: `\`, `"`, line breaks, tabs and other control characters of the literal text escaped,
 * `${…}` and `%{…}` sequences copied verbatim, `$${` and `%%{` kept as the escapes they are.
 */
export function hclTemplate(template: string, field = 'string'): string {
  let out = '"';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if ((c === '$' || c === '%') && template[i + 1] === c && template[i + 2] === '{') {
      out += template.slice(i, i + 3);
      i += 3;
    } else if ((c === '$' || c === '%') && template[i + 1] === '{') {
      const end = sequenceEnd(template, i + 2, field);
      out += template.slice(i, end);
      i = end;
    } else {
      const { out: escaped, next } = literalChar(template, i, field);
      out += escaped;
      i = next;
    }
  }
  return `${out}"`;
}

/**
 * A string Terraform reads literally in JSON (it decodes backend and `required_providers`
 * settings, descriptions, variable defaults and module sources without an evaluation context) as
 * an HCL quoted string with the same value: everything escaped, `${` and `%{` as `$${` and `%%{`.
 */
export function hclLiteral(text: string, field = 'string'): string {
  let out = '"';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === '{') {
      out += `${c}${c}{`;
      i += 2;
    } else {
      const { out: escaped, next } = literalChar(text, i, field);
      out += escaped;
      i = next;
    }
  }
  return `${out}"`;
}

/** A reference meta-argument (a JSON string Terraform parses as a traversal), written bare after checking it is one. */
function traversal(value: Json, field: string): string {
  if (typeof value !== 'string' || !TRAVERSAL.test(value)) fail(field, value, 'a reference such as aws_s3_bucket.logs or aws.west');
  return value;
}

function traversalList(value: Json, field: string): string {
  if (!Array.isArray(value)) return fail(field, value, 'a list of references');
  return `[${value.map((v, i) => traversal(v, `${field}[${i}]`)).join(', ')}]`;
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Keys in the order json-stable-stringify writes cdk.tf.json. */
function sortedKeys(object: JsonObject): string[] {
  return Object.keys(object).sort();
}

/**
 * A JSON value as an HCL expression: strings (and object keys, always quoted) are templates, or
 * with `literal` literal text, as Terraform reads them in JSON where they stand.
 */
export function hclExpression(value: Json, field: string, depth = 0, literal = false): string {
  const string = literal ? hclLiteral : hclTemplate;
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(field, value, 'a finite number');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return string(value, field);
  const inner = INDENT.repeat(depth + 1);
  const outer = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v, i) => `${inner}${hclExpression(v, `${field}[${i}]`, depth + 1, literal)},\n`).join('')}${outer}]`;
  }
  const keys = sortedKeys(value);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${string(k, `${field} key`)} = ${hclExpression(value[k], `${field}.${k}`, depth + 1, literal)}\n`).join('')}${outer}}`;
}

/** Lines of an HCL body, indented at `depth`. */
class Body {
  private readonly lines: string[] = [];
  constructor(private readonly depth: number) {}

  attribute(name: string, expression: string, field: string): void {
    if (!IDENTIFIER.test(name)) fail(field, name, 'an attribute name (letters, digits, "_" and "-", not starting with a digit)');
    this.lines.push(`${INDENT.repeat(this.depth)}${name} = ${expression}`);
  }

  /** `name = value`, the value a template expression, or literal text where Terraform reads the JSON literally. */
  value(name: string, value: Json, field: string, literal = false): void {
    this.attribute(name, hclExpression(value, field, this.depth, literal), field);
  }

  block(type: string, labels: readonly string[], field: string, fill: (body: Body) => void): void {
    if (!IDENTIFIER.test(type)) fail(field, type, 'a block type name');
    for (const label of labels) if (!LABEL.test(label)) fail(field, label, 'a block label of letters, digits, "_", "-" and "."');
    const body = new Body(this.depth + 1);
    fill(body);
    const head = [type, ...labels.map((l) => `"${l}"`)].join(' ');
    this.lines.push(
      body.lines.length === 0
        ? `${INDENT.repeat(this.depth)}${head} {}`
        : `${INDENT.repeat(this.depth)}${head} {\n${body.lines.join('\n')}\n${INDENT.repeat(this.depth)}}`,
    );
  }

  /** The lines; top-level blocks separated by a blank line. */
  toString(): string {
    return this.lines.join(this.depth === 0 ? '\n\n' : '\n');
  }
}

/** The bodies a JSON block value holds: one object, or an array of them. */
function blockBodies(value: Json, field: string): JsonObject[] {
  if (value === null) return [];
  const bodies = Array.isArray(value) ? value : [value];
  return bodies.map((b, i) => (isObject(b) ? b : fail(`${field}[${i}]`, b, 'a block body (an object)')));
}

/** A schema-described body (resource, data source, provider, nested block): blocks where the bindings say so, attributes elsewhere. */
function schemaBody(body: Body, object: JsonObject, path: string, field: string, blocks: BlockPaths): void {
  for (const key of sortedKeys(object)) {
    if (key === '//') continue;
    if (key === 'dynamic') fail(`${field}.dynamic`, object[key], 'no dynamic blocks (not supported by the HCL renderer)');
    const nested = `${path}.${key}`;
    if (blocks.has(nested)) {
      blockBodies(object[key], `${field}.${key}`).forEach((b, i) =>
        body.block(key, [], `${field}.${key}[${i}]`, (inner) => schemaBody(inner, b, nested, `${field}.${key}[${i}]`, blocks)),
      );
    } else {
      body.value(key, object[key], `${field}.${key}`);
    }
  }
}

/** `precondition` / `postcondition` blocks. */
function conditionBlocks(body: Body, type: string, value: Json, field: string): void {
  blockBodies(value, field).forEach((condition, i) =>
    body.block(type, [], `${field}[${i}]`, (inner) => {
      for (const key of sortedKeys(condition)) {
        if (key !== 'condition' && key !== 'error_message') fail(`${field}[${i}].${key}`, key, 'condition or error_message');
        inner.value(key, condition[key], `${field}[${i}].${key}`);
      }
    }),
  );
}

function lifecycleBlock(body: Body, value: Json, field: string): void {
  blockBodies(value, field).forEach((lifecycle, i) =>
    body.block('lifecycle', [], `${field}[${i}]`, (inner) => {
      for (const key of sortedKeys(lifecycle)) {
        const at = `${field}[${i}].${key}`;
        const v = lifecycle[key];
        if (key === 'create_before_destroy' || key === 'prevent_destroy') inner.value(key, v, at);
        else if (key === 'ignore_changes') inner.attribute(key, v === 'all' ? 'all' : traversalList(v, at), at);
        else if (key === 'replace_triggered_by') inner.attribute(key, traversalList(v, at), at);
        else if (key === 'precondition' || key === 'postcondition') conditionBlocks(inner, key, v, at);
        else fail(at, key, 'a lifecycle argument (create_before_destroy, prevent_destroy, ignore_changes, replace_triggered_by, precondition, postcondition)');
      }
    }),
  );
}

/** A resource or data source body: `depends_on` and `provider` first, then the schema-described arguments, then `lifecycle`. */
function resourceBody(body: Body, object: JsonObject, path: string, field: string, blocks: BlockPaths): void {
  const rest: JsonObject = {};
  for (const key of sortedKeys(object)) {
    const at = `${field}.${key}`;
    if (key === 'depends_on') body.attribute(key, traversalList(object[key], at), at);
    else if (key === 'provider') body.attribute(key, traversal(object[key], at), at);
    else if (key === 'provisioner' || key === 'connection') fail(at, key, 'no provisioners or connections (not supported by the HCL renderer)');
    else if (key !== 'lifecycle') rest[key] = object[key];
  }
  schemaBody(body, rest, path, field, blocks);
  if (object.lifecycle !== undefined) lifecycleBlock(body, object.lifecycle, `${field}.lifecycle`);
}

/** The labelled blocks `kind "type" "name"` of `resource` or `data`. */
function resources(file: Body, kind: 'resource' | 'data', value: Json, blocks: BlockPaths): void {
  if (!isObject(value)) fail(kind, value, 'an object of resource types');
  for (const type of sortedKeys(value)) {
    const named = value[type];
    if (!isObject(named)) fail(`${kind}.${type}`, named, 'an object of named blocks');
    for (const name of sortedKeys(named)) {
      const field = `${kind}.${type}.${name}`;
      const body = named[name];
      if (!isObject(body)) fail(field, body, 'a block body (an object)');
      file.block(kind, [type, name], field, (inner) => resourceBody(inner, body, `${kind}.${type}`, field, blocks));
    }
  }
}

function providers(file: Body, value: Json, blocks: BlockPaths): void {
  if (!isObject(value)) fail('provider', value, 'an object of provider names');
  for (const name of sortedKeys(value)) {
    blockBodies(value[name], `provider.${name}`).forEach((body, i) =>
      file.block('provider', [name], `provider.${name}[${i}]`, (inner) => {
        const { alias, version, ...rest } = body;
        if (alias !== undefined) inner.value('alias', alias, `provider.${name}[${i}].alias`, true);
        if (version !== undefined) inner.value('version', version, `provider.${name}[${i}].version`, true);
        schemaBody(inner, rest, `provider.${name}`, `provider.${name}[${i}]`, blocks);
      }),
    );
  }
}

/** A body of attributes only, read literally (backend, cloud and `required_providers` settings). */
function literalAttributes(body: Body, object: JsonObject, field: string): void {
  for (const key of sortedKeys(object)) if (key !== '//') body.value(key, object[key], `${field}.${key}`, true);
}

/** A block holding one labelled block per key (`backend "s3" {…}`). */
function labelled(body: Body, type: string, value: Json, field: string, fill: (inner: Body, object: JsonObject, field: string) => void): void {
  if (!isObject(value)) fail(field, value, `an object of ${type} blocks`);
  for (const label of sortedKeys(value)) {
    for (const [i, object] of blockBodies(value[label], `${field}.${label}`).entries()) {
      body.block(type, [label], `${field}.${label}[${i}]`, (inner) => fill(inner, object, `${field}.${label}[${i}]`));
    }
  }
}

function terraformBlock(file: Body, value: Json): void {
  blockBodies(value, 'terraform').forEach((terraform, i) =>
    file.block('terraform', [], `terraform[${i}]`, (inner) => {
      for (const key of sortedKeys(terraform)) {
        const at = `terraform.${key}`;
        const v = terraform[key];
        if (key === 'required_version') inner.value(key, v, at, true);
        else if (key === 'required_providers') blockBodies(v, at).forEach((p) => inner.block(key, [], at, (b) => literalAttributes(b, p, at)));
        else if (key === 'backend') labelled(inner, 'backend', v, at, literalAttributes);
        else if (key === 'cloud') {
          blockBodies(v, at).forEach((cloud) =>
            inner.block('cloud', [], at, (b) => {
              for (const k of sortedKeys(cloud)) {
                if (k === 'workspaces')
                  blockBodies(cloud[k], `${at}.${k}`).forEach((w) => b.block(k, [], `${at}.${k}`, (wb) => literalAttributes(wb, w, `${at}.${k}`)));
                else b.value(k, cloud[k], `${at}.${k}`, true);
              }
            }),
          );
        } else fail(at, key, 'required_version, required_providers, backend or cloud');
      }
    }),
  );
}

function outputs(file: Body, value: Json): void {
  labelled(file, 'output', value, 'output', (body, output, field) => {
    for (const key of sortedKeys(output)) {
      const at = `${field}.${key}`;
      if (key === '//') continue;
      if (key === 'depends_on') body.attribute(key, traversalList(output[key], at), at);
      else if (key === 'precondition') conditionBlocks(body, key, output[key], at);
      else if (key === 'value') body.value(key, output[key], at);
      else if (['description', 'sensitive', 'ephemeral'].includes(key)) body.value(key, output[key], at, true);
      else fail(at, key, 'an output argument (value, description, sensitive, ephemeral, depends_on, precondition)');
    }
  });
}

function variables(file: Body, value: Json): void {
  labelled(file, 'variable', value, 'variable', (body, variable, field) => {
    for (const key of sortedKeys(variable)) {
      const at = `${field}.${key}`;
      const v = variable[key];
      if (key === '//') continue;
      if (key === 'type') body.attribute(key, typeof v === 'string' && TYPE_CONSTRAINT.test(v) ? v : fail(at, v, 'a type such as string or list(string)'), at);
      else if (key === 'validation') conditionBlocks(body, key, v, at);
      else if (['default', 'description', 'sensitive', 'nullable', 'ephemeral'].includes(key)) body.value(key, v, at, true);
      else fail(at, key, 'a variable argument (type, default, description, sensitive, nullable, ephemeral, validation)');
    }
  });
}

function modules(file: Body, value: Json): void {
  labelled(file, 'module', value, 'module', (body, module, field) => {
    for (const key of sortedKeys(module)) {
      const at = `${field}.${key}`;
      const v = module[key];
      if (key === '//') continue;
      if (key === 'depends_on') body.attribute(key, traversalList(v, at), at);
      else if (key === 'providers') {
        if (!isObject(v)) fail(at, v, 'an object of provider references');
        const entries = sortedKeys(v).map((k) => `${INDENT.repeat(2)}${traversal(k, `${at} key`)} = ${traversal(v[k], `${at}.${k}`)}\n`);
        body.attribute(key, entries.length === 0 ? '{}' : `{\n${entries.join('')}${INDENT}}`, at);
      } else body.value(key, v, at, key === 'source' || key === 'version');
    }
  });
}

/** `moved` and `import` blocks: arrays of references (and, for import, the id expression). */
function movesAndImports(file: Body, type: 'moved' | 'import', value: Json): void {
  blockBodies(value, type).forEach((block, i) =>
    file.block(type, [], `${type}[${i}]`, (body) => {
      for (const key of sortedKeys(block)) {
        const at = `${type}[${i}].${key}`;
        if (key === 'from' || key === 'to' || key === 'provider') body.attribute(key, traversal(block[key], at), at);
        else if (type === 'import' && (key === 'id' || key === 'for_each')) body.value(key, block[key], at);
        else fail(at, key, type === 'moved' ? 'from or to' : 'to, id, provider or for_each');
      }
    }),
  );
}

/**
 * A stack's Terraform JSON document (what cdk.tf.json holds) as HCL native syntax. `blocks` names
 * the keys that are nested blocks ({@link blockPathsOf}); the `//` metadata keys are left out
 * (cdktf writes them to metadata.json, see {@link hclMetadata}). Throws on anything it cannot
 * write with exactly the JSON's meaning.
 */
export function renderHcl(document: Record<string, unknown>, blocks: BlockPaths): string {
  const doc = document as JsonObject;
  const known = ['//', 'terraform', 'provider', 'variable', 'locals', 'data', 'resource', 'module', 'moved', 'import', 'output'];
  for (const key of Object.keys(doc)) if (!known.includes(key)) fail(key, key, `a top-level key Terraform knows (${known.slice(1).join(', ')})`);
  const sections: string[] = [];
  const section = (fill: (file: Body) => void): void => {
    const file = new Body(0);
    fill(file);
    const text = file.toString();
    if (text) sections.push(text);
  };
  if (doc.terraform !== undefined) section((f) => terraformBlock(f, doc.terraform));
  if (doc.provider !== undefined) section((f) => providers(f, doc.provider, blocks));
  if (doc.variable !== undefined) section((f) => variables(f, doc.variable));
  if (doc.locals !== undefined) {
    section((f) =>
      blockBodies(doc.locals, 'locals').forEach((locals) =>
        f.block('locals', [], 'locals', (body) => {
          for (const key of sortedKeys(locals)) body.value(key, locals[key], `locals.${key}`);
        }),
      ),
    );
  }
  if (doc.data !== undefined) section((f) => resources(f, 'data', doc.data, blocks));
  if (doc.resource !== undefined) section((f) => resources(f, 'resource', doc.resource, blocks));
  if (doc.module !== undefined) section((f) => modules(f, doc.module));
  if (doc.moved !== undefined) section((f) => movesAndImports(f, 'moved', doc.moved));
  if (doc.import !== undefined) section((f) => movesAndImports(f, 'import', doc.import));
  if (doc.output !== undefined) section((f) => outputs(f, doc.output));
  return `${sections.join('\n\n')}\n`;
}

/**
 * What cdktf 0.21 writes to a stack's metadata.json beside cdk.tf: the document's `//` (stack
 * metadata and outputs), each resource's, data source's and module's `//`, and the terraform block.
 */
export function hclMetadata(document: Record<string, unknown>): Record<string, unknown> {
  const doc = document as JsonObject;
  const metadata: Record<string, unknown> = { '//': doc['//'] };
  for (const kind of ['resource', 'data'] as const) {
    if (!isObject(doc[kind])) continue;
    const byType = doc[kind];
    metadata[kind] = Object.fromEntries(
      Object.entries(byType).map(([type, named]) => [
        type,
        Object.fromEntries(Object.entries(named as JsonObject).map(([name, body]) => [name, { '//': (body as JsonObject)['//'] }])),
      ]),
    );
  }
  if (isObject(doc.module))
    metadata.module = Object.fromEntries(Object.entries(doc.module).map(([name, body]) => [name, { '//': (body as JsonObject)['//'] }]));
  if (doc.terraform !== undefined) metadata.terraform = doc.terraform;
  return metadata;
}
