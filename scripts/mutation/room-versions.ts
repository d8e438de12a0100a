/**
 * The --room-version list a mutant runs with: the one asked for, plus the first version the bug shows in when the
 * list has none of them (a bug of rooms v1–6 cannot make a `--room-version 7,12` run fail, and "survived" would be
 * a false report of a gap in the suite).
 */
export function roomVersionsToRun(selected: string | undefined, bugShowsIn: string[] | undefined): string | undefined {
  if (!selected || !bugShowsIn?.length) return selected;
  const list = selected.split(',').map((v) => v.trim());
  return bugShowsIn.some((v) => list.includes(v)) ? selected : [...list, bugShowsIn[0]].join(',');
}
