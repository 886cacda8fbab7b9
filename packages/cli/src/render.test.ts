import { describe, expect, test } from 'vitest';
import { caretLines, lineChart, seriesName, table } from './render.js';

describe('render', () => {
  test('seriesName', () => {
    expect(
      seriesName([
        { name: '__name__', value: 'up' },
        { name: 'job', value: 'a"b' },
      ]),
    ).toBe('up{job="a\\"b"}');
    expect(seriesName([{ name: 'job', value: 'x' }])).toBe('{job="x"}');
    expect(seriesName([])).toBe('{}');
  });

  test('table aligns columns, numbers to the right', () => {
    expect(
      table(
        ['series', 'value'],
        [
          ['a', '1'],
          ['bbbb', '22.5'],
        ],
        [1],
      ),
    ).toBe(['series  value', '──────  ─────', 'a           1', 'bbbb     22.5'].join('\n'));
  });

  test('caretLines', () => {
    expect(caretLines('a\nsum(x', 2, 5)).toBe('  sum(x\n      ^');
  });

  test('lineChart: axes, a diagonal line, gaps, legend', () => {
    const points = Array.from({ length: 11 }, (_, i) => [i * 60_000, i] as const);
    const chart = lineChart([{ name: 'up', points }], {
      startMs: 0,
      endMs: 600_000,
      stepMs: 60_000,
      width: 20,
      height: 5,
    });
    const lines = chart.split('\n');
    expect(lines).toHaveLength(5 + 2 + 1);
    expect(lines[0]).toMatch(/^10 ┤/);
    expect(lines[4]).toMatch(/^ 0 ┤/);
    expect(lines[5]).toBe(`   └${'─'.repeat(20)}`);
    expect(lines[6]).toContain('00:00');
    expect(lines[6]).toContain('00:10 UTC');
    expect(lines[7]).toBe('━━ 1. up');
    // The line rises from the bottom left to the top right.
    expect(lines[4]!.charAt(4)).not.toBe(' ');
    expect(lines[0]!.trimEnd().length).toBe(4 + 20);
    const gap = lineChart(
      [
        {
          name: 'g',
          points: [
            [0, 1],
            [60_000, 2],
            [540_000, 1],
            [600_000, 2],
          ],
        },
      ],
      { startMs: 0, endMs: 600_000, stepMs: 60_000, width: 20, height: 4 },
    );
    // Nothing drawn in the middle of the gap.
    for (const l of gap.split('\n').slice(0, 4)) {
      const plot = l.slice(l.indexOf('┤') + 1);
      expect(plot.slice(4, 16).trim()).toBe('');
      expect(plot.trim()).not.toBe('');
    }
    expect(
      lineChart([{ name: 'n', points: [[0, Number.NaN]] }], { startMs: 0, endMs: 1, stepMs: 1 }),
    ).toBe('(no finite values to chart)');
  });
});
