/** The import and export commands' usage text, apart from the commands so `tollgate --help` loads no engine code. */
export const MOVE_USAGE = `       tollgate import <folder> [--dry-run] [--source auto|tollgate|lago|stripe] [--overdraft-limit AMOUNT] [--data-dir DIR]
       tollgate export <folder> [--data-dir DIR]

import   Import a folder in the import format (docs/import-format.md), a Lago export or a Stripe
         export into a data dir (the engine must not be running on it; use POST /v1/imports then).
         A full export folder is restored instead, into an EMPTY data dir. --overdraft-limit
         (Lago): how far beyond its credit each imported customer's usage may go, in major units
         of its currency (Lago never refuses usage; without it, customers spend only their credit).
export   Write everything in a data dir to a folder (a full export: JSON lines per table, CSV).`;
