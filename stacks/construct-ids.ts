/**
 * A readable construct id from a config name: `alias/app-data` → `app-data`, `app/db-password` →
 * `app-db-password`. Construct ids become Terraform addresses, so this mapping is API: changing it
 * makes Terraform destroy and recreate keys and secrets.
 */
export function constructIdOf(name: string): string {
  return name
    .replace(/^alias\//, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}
