import type { Report } from '../model/report.js';
export function formatHtml(report: Report): string {
  return `${report.tool.name}\n`;
}
