// The one byte formatter: decimal units (1 kB = 1000 B, as Docker shows sizes), one decimal below 10 and
// none from 10 up, so a column of sizes stays short and a size never reads as "1000 kB". Pure.

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${value} ${UNITS[0]}`;
  let text = value.toFixed(value < 10 ? 1 : 0);
  // 999.6 kB rounds to "1000": show it as the next unit instead.
  if (Number(text) >= 1000 && unit < UNITS.length - 1) {
    unit++;
    text = (Number(text) / 1000).toFixed(1);
  }
  return `${text} ${UNITS[unit]}`;
}
