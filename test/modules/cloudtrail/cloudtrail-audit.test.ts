import { readFileSync } from 'fs';
import { gzipSync } from 'zlib';
import {
  AuditInputError,
  classifyRecord,
  endpointIdsFromTerraformOutputs,
  endpointIdsFromTerraformState,
  parseCloudTrailFile,
  renderAuditReport,
  secretNameOf,
  summarizeRecords,
  watchedFromTerraformOutputs,
} from '../../../modules/cloudtrail/cloudtrail-audit';
import { GUIDE_KMS, GUIDE_SECRETS_MANAGER, makeRecord } from '../../helpers/cloudtrail-records';

const SM_ENDPOINT = 'vpce-1234a5678b9012c';
const KMS_ENDPOINT = 'vpce-0295a3caf8414c94a';
const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function guideRecords() {
  return [GUIDE_SECRETS_MANAGER, GUIDE_KMS].flatMap((file) => parseCloudTrailFile(file, readFileSync(file)).records);
}

describe('CloudTrail files', () => {
  it('GIVEN the two sample records of the AWS guides, copied exactly WHEN parsed THEN each is one record with its call and endpoint', () => {
    const [sm, kms] = guideRecords();
    expect([sm.eventSource, sm.eventName, sm.vpcEndpointId]).toEqual(['secretsmanager.amazonaws.com', 'GetSecretValue', SM_ENDPOINT]);
    expect([kms.eventSource, kms.eventName, kms.vpcEndpointId]).toEqual(['kms.amazonaws.com', 'GenerateDataKey', KMS_ENDPOINT]);
    expect(kms.resources?.[0].ARN).toBe('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  });

  it('GIVEN a {"Records": [...]} file as CloudTrail delivers it, gzip-compressed, named .json WHEN parsed THEN the magic bytes, not the name, decide and every record is read', () => {
    const records = [
      makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN }),
      makeRecord({ service: 'secretsmanager', eventName: 'ListSecrets' }),
    ];
    const parsed = parseCloudTrailFile('logs/111122223333_CloudTrail_us-west-2_x.json', gzipSync(JSON.stringify({ Records: records })));
    // Every record, as the fields the audit reads, each as written.
    expect(parsed.records.map((r) => r.eventID)).toEqual(records.map((r) => r.eventID));
    // (the parsed records name absent fields as undefined: JSON drops them)
    parsed.records.forEach((r, i) => expect(records[i]).toMatchObject(JSON.parse(JSON.stringify(r))));
    expect(parsed.records[0].resources).toEqual([{ ARN: KEY_ARN, type: 'AWS::KMS::Key' }]);
  });

  it('GIVEN a single record and an array of records WHEN parsed THEN both forms are read', () => {
    const record = makeRecord({ service: 'kms', eventName: 'Encrypt', keyArn: KEY_ARN });
    const [one] = parseCloudTrailFile('one.json', Buffer.from(JSON.stringify(record))).records;
    expect([one.eventID, one.eventName, one.resources?.[0].ARN]).toEqual([record.eventID, 'Encrypt', KEY_ARN]);
    expect(parseCloudTrailFile('many.json', Buffer.from(JSON.stringify([record, record]))).records).toHaveLength(2);
  });

  it('GIVEN a CloudTrail digest file WHEN parsed THEN it is recognised and holds no records', () => {
    const digest = {
      awsAccountId: '111122223333',
      digestStartTime: '2024-05-01T10:00:00Z',
      digestS3Object: 'AWSLogs/111122223333/CloudTrail-Digest/x.json.gz',
    };
    expect(parseCloudTrailFile('d.json.gz', gzipSync(JSON.stringify(digest)))).toEqual({ records: [], digest: true });
  });

  it('GIVEN a record that is not an object among good ones WHEN parsed THEN it is a problem with its index and the others are read', () => {
    const good = makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN });
    const parsed = parseCloudTrailFile('r.json', Buffer.from(JSON.stringify({ Records: [good, 1, good] })));
    expect(parsed.records).toHaveLength(2);
    expect(parsed.problems).toEqual([{ index: 1, message: '(record): found 1; expected a CloudTrail record (a JSON object)' }]);
  });

  it.each<[string, Buffer, RegExp]>([
    [
      'a JSON file cut short',
      Buffer.from(JSON.stringify({ Records: [makeRecord({ service: 'kms', eventName: 'Decrypt' })] })).subarray(0, 120),
      /^cut\.json: not valid CloudTrail JSON at byte 120: the input ends inside the records \(truncated\?\)/,
    ],
    [
      'a gzip file cut short',
      gzipSync(JSON.stringify({ Records: [makeRecord({ service: 'kms', eventName: 'Decrypt' })] })).subarray(0, 40),
      /^cut\.json: cannot gunzip \(truncated or corrupt gzip file\)/,
    ],
    ['an empty file', Buffer.alloc(0), /^cut\.json: not valid CloudTrail JSON at byte 0: found no JSON \(the input is empty\)/],
    [
      'an object that is not CloudTrail',
      Buffer.from('{"hello": 1}'),
      /^cut\.json: .*found an object with neither "Records" nor "eventSource" \(fields: hello\)/,
    ],
    [
      'Records that are not an array',
      Buffer.from('{"Records": {}}'),
      /^cut\.json: not valid CloudTrail JSON at byte 12: "Records" holds "\{"…; expected an array/,
    ],
    ['a gzip file that decompresses to more than the cap', gzipSync(Buffer.alloc(4096, 0x20)), /^cut\.json: decompresses to more than 1024 bytes/],
  ])('GIVEN %s WHEN parsed THEN an AuditInputError names the file and the problem', (_, data, message) => {
    expect(() => parseCloudTrailFile('cut.json', data, 1024)).toThrow(AuditInputError);
    expect(() => parseCloudTrailFile('cut.json', data, 1024)).toThrow(message);
  });
});

describe('classifying calls', () => {
  const expectBoth = new Set([SM_ENDPOINT, KMS_ENDPOINT]);

  it('GIVEN the guide records and both guide endpoints expected WHEN classified THEN both came through an expected endpoint and nothing is flagged', () => {
    const summary = summarizeRecords(guideRecords(), expectBoth);
    expect(
      guideRecords()
        .map((r) => classifyRecord(r, expectBoth))
        .map((c) => [c!.record.eventName, c!.path, c!.via]),
    ).toEqual([
      ['GetSecretValue', 'expected-endpoint', SM_ENDPOINT],
      ['GenerateDataKey', 'expected-endpoint', KMS_ENDPOINT],
    ]);
    expect(summary.calls).toBe(2);
    expect(summary.flagged).toHaveLength(0);
  });

  it('GIVEN only the Secrets Manager endpoint expected WHEN classified THEN the KMS call through another endpoint is flagged', () => {
    const summary = summarizeRecords(guideRecords(), new Set([SM_ENDPOINT]));
    expect(summary.flagged.map((c) => [c.record.eventName, c.path])).toEqual([['GenerateDataKey', 'other-endpoint']]);
  });

  it('GIVEN no expectation WHEN classified THEN calls with any vpcEndpointId pass and calls without one are flagged', () => {
    const records = [...guideRecords(), makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 'app/db-password' })];
    const summary = summarizeRecords(records, new Set());
    expect(records.map((r) => classifyRecord(r, new Set())!.path)).toEqual(['endpoint', 'endpoint', 'no-endpoint']);
    expect(summary.flagged.map((c) => c.record.eventName)).toEqual(['GetSecretValue']);
  });

  it('GIVEN calls by Secrets Manager on a caller’s behalf and AWS service events WHEN classified THEN they are shown as AWS service paths and not flagged', () => {
    const viaService = classifyRecord(
      makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 'secretsmanager.amazonaws.com' }),
      expectBoth,
    )!;
    expect([viaService.path, viaService.via, viaService.flagged]).toEqual(['aws-service', 'AWS service secretsmanager.amazonaws.com', false]);
    const serviceEvent = classifyRecord(makeRecord({ service: 'kms', eventName: 'RotateKey', keyArn: KEY_ARN, eventType: 'AwsServiceEvent' }), expectBoth)!;
    expect([serviceEvent.path, serviceEvent.flagged]).toEqual(['aws-service', false]);
  });

  it('GIVEN events of other services WHEN summarized THEN they are counted apart and never flagged', () => {
    const other = { ...makeRecord({ service: 'kms', eventName: 'x' }), eventSource: 's3.amazonaws.com', eventName: 'GetObject' };
    expect(classifyRecord(other, expectBoth)).toBeUndefined();
    const summary = summarizeRecords([other, ...guideRecords()], expectBoth);
    expect([summary.records, summary.calls, summary.otherEvents]).toEqual([3, 2, 1]);
  });

  it('GIVEN a secret named by name, by full ARN and by ARN without suffix WHEN summarized THEN the calls are grouped under one secret', () => {
    const arn = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-password';
    expect(secretNameOf(`${arn}-AbCdEf`)).toBe('app/db-password');
    const records = [
      makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 'app/db-password', vpcEndpointId: SM_ENDPOINT }),
      makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: `${arn}-AbCdEf`, vpcEndpointId: SM_ENDPOINT }),
      makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: arn }),
    ];
    const summary = summarizeRecords(records, expectBoth);
    expect([...summary.bySubject.keys()]).toEqual(['secret app/db-password']);
    const byVia = summary.bySubject.get('secret app/db-password')!.get('GetSecretValue')!;
    expect(Object.fromEntries(byVia)).toEqual({ [SM_ENDPOINT]: { count: 2, flagged: false }, 'no endpoint (public)': { count: 1, flagged: true } });
  });

  it('GIVEN a KMS call CloudTrail resolved to a key ARN WHEN summarized THEN it is listed under the ARN, not under the alias the caller gave', () => {
    const summary = summarizeRecords(
      [makeRecord({ service: 'kms', eventName: 'Decrypt', keyId: 'alias/app-data', keyArn: KEY_ARN, vpcEndpointId: KMS_ENDPOINT })],
      expectBoth,
    );
    expect([...summary.bySubject.keys()]).toEqual([`key ${KEY_ARN}`]);
    const denied = summarizeRecords([makeRecord({ service: 'kms', eventName: 'Decrypt', keyId: 'alias/app-data', errorCode: 'AccessDenied' })], expectBoth);
    expect([...denied.bySubject.keys()]).toEqual(['key alias/app-data']);
  });

  it('GIVEN a mix of calls WHEN rendered THEN each secret and key lists its calls per endpoint, expected ones marked, and the flagged calls are itemised with who, when and how', () => {
    const records = [
      ...guideRecords(),
      makeRecord({
        service: 'kms',
        eventName: 'Decrypt',
        keyArn: KEY_ARN,
        vpcEndpointId: 'vpce-0123456789abcdef0',
        roleArn: 'arn:aws:iam::111122223333:role/intruder',
      }),
    ];
    const summary = summarizeRecords(records, expectBoth);
    const text = renderAuditReport(summary, { files: [{ file: 'a.json', records: 3 }], expectedEndpointIds: expectBoth, expectationSources: ['--endpoint'] });
    expect(text).toContain('Read 1 file: 3 records, 3 Secrets Manager / KMS calls, 0 other events.');
    expect(text).toContain(`Expected endpoints: ${KMS_ENDPOINT}, ${SM_ENDPOINT} (from --endpoint).`);
    expect(text).toMatch(
      new RegExp(`key arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\\n  GenerateDataKey  ${KMS_ENDPOINT} \\(expected\\)  1\\n`),
    );
    expect(text).toMatch(/\n {2}Decrypt {2}vpce-0123456789abcdef0 {2}1 {2}FLAGGED\n/);
    expect(text).toMatch(
      /FLAGGED 1 call \(1 not through an expected endpoint\):\n {2}\S+ {2}kms Decrypt {2}key arn:aws:kms:us-west-2:\S+ {2}by arn:aws:sts::111122223333:assumed-role\/intruder\/\S+ from 10\.20\.1\.15 {2}through vpce-0123456789abcdef0, not an expected endpoint/,
    );
  });
});

describe('calls AWS services make', () => {
  const expectBoth = new Set([SM_ENDPOINT, KMS_ENDPOINT]);
  const ADMIN_SM = 'vpce-0aaaaaaaaaaaaaaaa';
  const ADMIN_KMS = 'vpce-0bbbbbbbbbbbbbbbb';
  const admin = { adminEndpointIds: new Set([ADMIN_SM, ADMIN_KMS]) };
  const CFN = 'cloudformation.amazonaws.com';
  const SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-password-AbCdEf';
  const AUDIT_KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab';
  const classify = (spec: Parameters<typeof makeRecord>[0], options: Parameters<typeof classifyRecord>[2] = admin) => {
    const call = classifyRecord(makeRecord(spec), expectBoth, options)!;
    return [call.path, call.flagged];
  };

  it.each<[string, Parameters<typeof makeRecord>[0]]>([
    ['UpdateSecret', { service: 'secretsmanager', eventName: 'UpdateSecret', secretId: SECRET_ARN, invokedBy: CFN }],
    [
      'PutResourcePolicy through the app endpoint',
      { service: 'secretsmanager', eventName: 'PutResourcePolicy', secretId: SECRET_ARN, invokedBy: CFN, vpcEndpointId: SM_ENDPOINT },
    ],
    ['PutKeyPolicy', { service: 'kms', eventName: 'PutKeyPolicy', keyArn: KEY_ARN, invokedBy: CFN }],
    [
      'ScheduleKeyDeletion, denied, the key named by alias',
      { service: 'kms', eventName: 'ScheduleKeyDeletion', keyId: 'alias/app-data', invokedBy: CFN, errorCode: 'AccessDenied' },
    ],
    ['CreateGrant by EC2', { service: 'kms', eventName: 'CreateGrant', keyArn: KEY_ARN, invokedBy: 'ec2.amazonaws.com' }],
  ])('GIVEN %s made by a service for the caller outside the admin VPC WHEN classified THEN it is flagged as management by a service', (_, spec) => {
    expect(classify(spec)).toEqual(['service-management', true]);
  });

  it('GIVEN management by a service through an admin endpoint WHEN classified THEN it passes; with no admin endpoint given, it is flagged wherever it came from', () => {
    const spec = { service: 'kms', eventName: 'DisableKey', keyArn: KEY_ARN, invokedBy: CFN, vpcEndpointId: ADMIN_KMS } as const;
    expect(classify(spec)).toEqual(['aws-service', false]);
    expect(classify(spec, {})).toEqual(['service-management', true]);
  });

  it.each<[string, Parameters<typeof makeRecord>[0]]>([
    ['Decrypt via S3 for the caller', { service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com' }],
    [
      'Decrypt via S3 through the app KMS endpoint',
      { service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com', vpcEndpointId: KMS_ENDPOINT },
    ],
    [
      'Decrypt by EBS as itself (AWSService identity)',
      { service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 'ebs.amazonaws.com', identityType: 'AWSService' },
    ],
    [
      'GenerateDataKeyWithoutPlaintext via EC2',
      { service: 'kms', eventName: 'GenerateDataKeyWithoutPlaintext', keyArn: KEY_ARN, invokedBy: 'ec2.amazonaws.com' },
    ],
    ['Encrypt via a regional service principal', { service: 'kms', eventName: 'Encrypt', keyArn: KEY_ARN, invokedBy: 'm2.us-west-2.amazonaws.com' }],
  ])('GIVEN %s WHEN classified THEN it is flagged as key usage via a service other than Secrets Manager', (_, spec) => {
    expect(classify(spec)).toEqual(['service-key-usage', true]);
  });

  it.each<[string, Parameters<typeof makeRecord>[0]]>([
    ['Decrypt by Secrets Manager for the caller', { service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 'secretsmanager.amazonaws.com' }],
    [
      'GenerateDataKey by Secrets Manager (regional form)',
      { service: 'kms', eventName: 'GenerateDataKey', keyArn: KEY_ARN, invokedBy: 'secretsmanager.us-west-2.amazonaws.com' },
    ],
    ['DescribeKey by CloudFormation', { service: 'kms', eventName: 'DescribeKey', keyArn: KEY_ARN, invokedBy: CFN }],
    ['DescribeSecret by CloudFormation', { service: 'secretsmanager', eventName: 'DescribeSecret', secretId: SECRET_ARN, invokedBy: CFN }],
    [
      'GetSecretValue by CloudFormation (a dynamic reference)',
      { service: 'secretsmanager', eventName: 'GetSecretValue', secretId: SECRET_ARN, invokedBy: CFN },
    ],
  ])('GIVEN %s WHEN classified THEN it is an AWS service path, not flagged', (_, spec) => {
    expect(classify(spec)).toEqual(['aws-service', false]);
  });

  it('GIVEN AWS service events WHEN classified THEN they are never flagged, whatever their name', () => {
    expect(classify({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com', eventType: 'AwsServiceEvent' })).toEqual([
      'aws-service',
      false,
    ]);
    expect(
      classify({
        service: 'secretsmanager',
        eventName: 'RotationSucceeded',
        secretId: SECRET_ARN,
        invokedBy: 'secretsmanager.amazonaws.com',
        eventType: 'AwsServiceEvent',
      }),
    ).toEqual(['aws-service', false]);
  });

  it('GIVEN watched keys and secrets WHEN services use another key (CloudTrail encrypting its own logs) THEN that is not flagged, but the same on a watched key is; with nothing watched, both are', () => {
    const watched = { keyArns: new Set([KEY_ARN]), secretNames: new Set(['app/db-password']) };
    const trailLogs = {
      service: 'kms',
      eventName: 'GenerateDataKey',
      keyArn: AUDIT_KEY_ARN,
      invokedBy: 'cloudtrail.amazonaws.com',
      identityType: 'AWSService',
    } as const;
    expect(classify(trailLogs, { ...admin, watched })).toEqual(['aws-service', false]);
    expect(classify({ ...trailLogs, keyArn: KEY_ARN }, { ...admin, watched })).toEqual(['service-key-usage', true]);
    expect(classify(trailLogs)).toEqual(['service-key-usage', true]);
    // A denied call names the key only as requested: by ARN or id it is still recognised.
    expect(classify({ service: 'kms', eventName: 'PutKeyPolicy', keyId: KEY_ARN.split('/')[1], invokedBy: CFN }, { ...admin, watched })).toEqual([
      'service-management',
      true,
    ]);
    expect(classify({ service: 'secretsmanager', eventName: 'UpdateSecret', secretId: 'other/secret', invokedBy: CFN }, { ...admin, watched })).toEqual([
      'aws-service',
      false,
    ]);
  });

  it('GIVEN one call of each reason WHEN rendered THEN the summary counts the reasons and each item names its own, with the service', () => {
    const records = [
      makeRecord({ service: 'secretsmanager', eventName: 'GetSecretValue', secretId: 'app/db-password' }),
      makeRecord({ service: 'secretsmanager', eventName: 'UpdateSecret', secretId: SECRET_ARN, invokedBy: CFN }),
      makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 's3.amazonaws.com' }),
      makeRecord({ service: 'kms', eventName: 'Decrypt', keyArn: KEY_ARN, invokedBy: 'secretsmanager.amazonaws.com' }),
    ];
    const summary = summarizeRecords(records, expectBoth, admin);
    const text = renderAuditReport(summary, { files: [{ file: 'a.json', records: 4 }], expectedEndpointIds: expectBoth, options: admin });
    expect(text).toContain(`Admin endpoints: ${ADMIN_SM}, ${ADMIN_KMS}: management by an AWS service for a caller is expected only through these.`);
    expect(text).toContain('Watched keys and secrets: none given (--outputs, --synth): calls by AWS services are checked on every key and secret.');
    expect(text).toContain(
      'FLAGGED 3 calls (1 not through an expected endpoint; 1 key or secret management by another AWS service for the caller, outside the admin VPC; 1 key usage via an AWS service other than Secrets Manager):',
    );
    expect(text).toMatch(
      /secretsmanager UpdateSecret {2}secret app\/db-password {2}by \S+ from cloudformation\.amazonaws\.com {2}management by cloudformation\.amazonaws\.com for the caller, outside the admin VPC/,
    );
    expect(text).toMatch(/kms Decrypt {2}key \S+ {2}by \S+ from s3\.amazonaws\.com {2}key usage via s3\.amazonaws\.com for the caller/);
    expect(text).toMatch(/\n {2}Decrypt {2}AWS service s3\.amazonaws\.com +1 {2}FLAGGED\n/);
    expect(text).toMatch(/\n {2}Decrypt {2}AWS service secretsmanager\.amazonaws\.com {2}1\n/);
  });
});

describe('expected endpoints from Terraform', () => {
  const outputs = {
    secretsmanager_endpoint_id: { sensitive: false, type: 'string', value: 'vpce-0aaaaaaaaaaaaaaaa' },
    kms_endpoint_id: { sensitive: false, type: 'string', value: 'vpce-0bbbbbbbbbbbbbbbb' },
    kms_dns_names: { sensitive: false, type: ['list', 'string'], value: ['vpce-0bbbbbbbbbbbbbbbb-abc.kms.us-west-2.vpce.amazonaws.com'] },
    vpc_id: { sensitive: false, type: 'string', value: 'vpc-0aaaaaaaaaaaaaaaa' },
    'cross-stack-output-aws_vpc_endpointendpoints_kms_endpoint_D3932F39id': { sensitive: true, type: 'string', value: 'vpce-0bbbbbbbbbbbbbbbb' },
  };

  it('GIVEN terraform output -json of a stack WHEN read THEN the vpce- ids are found, once each, and nothing else', () => {
    expect(endpointIdsFromTerraformOutputs(outputs)).toEqual(['vpce-0aaaaaaaaaaaaaaaa', 'vpce-0bbbbbbbbbbbbbbbb']);
  });

  it('GIVEN the admin stack outputs WHEN read for watched subjects THEN the key ARNs and secret names are found, and nothing else', () => {
    const adminOutputs = {
      ...outputs,
      key_arn_alias_app_data: { sensitive: false, type: 'string', value: KEY_ARN },
      secret_arn_app_db_password: { sensitive: false, type: 'string', value: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:app/db-password-AbCdEf' },
      audit_trail_arn: { sensitive: false, type: 'string', value: 'arn:aws:cloudtrail:us-west-2:111122223333:trail/privatelink-audit' },
    };
    expect(watchedFromTerraformOutputs(adminOutputs)).toEqual({ keyArns: [KEY_ARN], secretNames: ['app/db-password'] });
    expect(watchedFromTerraformOutputs(outputs)).toEqual({ keyArns: [], secretNames: [] });
  });

  it('GIVEN a Terraform state file WHEN read THEN its root outputs give the same ids', () => {
    expect(endpointIdsFromTerraformState({ version: 4, outputs })).toEqual(['vpce-0aaaaaaaaaaaaaaaa', 'vpce-0bbbbbbbbbbbbbbbb']);
    expect(endpointIdsFromTerraformState({ version: 4 })).toEqual([]);
  });
});
