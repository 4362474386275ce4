import { Construct } from 'constructs';
import { IKmsKeyReference, KEY_DECRYPT_ACTIONS, KEY_ENCRYPT_ACTIONS, keyUsageStatements } from './kms-key-reference';
import { PolicyStatement } from '../iam/policy-statement';

/**
 * What every key of this library shares, a key created here ({@link CustomerManagedKey}) or imported
 * ({@link ImportedKmsKey}): the grants, each an identity-policy Allow on the key ARN only (the key
 * policy still decides where from).
 */
export abstract class KmsKeyBase extends Construct implements IKmsKeyReference {
  public abstract readonly keyArn: string;
  public abstract readonly keyId: string;
  public abstract readonly alias?: string;
  public abstract readonly keyRegion?: string;

  /** `kms:Decrypt` on this key (identity-policy statements). */
  public grantDecrypt(): PolicyStatement[] {
    return keyUsageStatements(this.keyArn, KEY_DECRYPT_ACTIONS);
  }

  /** `kms:Encrypt`, `kms:GenerateDataKey*`, `kms:ReEncrypt*` on this key (identity-policy statements). */
  public grantEncrypt(): PolicyStatement[] {
    return keyUsageStatements(this.keyArn, KEY_ENCRYPT_ACTIONS);
  }

  /** {@link grantDecrypt} and {@link grantEncrypt} in one statement. */
  public grantEncryptDecrypt(): PolicyStatement[] {
    return keyUsageStatements(this.keyArn, [...KEY_DECRYPT_ACTIONS, ...KEY_ENCRYPT_ACTIONS]);
  }
}
