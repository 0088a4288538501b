// Write www/pkg/page-lab.js: the <page-lab> element and every module it imports in one
// file, for a blog that wants to copy two files (it and pagelab_bg.wasm) and write one
// <script> tag. No bundler: each imported module becomes a function scope whose exports
// are returned, its `import … from` lines become reads of those scopes, and every
// `new URL('…', import.meta.url)` is re-pointed from the module's folder to the output's.
//
// Usage: node scripts/single-file.mjs [entry] [output] [external,…]
// (defaults: www/page-lab.js → www/pkg/page-lab.js). `external`: modules (paths from the
// repository's root) left out and imported by the output instead, so that two outputs
// (the index page and its run worker) share one copy. Exits non-zero on anything it does
// not understand, rather than writing a broken file.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Imports and exports at a line start, or after `;` / `}` as minified code (the
// terser-made glue, whose first statement imports its inline JS snippet) writes them.
const IMPORT = /(?<=^|[;}])[ \t]*import\s*([^'"]+?)\s*from\s*(['"])([^'"]+)\2;?/gm;
const BARE_IMPORT = /^import\s+['"]/m;
const EXPORT_DECL = /(?<=^|[;}])[ \t]*export\s+((?:async\s+)?function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)/gm;
const EXPORT_LIST = /(?<=^|[;}])[ \t]*export\s*\{([^}]*)\}(?:\s*from\s*['"][^'"]*['"])?\s*;?/gm;
const EXPORT_DEFAULT = /^export\s+default\s+/m;
const META_URL = /new URL\((['"])([^'"]+)\1,\s*import\.meta\.url\)/g;

/** `a, { b as c, d }` or `* as ns` → a destructuring pattern for the module's exports. */
function pattern(clause, file) {
  const ns = clause.match(/^\*\s*as\s+([\w$]+)$/);
  if (ns) return { ns: ns[1] };
  const m = clause.match(/^(?:([\w$]+)\s*,?\s*)?(?:\{([^}]*)\})?$/s);
  if (!m) throw new Error(`${file}: cannot read the import clause "${clause}"`);
  const parts = [];
  if (m[1]) parts.push(`default: ${m[1]}`);
  for (const spec of (m[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, local] = spec.split(/\s+as\s+/);
    parts.push(local ? `${name}: ${local}` : name);
  }
  return { names: `{ ${parts.join(', ')} }` };
}

/**
 * Read every module reachable from `entry`, dependencies first.
 * @returns {Promise<{file: string, source: string}[]>}
 */
async function collect(entry, external) {
  const order = [];
  const seen = new Set(external);
  async function visit(file, chain) {
    if (chain.includes(file)) throw new Error(`import cycle: ${[...chain, file].join(' → ')}`);
    if (seen.has(file)) return;
    seen.add(file);
    const source = await readFile(file, 'utf8');
    if (BARE_IMPORT.test(source)) throw new Error(`${file}: side-effect imports are not supported`);
    // A dynamic import of `new URL('…', import.meta.url)` stays a separate file, loaded
    // when the code asks for it (its URL is re-pointed below); any other import() is refused.
    if (/\bimport\s*\((?!\s*new URL\()/.test(source)) throw new Error(`${file}: dynamic import() is supported only of new URL('…', import.meta.url)`);
    for (const [, , , spec] of source.matchAll(IMPORT)) {
      if (!spec.startsWith('.')) throw new Error(`${file}: only relative imports are supported ("${spec}")`);
      await visit(path.resolve(path.dirname(file), spec), [...chain, file]);
    }
    order.push({ file, source });
  }
  await visit(entry, []);
  return order;
}

/** One module's text with its imports, exports and import.meta URLs rewritten. */
function rewrite({ file, source }, scopes, outDir, isEntry) {
  const exports = [];
  let body = source.replace(IMPORT, (_, clause, _q, spec) => {
    const scope = scopes.get(path.resolve(path.dirname(file), spec)).name;
    const p = pattern(clause.trim(), file);
    return p.ns ? `const ${p.ns} = ${scope};` : `const ${p.names} = ${scope};`;
  });
  body = body.replace(EXPORT_DECL, (_, kind, name) => {
    exports.push([name, name]);
    return `${kind} ${name}`;
  });
  body = body.replace(EXPORT_LIST, (whole, list) => {
    if (/\bfrom\b/.test(whole)) throw new Error(`${file}: re-exports are not supported`);
    for (const spec of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [local, name] = spec.split(/\s+as\s+/);
      exports.push([name ?? local, local]);
    }
    return '';
  });
  if (EXPORT_DEFAULT.test(body)) {
    body = body.replace(EXPORT_DEFAULT, 'const __default = ');
    exports.push(['default', '__default']);
  }
  if (/(?:^|[;}])\s*export\b/m.test(body)) throw new Error(`${file}: an export form that is not supported`);
  body = body.replace(META_URL, (_, q, rel) => {
    const target = path.resolve(path.dirname(file), rel);
    let moved = path.relative(outDir, target).split(path.sep).join('/');
    if (!moved.startsWith('.')) moved = `./${moved}`;
    return `new URL(${q}${moved}${q}, import.meta.url)`;
  });
  const name = path.relative(ROOT, file).split(path.sep).join('/');
  if (isEntry) {
    // The entry stays at module level (it may use top-level await) and keeps its exports.
    const list = exports.map(([n, local]) => (n === local ? n : `${local} as ${n}`)).join(', ');
    return `// ---- ${name}\n${body}\n${list ? `export { ${list} };\n` : ''}`;
  }
  const returned = exports.map(([n, local]) => (n === local ? n : `${JSON.stringify(n)}: ${local}`)).join(', ');
  return `// ---- ${name}\nconst ${scopes.get(file).name} = (() => {\n${body}\nreturn Object.freeze({ ${returned} });\n})();\n`;
}

/** Build the single file; returns its text. */
export async function singleFile(entry, output, external = []) {
  const modules = await collect(entry, external);
  const scopes = new Map(modules.map(({ file }, i) => [file, { name: `__module${i}` }]));
  const outDir = path.dirname(output);
  // An external module is imported whole, once, and read like an inlined one.
  const imports = external.map((file, i) => {
    scopes.set(file, { name: `__external${i}` });
    let rel = path.relative(outDir, file).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `import * as __external${i} from ${JSON.stringify(rel)};\n`;
  });
  const parts = modules.map((m, i) => rewrite(m, scopes, outDir, i === modules.length - 1));
  return `// PageLab's <page-lab> element in one file, made by scripts/single-file.mjs from\n` +
    `// ${path.relative(ROOT, entry)}; keep pagelab_bg.wasm beside it.\n${imports.join('')}${parts.join('\n')}`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const entry = path.resolve(ROOT, process.argv[2] ?? 'www/page-lab.js');
  const output = path.resolve(ROOT, process.argv[3] ?? 'www/pkg/page-lab.js');
  const external = (process.argv[4] ?? '').split(',').filter(Boolean).map((f) => path.resolve(ROOT, f));
  try {
    await writeFile(output, await singleFile(entry, output, external));
  } catch (error) {
    console.error(`single-file: ${error.message}`);
    process.exit(1);
  }
}
