/**
 * Refusal samples keep the refusal's machine-readable details (the error's `details`: asset,
 * amounts in minor units, the issues of a bad payload) as JSON beside its message, so a reader
 * can show the amounts at the asset's scale without parsing the message. NULL for samples
 * recorded before this version and for refusals that had none.
 */
export const sql = /* sql */ `
ALTER TABLE refusal_samples ADD COLUMN details TEXT;
`;
