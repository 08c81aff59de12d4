/**
 * In a packaged desktop app the code lives in app.asar, with out/main and resources/ also unpacked
 * beside it (electron-builder `asarUnpack`). Files started as threads or processes (the engine,
 * document and backup workers, the engine process) are started from the unpacked copy, which every
 * loader can read. Outside a package the path is returned as it is.
 */
export function unpacked(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
