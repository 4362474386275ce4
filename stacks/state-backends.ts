import { Construct } from 'constructs';
import { DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3, LocalBackend, S3Backend, TerraformRemoteState } from 'cdktf';
import { terraformLiteral } from '../modules/core/terraform-literal';

/**
 * The stacks' backends. Terraform reads a backend block's strings literally, but the
 * `terraform_remote_state` that cdktf derives from it for a cross-stack value is an ordinary data
 * source whose strings are templates: a state path or key prefix holding `${file("…")}` would be
 * evaluated at plan (and sent to S3 as the key). These backends give that data source the same
 * values as literal text.
 */

/** Props values with every string escaped by {@link terraformLiteral}, except the workspace expression. */
function literalProps<T extends object>(props: T): T {
  return JSON.parse(JSON.stringify(props), (_key, value: unknown) => (typeof value === 'string' ? terraformLiteral(value) : value)) as T;
}

/** Local state whose remote-state reader gets the path as literal text. */
export class LiteralLocalBackend extends LocalBackend {
  constructor(
    scope: Construct,
    private readonly literalPath: string,
  ) {
    super(scope, { path: literalPath });
  }

  public getRemoteStateDataSource(scope: Construct, name: string, _fromStack: string): TerraformRemoteState {
    return new DataTerraformRemoteStateLocal(scope, name, { path: terraformLiteral(this.literalPath), workspace: '${terraform.workspace}' });
  }
}

/** S3 state whose remote-state reader gets bucket, key and role as literal text. */
export class LiteralS3Backend extends S3Backend {
  constructor(
    scope: Construct,
    private readonly literalProps: ConstructorParameters<typeof S3Backend>[1],
  ) {
    super(scope, literalProps);
  }

  public getRemoteStateDataSource(scope: Construct, name: string, _fromStack: string): TerraformRemoteState {
    return new DataTerraformRemoteStateS3(scope, name, { ...literalProps(this.literalProps), workspace: '${terraform.workspace}' });
  }
}
