/** A copy of `o` without its undefined fields, so outputs compare and print cleanly. */
export function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
