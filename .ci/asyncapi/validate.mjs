// Validates an AsyncAPI document with the official parser (@asyncapi/parser): exit 0 when it parses with no
// error-level diagnostic, 1 otherwise (every diagnostic is printed with its path).
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs <asyncapi document>');
  process.exit(64);
}

const severities = ['error', 'warning', 'info', 'hint'];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(file, 'utf8'));
for (const d of diagnostics) {
  console.log(`${severities[d.severity] ?? d.severity} ${d.code} at ${d.path.join('/') || '/'}: ${d.message}`);
}

const errors = diagnostics.filter((d) => d.severity === 0);
if (!document || errors.length > 0) {
  console.log(`FAIL ${file}: ${errors.length} error(s)`);
  process.exit(1);
}

console.log(`ok ${file}: AsyncAPI ${document.version()}, ${document.channels().length} channels, ${document.operations().length} operations, ${document.components().messages().length} messages`);
