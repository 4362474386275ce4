import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { isUnresolvedValue, parseKeyArn } from './kms-key-reference';
import { KmsKeyBase } from './kms-key-base';

/**
 * A KMS key created outside this app, known by its ARN: what `CustomerManagedKey.fromKeyArn`
 * returns. It creates no resource; a literal ARN is checked at synth (partition, region, account,
 * `key/<key id>`), a Terraform reference is taken as it is.
 */
export class ImportedKmsKey extends KmsKeyBase {
  /** ARN of the key, as given. */
  public readonly keyArn: string;
  /** Key id: from a literal ARN, else the Terraform expression that takes it from the ARN. */
  public readonly keyId: string;
  /** Unknown for an imported key. */
  public readonly alias?: string;
  /** Region of a literal ARN; undefined for a reference. */
  public readonly keyRegion?: string;

  /**
   * @param keyArn ARN of the key (`arn:<partition>:kms:<region>:<account>:key/<key id>`), or a Terraform reference to one
   */
  constructor(scope: Construct, id: string, keyArn: string) {
    super(scope, id);
    this.keyArn = keyArn;
    if (typeof keyArn === 'string' && isUnresolvedValue(keyArn)) {
      this.keyId = Fn.element(Fn.split('/', keyArn), 1);
    } else {
      const parsed = parseKeyArn(keyArn, 'keyArn');
      this.keyId = parsed.keyId;
      this.keyRegion = parsed.region;
    }
  }
}
