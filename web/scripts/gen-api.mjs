// Generates src/api/schema.d.ts from the server's OpenAPI document.
// Usage: npm run gen:api [-- <url-or-file>]   (default: the local dev server's document)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = process.argv[2] ?? 'http://127.0.0.1:8000/api/v1/openapi.json';
const out = path.join(here, '..', 'src', 'api', 'schema.d.ts');
const bin = path.join(here, '..', 'node_modules', '.bin', 'openapi-typescript');

const result = spawnSync(bin, [source, '--output', out], { stdio: 'inherit' });
process.exit(result.status ?? 1);
