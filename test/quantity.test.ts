import { formatCpu, formatMemory, parseCpu, parseMemory, parseQuantity } from './support/internals';

describe('quantities', () => {
  test.each([
    ['500m', 500],
    ['0.5', 500],
    ['1', 1000],
    ['2.25', 2250],
    [1.5, 1500],
    ['1e3', 1_000_000],
  ])('CPU %p is %p millicores', (input, millis) => {
    expect(parseCpu(input as string)).toEqual({ millis });
  });

  test.each([
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['64M', 64e6],
  ])('memory %p is %p bytes', (input, bytes) => {
    expect(parseMemory(input)).toEqual({ bytes });
  });

  test.each(['', ' 1', '1 Gi', 'one', '1.2.3', '--1', '1GB'])('%p is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  test('formats the way kubectl shows them', () => {
    expect(formatCpu(250)).toBe('250m');
    expect(formatCpu(2000)).toBe('2');
    expect(formatMemory(512 * 2 ** 20)).toBe('512Mi');
    expect(formatMemory(2 ** 30)).toBe('1Gi');
    expect(formatMemory(1e9)).toBe('1000000000');
  });
});
