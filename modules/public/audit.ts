/**
 * `cdktf-privatelink-secrets/audit`: reading CloudTrail log files (plain or gzip, a record at a time,
 * bounded) and classifying Secrets Manager and KMS calls by the path they took: through a watched
 * interface endpoint, via Secrets Manager, or around the endpoints. The `AuditTrail` construct that
 * creates the trail is exported from the package root.
 */
export * from '../cloudtrail/cloudtrail-stream';
export * from '../cloudtrail/cloudtrail-audit';
