/** Shared by the reporter (main process) and worker-capture.ts (mocha parallel workers). */

export function captureFileName(testId: string): string {
  return `${testId}.json`;
}
