// Scripts and a lesson index of our own for the browser tests, served in place of
// www/lessons/ so the tests do not depend on the bundled lessons' wording. Also the
// encoder of share links, written independently of the page's (Node's zlib).

import { deflateRawSync } from 'node:zlib';

/** The tutorial's second example: reserve a range, commit one page inside it, write it. */
export const RESERVE_THEN_COMMIT = `// Reserve first, commit what you need, then touch it.
#pragma pagelab frames=8 pagefile=8 working_set=4
#include <windows.h>
#include <stdio.h>

int main(void)
{
    LPVOID base = VirtualAlloc(NULL, 65536, MEM_RESERVE, PAGE_NOACCESS);
    char *page = (char *)VirtualAlloc(base, 4096, MEM_COMMIT, PAGE_READWRITE);
    memmove(page, "Hello", 6);
    printf("%s from %p\\n", page, page);
    page[4096] = 'X';
    VirtualFree(base, 0, MEM_RELEASE);
    return 0;
}
`;

/** Demand paging over three pages, with a page-out and a soft fault back. */
export const DEMAND_PAGING = `// Three pages, touched one by one.
#pragma pagelab frames=6 pagefile=8 working_set=2 policy=fifo
char *p = VirtualAlloc(NULL, 3 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 3; i = i + 1) {
    p[i * 4096] = 'a' + i;
}
printf("%c%c%c\\n", p[0], p[4096], p[8192]);
`;

/** An empty scenario for trying things by hand with the forms. */
export const BY_HAND = `// Use the forms below: each one adds a line here.
`;

export const LESSONS = [
  { name: 'by-hand', title: 'By hand', summary: 'An empty machine for the forms.', file: 'by-hand.c', text: BY_HAND },
  { name: 'reserve-then-commit', title: 'Reserve, then commit', summary: 'The tutorial\'s second example.', file: 'reserve-then-commit.c', text: RESERVE_THEN_COMMIT },
  { name: 'demand-paging', title: 'Demand paging', summary: 'One demand-zero fault per page.', file: 'demand-paging.c', text: DEMAND_PAGING },
];

/** The files to serve for these lessons: pass to serve({ files }). */
export const LESSON_FILES = Object.fromEntries([
  ['/www/lessons/index.json', JSON.stringify(LESSONS.map(({ text, ...entry }) => entry))],
  ...LESSONS.map((l) => [`/www/lessons/${l.file}`, l.text]),
]);

/** `#s=…` payload of a share link: deflate-raw, base64url without padding. */
export function encode(script) {
  return base64url(deflateRawSync(Buffer.from(script, 'utf8')));
}

export function base64url(bytes) {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
