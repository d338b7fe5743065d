import { lineSplitter } from './Http2Watch';

describe('lineSplitter', () => {
  it('gives each line once, whole, however the chunks cut the lines', () => {
    const lines: string[] = [];
    const splitter = lineSplitter(line => lines.push(line));

    splitter.write('{"type":"ADDED"}\n{"type":');
    splitter.write('"MODI');
    splitter.write('FIED"}\n\n{"type":"BOOKMARK"}\r\n');
    expect(lines).toEqual([
      '{"type":"ADDED"}',
      '{"type":"MODIFIED"}',
      '',
      '{"type":"BOOKMARK"}\r',
    ]);

    splitter.write('{"type":"DELETED"}');
    expect(lines).toHaveLength(4);
    splitter.end();
    expect(lines[4]).toBe('{"type":"DELETED"}');
    splitter.end();
    expect(lines).toHaveLength(5);
  });
});
