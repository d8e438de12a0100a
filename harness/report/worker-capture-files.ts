/** Shared by the reporter (main process) and worker-capture.ts (mocha parallel workers). */
export const CAPTURE_DIR_ENV = 'KK_REPORT_CAPTURE_DIR';

export function captureFileName(testId: string): string {
  return `${testId}.json`;
}
