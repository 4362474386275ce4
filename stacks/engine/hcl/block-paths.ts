import { TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack, Token } from 'cdktf';
import { resolveIn, terraformElementsOf } from '../stack-json';

/**
 * Where a stack's Terraform JSON holds nested blocks rather than attributes, as
 * `<resource|data|provider>.<type>.<key>[.<key>…]` (array indices left out): `provider.aws.default_tags`,
 * `resource.aws_s3_bucket_server_side_encryption_configuration.rule.apply_server_side_encryption_by_default`.
 */
export type BlockPaths = ReadonlySet<string>;

/** One attribute of an element's HCL fragment, as cdktf's generated bindings describe it (snake_cased on providers). */
interface HclAttribute {
  readonly value: unknown;
  readonly isBlock?: boolean;
  readonly is_block?: boolean;
}

function isHclAttribute(value: unknown): value is HclAttribute {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'value' in value &&
    (typeof (value as HclAttribute).isBlock === 'boolean' || typeof (value as HclAttribute).is_block === 'boolean')
  );
}

/**
 * Adds the block paths under `prefix` of one body of an element's HCL fragment (attributes are
 * described by the bindings; meta-arguments and overrides are plain). Only what may hold blocks is
 * resolved: a body or block value that is a token (or holds one, encoded); attribute values such as policies are never walked.
 */
function collect(stack: TerraformStack, body: unknown, prefix: string, into: Set<string>): void {
  const resolved = Token.isUnresolved(body) ? resolveIn(stack, body) : body;
  if (resolved === null || typeof resolved !== 'object') return;
  for (const [key, attribute] of Object.entries(resolved)) {
    const described = Token.isUnresolved(attribute) ? resolveIn(stack, attribute) : attribute;
    if (!isHclAttribute(described) || !(described.isBlock ?? described.is_block)) continue;
    const path = `${prefix}.${key}`;
    into.add(path);
    const value = Token.isUnresolved(described.value) ? resolveIn(stack, described.value) : described.value;
    for (const nested of Array.isArray(value) ? value : [value]) collect(stack, nested, path, into);
  }
}

/**
 * The block paths of a stack, from cdktf's own schema metadata: every resource, data source and
 * provider's HCL fragment (`toHclTerraform`) marks each attribute the provider binding generated
 * as a block or not. Only what the stack holds is known, which is all its JSON can contain. A block
 * set to a token as a whole (`Lazy`) is missing from cdktf's fragment; it would be written as an
 * argument, which `terraform validate` refuses.
 */
export function blockPathsOf(stack: TerraformStack): BlockPaths {
  const paths = new Set<string>();
  for (const element of terraformElementsOf(stack)) {
    if (
      !TerraformResource.isTerraformResource(element) &&
      !TerraformDataSource.isTerraformDataSource(element) &&
      !TerraformProvider.isTerraformProvider(element)
    ) {
      continue;
    }
    const fragment = element.toHclTerraform() as Record<string, unknown>;
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, named] of Object.entries((fragment[kind] ?? {}) as Record<string, Record<string, unknown>>)) {
        for (const body of Object.values(named)) collect(stack, body, `${kind}.${type}`, paths);
      }
    }
    for (const [name, bodies] of Object.entries((fragment.provider ?? {}) as Record<string, unknown>)) {
      for (const body of Array.isArray(bodies) ? bodies : [bodies]) collect(stack, body, `provider.${name}`, paths);
    }
  }
  return paths;
}
