/** Refusal to open a database a newer Tollgate wrote; its own module so doors can recognise it without loading the migrations. */
export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
  constructor(readonly found: number, readonly supported: number) {
    super(`This database was written by a newer Tollgate (schema version ${found}; this build knows up to ${supported}). Upgrade Tollgate, or restore a backup made by this version.`);
  }
}
