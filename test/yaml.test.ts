import { Yaml } from 'cdk8s';
import { shopApp } from '../examples/shop/shop';
import { ManifestWriter, surelyPlain } from '../src/yaml';

describe('ManifestWriter writes exactly what cdk8s Yaml.stringify writes', () => {
  test('for every object of the example on every cloud', () => {
    const writer = new ManifestWriter();
    let count = 0;
    for (const app of shopApp({ env: {} }).targets) {
      for (const chart of app.charts) {
        for (const obj of chart.toJson()) {
          expect(writer.stringify(obj)).toBe(Yaml.stringify(obj));
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(100);
  });

  test.each([
    '',
    'plain',
    'yes',
    'no',
    'on',
    'off',
    'true',
    'null',
    '~',
    '0',
    '0x1F',
    '1e3',
    '1.5',
    '-1',
    '.inf',
    '00123',
    '1:2',
    'a: b',
    'a #b',
    '#c',
    '- x',
    '[x]',
    '{x}',
    '*a',
    '&a',
    '!t',
    '%p',
    '@x',
    '`x',
    '"q"',
    "'s'",
    'tab\there',
    'trailing ',
    ' leading',
    'multi\nline',
    'unicode é ✓',
    'http://x/y?z=1&w',
    '*/15 * * * *',
    '200-399',
    '{"ingress": true}',
    'python3 -c "import os"',
    '2026-01-01',
    '12:30',
    'Y',
    'N',
    '=',
    '<<',
  ])('awkward string %p', (value) => {
    const writer = new ManifestWriter();
    const obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { v: value } },
      data: { k: value, list: [value, { n: value }] },
    };
    expect(writer.stringify(obj)).toBe(Yaml.stringify(obj));
  });

  test('a string it writes without asking `yaml` is one `yaml` writes plain: every such string of up to three characters of an alphabet that spells the YAML 1.1 words and numbers', () => {
    const alphabet = [...'aefilnorstuyNOSY01._/-: '];
    const strings = [...alphabet];
    for (const a of alphabet) for (const b of alphabet) strings.push(a + b);
    for (const a of alphabet) for (const b of alphabet) for (const c of alphabet) strings.push(a + b + c);
    const words = ['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', 'tRUE', 'nULL', 'fALSE', 'oFF', 'yES'];
    const trusted = [...strings, ...words].filter(surelyPlain);
    const wrong = trusted.filter((s) => Yaml.stringify(s) !== `${s}\n` || Yaml.stringify({ [s]: 0 }) !== `${s}: 0\n`);
    expect(wrong).toEqual([]);
    // the rule trusts most such strings and none of the words, exponents or indicators
    expect(trusted.length).toBeGreaterThan(5000);
    for (const s of ['y', 'yes', 'no', 'on', 'off', 'true', 'null', 'e1', 'e-1', 'a:', 'a b', 'Yes', '_x', '0a'])
      expect(surelyPlain(s)).toBe(false);
  });

  test.each([
    [{ a: -0 }],
    [{ a: undefined }],
    [{ a: [[1, 2]] }],
    [{ 'a key': 1 }],
    [{ '1': 'x' }],
    [{ a: [], b: {} }],
    [{ a: NaN }],
    [{ a: 1.5e300 }],
    [{ a: [{ b: [{ c: null }] }] }],
  ])('edge value %#', (obj) => {
    expect(new ManifestWriter().stringify(obj)).toBe(Yaml.stringify(obj));
  });
});
