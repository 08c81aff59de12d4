/** Worker-thread entry for determinism.test.ts: renders the model it is given and posts the bytes back. */
import { parentPort, workerData } from 'node:worker_threads';
import type { DocumentModel } from '../../src-main/documents/model';
import { renderDocument } from '../../src-main/documents/render';

const { model, resourcesDir } = workerData as { model: DocumentModel; resourcesDir: string };
const pdf = await renderDocument(model, { resourcesDir });
parentPort?.postMessage(pdf);
