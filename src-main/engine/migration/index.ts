import type { z } from 'zod';
import type { CreateFullExport, CreateImport, FullExportResult, ImportReport } from '../../../shared/contract/migration';
import type { Engine } from '../engine';
import { exportFull } from './full-export';
import { Importer } from './importer';
import type { AuditRecord } from '../audit';

export { exportFull, isFullExport, restoreExport } from './full-export';

/**
 * Moving in and moving out: imports (the import format, Lago, Stripe) into the running engine, and
 * the full export a data dir can be rebuilt from (`restoreExport`, into an empty data dir).
 */
export class Portability {
  private readonly importer: Importer;

  constructor(
    private readonly engine: Engine,
    private readonly version: string,
  ) {
    this.importer = new Importer(engine);
  }

  runImport(input: z.output<typeof CreateImport>, audit: ((r: AuditRecord) => void) | null = null): Promise<z.output<typeof ImportReport>> {
    return this.importer.run(input, audit);
  }

  exportFull(input: z.output<typeof CreateFullExport>): z.output<typeof FullExportResult> {
    return exportFull(this.engine, input, this.version);
  }
}
