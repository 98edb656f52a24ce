import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

type ContentBlock = CallToolResult['content'][number];

/**
 * A tool result as the text the model reads: text blocks as they are, everything else described in a
 * line (the model cannot use base64 images or blobs as text), cut to `maxBytes`.
 */
export function mcpToolOutput(
  result: CallToolResult,
  maxBytes: number,
): { output: string; isError: boolean } {
  const parts = result.content.map(describeBlock);
  if (parts.length === 0 && result.structuredContent !== undefined) {
    parts.push(JSON.stringify(result.structuredContent, null, 2));
  }
  const text = parts.length === 0 ? '(the tool returned no content)' : parts.join('\n');
  return { output: capText(text, maxBytes), isError: result.isError === true };
}

function describeBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type}: ${block.mimeType}, ${base64Bytes(block.data)} bytes, not shown]`;
    case 'resource_link':
      return `[resource link: ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
    case 'resource': {
      const { resource } = block;
      if ('text' in resource && typeof resource.text === 'string') {
        return `[resource ${resource.uri}]\n${resource.text}`;
      }
      const size = 'blob' in resource && typeof resource.blob === 'string' ? base64Bytes(resource.blob) : 0;
      return `[resource ${resource.uri}: ${resource.mimeType ?? 'binary'}, ${size} bytes, not shown]`;
    }
    default:
      return `[${(block as { type: string }).type} content, not shown]`;
  }
}

function base64Bytes(data: string): number {
  return Buffer.byteLength(data, 'base64');
}

/** The first `maxBytes` bytes of `text` (never half a character), with a note of what was left out. */
export function capText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so a character is not cut in two.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  const dropped = bytes.length - end;
  return `${bytes.subarray(0, end).toString('utf8')}\n… [output truncated: ${dropped} more bytes]`;
}
