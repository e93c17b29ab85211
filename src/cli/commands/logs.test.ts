import { describe, expect, it } from 'vitest';
import { SseReader } from './logs.js';

describe('SseReader', () => {
  it('reads events split anywhere across chunks; skips comments and retry', () => {
    const r = new SseReader();
    const text = 'retry: 1000\n\nid: 7\nevent: entry\ndata: {"seq":7}\n\n: keep-alive\n\nevent: reset\ndata: {"lastSeq":7}\n\n';
    const events = [];
    for (let i = 0; i < text.length; i += 5) events.push(...r.feed(text.slice(i, i + 5)));
    expect(events).toEqual([
      { event: 'entry', data: '{"seq":7}', id: '7' },
      { event: 'reset', data: '{"lastSeq":7}' },
    ]);
  });
  it('joins multi-line data and takes CRLF', () => {
    expect(new SseReader().feed('data: a\r\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});
