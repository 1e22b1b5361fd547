import type { Report } from '../model/report.js';
export function formatMarkdown(report: Report): string {
  return `${report.tool.name}\n`;
}
