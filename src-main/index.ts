/**
 * The Electron shell's entry. It holds the window, the menu and IPC, and nothing of substance:
 * the engine, storage and HTTP server run in a utility process (src-main/runtime/desktop-engine.ts)
 * as plain Node modules, the same ones serve mode runs.
 */
import './desktop/app';
