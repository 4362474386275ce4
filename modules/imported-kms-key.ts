import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { IKmsKeyReference, isUnresolvedValue, KEY_DECRYPT_ACTIONS, KEY_ENCRYPT_ACTIONS, keyUsageStatements, parseKeyArn } from './kms-key-reference';
import { PolicyStatement } from './policy-statement';

/**
 * A KMS key created outside this app, known by its ARN: what `CustomerManagedKey.fromKeyArn`
 * returns. It creates no resource; a literal ARN is checked at synth (partition, region, account,
 * `key/<key id>`), a Terraform reference is taken as it is.
 */
export class ImportedKmsKey extends Construct implements IKmsKeyReference {
  public readonly keyArn: string;
  public readonly keyId: string;
  public readonly alias?: string;
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

  public grantDecrypt(): PolicyStatement[] {
    return keyUsageStatements(this.keyArn, KEY_DECRYPT_ACTIONS);
  }

  public grantEncrypt(): PolicyStatement[] {
    return keyUsageStatements(this.keyArn, KEY_ENCRYPT_ACTIONS);
  }

  public grantEncryptDecrypt(): PolicyStatement[] {
    return keyUsageStatements(this.keyArn, [...KEY_DECRYPT_ACTIONS, ...KEY_ENCRYPT_ACTIONS]);
  }
}
