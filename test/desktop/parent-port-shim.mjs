// Runs out/main/desktop-engine.js as a child process of the test, standing in for Electron's
// utility process: process.parentPort is mapped onto the child's IPC channel.
const { pathToFileURL } = await import('node:url');
process.parentPort = {
  on: (_event, listener) => process.on('message', (data) => listener({ data })),
  postMessage: (message) => process.send(message),
};
await import(pathToFileURL(process.argv[2]).href);
