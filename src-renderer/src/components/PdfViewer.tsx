import { ActionIcon, Alert, Box, Button, Code, Group, Paper, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { Download, FileText, Minus, Plus, RotateCw } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { type ApiError, type DocumentBytes, toApiError } from '../api';
import { saveBytes } from '../lib/bytes';

type PdfJs = typeof import('pdfjs-dist');
let pdfjsPromise: Promise<PdfJs> | null = null;

/** pdf.js, loaded on first use (it is large), with its worker from our own origin (the CSP allows nothing else). */
function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([pdfjs, worker]) => {
    pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
    return pdfjs;
  });
  return pdfjsPromise;
}

interface Rendered {
  pages: number;
  text: string;
}

/**
 * The real PDF, rendered in the page with pdf.js: the bytes the API serves (`GET /v1/invoices/{id}/pdf`
 * in a browser, base64 over IPC), every page on a canvas fitted to the width, zoom, and a download.
 */
export function PdfViewer({ load, loadKey, title, height = 760 }: { load: () => Promise<DocumentBytes>; loadKey: string; title: string; height?: number }) {
  const [file, setFile] = useState<DocumentBytes | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [zoom, setZoom] = useState(1);
  const [rendered, setRendered] = useState<Rendered | null>(null);
  const [attempt, setAttempt] = useState(0);
  const pagesRef = useRef<HTMLDivElement>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let cancelled = false;
    setFile(null);
    setError(null);
    setRendered(null);
    loadRef
      .current()
      .then((f) => !cancelled && setFile(f))
      .catch((e: unknown) => !cancelled && setError(toApiError(e)));
    return () => {
      cancelled = true;
    };
  }, [loadKey, attempt]);

  useEffect(() => {
    if (!file || !pagesRef.current) return;
    let cancelled = false;
    const host = pagesRef.current;
    let destroy: (() => void) | null = null;
    (async () => {
      const pdfjs = await loadPdfJs();
      // pdf.js transfers the buffer to its worker: hand it a copy, keep ours for the download.
      const task = pdfjs.getDocument({ data: file.bytes.slice() });
      destroy = () => void task.destroy();
      const doc = await task.promise;
      if (cancelled) return;
      host.replaceChildren();
      const width = Math.max(320, host.clientWidth - 2);
      let text = '';
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        if (cancelled) return;
        const base = page.getViewport({ scale: 1 });
        const cssScale = (width / base.width) * zoom;
        const ratio = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: cssScale * ratio });
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
        canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
        canvas.className = 'tg-pdf-page';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${title}, page ${n} of ${doc.numPages}`);
        canvas.dataset.testid = 'pdf-page';
        host.appendChild(canvas);
        await page.render({ canvas, viewport }).promise;
        if (n === 1) {
          const content = await page.getTextContent();
          text = content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
        }
      }
      if (!cancelled) setRendered({ pages: doc.numPages, text });
    })().catch((e: unknown) => {
      if (!cancelled) setError({ status: 0, code: 'pdf_render_failed', message: (e as Error).message ?? String(e), details: {} });
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [file, zoom, title]);

  return (
    <Stack gap="xs" data-testid="pdf-viewer" data-pages={rendered?.pages ?? 0} data-text={rendered ? rendered.text.slice(0, 600) : undefined}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap={6} wrap="nowrap" miw={0} style={{ flex: '1 1 200px' }}>
          <FileText size={16} aria-hidden style={{ flex: 'none' }} />
          <Text size="sm" fw={600} truncate title={file?.filename ?? title}>
            {file?.filename ?? title}
          </Text>
          {rendered && (
            <Text size="xs" c="dimmed" style={{ flex: 'none' }}>
              · {rendered.pages} page{rendered.pages === 1 ? '' : 's'}
            </Text>
          )}
        </Group>
        <Group gap={4} wrap="nowrap">
          <Tooltip label="Zoom out">
            <ActionIcon variant="default" aria-label="Zoom out" onClick={() => setZoom((z) => Math.max(0.5, +(z - 0.25).toFixed(2)))} disabled={zoom <= 0.5}>
              <Minus size={14} />
            </ActionIcon>
          </Tooltip>
          <Text size="xs" className="tg-num" w={40} ta="center" aria-live="polite">
            {Math.round(zoom * 100)}%
          </Text>
          <Tooltip label="Zoom in">
            <ActionIcon variant="default" aria-label="Zoom in" onClick={() => setZoom((z) => Math.min(3, +(z + 0.25).toFixed(2)))} disabled={zoom >= 3}>
              <Plus size={14} />
            </ActionIcon>
          </Tooltip>
          <Button size="xs" variant="default" leftSection={<Download size={14} />} disabled={!file} onClick={() => file && saveBytes(file.bytes, file.filename, file.contentType)}>
            Download
          </Button>
        </Group>
      </Group>
      {error ? (
        <Alert color="red" variant="light" title="Could not show the PDF" role="alert">
          <Text size="sm">
            <Code>{error.code}</Code> {error.message}
          </Text>
          <Button size="xs" mt="xs" variant="light" color="red" leftSection={<RotateCw size={14} />} onClick={() => setAttempt((a) => a + 1)}>
            Retry
          </Button>
        </Alert>
      ) : (
        <Paper withBorder className="tg-pdf" style={{ maxHeight: height }}>
          {!rendered && <Skeleton height={Math.min(height, 640)} radius={0} aria-label="Loading the PDF" />}
          <Box ref={pagesRef} className="tg-pdf-pages" style={rendered ? undefined : { position: 'absolute', visibility: 'hidden', width: '100%' }} />
          {file?.sha256 && rendered && (
            <Text size="xs" c="dimmed" ff="monospace" px="sm" py={6} className="tg-pdf-sha">
              SHA-256 {file.sha256}
            </Text>
          )}
        </Paper>
      )}
    </Stack>
  );
}
