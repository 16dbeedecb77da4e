import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown } from './escape.js';

describe('escaping input data', () => {
  it('leaves no tag, attribute end or entity in HTML', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&amp;\``)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;amp;&#96;',
    );
  });

  it('keeps a Markdown table cell one cell, with no raw HTML', () => {
    expect(escapeMarkdown('a|b\n<script>*x*</script> [link](y)')).toBe(
      'a\\|b &lt;script&gt;\\*x\\*&lt;/script&gt; \\[link\\](y)',
    );
  });
});
