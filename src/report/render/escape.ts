/**
 * Text from input data (workload names, models, tags, file paths) into HTML: every character
 * that could open a tag, end an attribute or start an entity is escaped, in text and attributes
 * alike, so a workload named `<script>` shows as text.
 */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"'`]/g, (character) => htmlEntities[character]!);
}

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Text into a Markdown table cell: pipes and line breaks would break the table, and Markdown
 * renderers pass raw HTML through, so `<`, `>` and `&` become entities too; emphasis, link and
 * code characters are backslash-escaped.
 */
export function escapeMarkdown(text: string | number): string {
  return String(text)
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#!])/g, '\\$1');
}
